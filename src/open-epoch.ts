// The first thing openWal does under its lock, before any replay: learn the committed epoch. It
// reads the MANIFEST (a damaged one is a BadManifest error naming the file, and nothing is
// touched), checks that the live snapshot it names is there with the recorded size (BadSnapshot
// otherwise), and only then removes the leftovers a crash can leave beside it: MANIFEST.tmp,
// snapshot files the MANIFEST does not name, segments below its first one (core/checkpoint.ts,
// planLeftovers). The removal is made durable with one directory fsync before replay starts, so a
// later crash cannot bring a leftover back next to files written after it.

import { planLeftovers, type EpochState } from './core/checkpoint.js';
import { WalError } from './core/errors.js';
import { decodeManifest, liveSnapshot, MANIFEST_FILE_NAME, snapshotFileName, type Manifest } from './core/manifest.js';
import type { EffectRunner } from './effect-runner.js';
import type { FileSystem } from './fs/port.js';
import { walErrorFromFs } from './io-error.js';
import { liveSnapshotOf, type LiveSnapshot } from './live-snapshot.js';

export interface OpenedEpoch {
  readonly epoch: EpochState;
  /** The live snapshot, or null before the first checkpoint. */
  readonly snapshot: LiveSnapshot | null;
  /** The leftovers removed, in order. */
  readonly removed: readonly string[];
}

/** Reads and checks the committed MANIFEST, if any; nothing is written. */
export function readManifest(fileSystem: FileSystem, dir: string): Manifest | null {
  const path = fileSystem.join(dir, MANIFEST_FILE_NAME);
  let bytes: Uint8Array;
  try {
    if (!fileSystem.exists(path)) return null;
    bytes = fileSystem.readFile(path);
  } catch (error) {
    throw walErrorFromFs(error);
  }
  const decoded = decodeManifest(bytes);
  if (!decoded.ok) throw new WalError({ code: 'BadManifest', file: MANIFEST_FILE_NAME, cause: decoded.cause });
  return decoded.manifest;
}

/** The live snapshot of `manifest`, checked to exist with the size the MANIFEST recorded. */
export function checkedLiveSnapshot(fileSystem: FileSystem, dir: string, manifest: Manifest): LiveSnapshot {
  const entry = liveSnapshot(manifest);
  const file = snapshotFileName(entry.id);
  const path = fileSystem.join(dir, file);
  try {
    if (!fileSystem.exists(path)) throw new WalError({ code: 'BadSnapshot', file, lsn: entry.lsn, cause: 'missing' });
    const handle = fileSystem.open(path, 'read');
    try {
      if (handle.sizeBytes() !== entry.sizeBytes) throw new WalError({ code: 'BadSnapshot', file, lsn: entry.lsn, cause: 'size-mismatch' });
    } finally {
      handle.close();
    }
  } catch (error) {
    throw walErrorFromFs(error);
  }
  return liveSnapshotOf(fileSystem, dir, manifest.epoch, entry);
}

export async function openEpoch(fileSystem: FileSystem, dir: string, runner: EffectRunner): Promise<OpenedEpoch> {
  const manifest = readManifest(fileSystem, dir);
  const snapshot = manifest === null ? null : checkedLiveSnapshot(fileSystem, dir, manifest);
  try {
    const leftovers = planLeftovers(fileSystem.readdir(dir), manifest);
    for (const file of leftovers.remove) await runner.run({ kind: 'remove', file });
    if (leftovers.remove.length > 0) await runner.run({ kind: 'fsyncDir' });
    return { epoch: { manifest, nextSnapshotId: leftovers.nextSnapshotId }, snapshot, removed: leftovers.remove };
  } catch (error) {
    throw walErrorFromFs(error);
  }
}
