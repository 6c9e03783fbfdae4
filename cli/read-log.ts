// Reads a WAL directory through the FileSystem port, read side only. The CLI never takes the
// directory's writer lock and never opens a file for writing: it may run next to a live writer,
// which keeps its lock, and whatever it finds (a torn tail included) stays on disk byte for byte.
// A frame the writer is appending at this very moment simply shows up as a torn tail of the
// active segment.
//
// Segments are read asynchronously, in chunks: whole, one at a time (dump), or streamed (replay
// and verify, through the shell's sweepLog), so memory is bounded by one segment or one chunk,
// not by the size of the log.

import { WalError, type RecoveryPolicy } from '../src/core/errors.js';
import { manifestCheckpointLsn, planLeftovers } from '../src/core/checkpoint.js';
import type { Manifest } from '../src/core/manifest.js';
import type { ReplayedTransaction } from '../src/core/records.js';
import type { ReplaySummary } from '../src/core/replay.js';
import { FsError, type FileSystem } from '../src/fs/port.js';
import { listSegments, READ_CHUNK_BYTES, sweepLog, type SegmentEntry } from '../src/log-reader.js';
import { liveSnapshotOf } from '../src/live-snapshot.js';
import { readManifest } from '../src/open-epoch.js';
import type { CliFailure } from './cli-failure.js';

export interface SegmentFile extends SegmentEntry {
  readonly bytes: Uint8Array;
}

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: CliFailure };

/** The directory's segment files, oldest first, after checking that it is a walref log directory. */
export function inspectLogDirectory(fs: FileSystem, dir: string): Checked<readonly SegmentEntry[]> {
  return guard(() => {
    if (!fs.exists(dir)) return fail({ kind: 'io', message: `no such directory: ${dir}` });
    if (!fs.isDirectory(dir)) {
      return fail({ kind: 'io', message: `${dir} is a file, not a walref log directory (pass the directory that holds the segments)` });
    }
    const segments = listSegments(fs, dir);
    if (segments.length === 0) return fail({ kind: 'no-segments', dir });
    return { ok: true, value: segments };
  });
}

/**
 * One segment file, read whole, asynchronously a chunk at a time (off the main thread with the
 * default adapter), so that a large segment does not hold up the event loop of a host that runs
 * the CLI in-process. Memory is bounded by one segment.
 */
export async function readSegment(fs: FileSystem, dir: string, entry: SegmentEntry): Promise<Checked<SegmentFile>> {
  try {
    const handle = fs.open(fs.join(dir, entry.name), 'read');
    try {
      const sizeBytes = handle.sizeBytes();
      const bytes = new Uint8Array(sizeBytes);
      let filled = 0;
      while (filled < sizeBytes) {
        const chunk = await handle.read(filled, Math.min(READ_CHUNK_BYTES, sizeBytes - filled));
        // The file shrank under a concurrent truncateUpTo: what was read is all there is.
        if (chunk.length === 0) break;
        bytes.set(chunk, filled);
        filled += chunk.length;
      }
      return { ok: true, value: { ...entry, bytes: filled === sizeBytes ? bytes : bytes.subarray(0, filled) } };
    } finally {
      handle.close();
    }
  } catch (error) {
    return guard(() => {
      throw error;
    });
  }
}

/**
 * Streams the committed transactions of `dir` to `onTransaction` and returns the replay summary,
 * or the failure that stopped the sweep (the transactions before it have been delivered).
 */
export async function sweepDirectory(
  fs: FileSystem,
  dir: string,
  checkpointLsn: number,
  onTransaction: (transaction: ReplayedTransaction) => void,
  recovery: RecoveryPolicy = 'tolerate-torn-tail',
): Promise<Checked<ReplaySummary>> {
  try {
    const sweep = sweepLog(fs, dir, { checkpointLsn, recovery });
    // One step per committed transaction, then the summary: bounded by the log's size.
    for (;;) {
      const step = await sweep.next();
      if (step.done === true) return { ok: true, value: step.value };
      onTransaction(step.value);
    }
  } catch (error) {
    return guard(() => {
      throw error;
    });
  }
}

/** The committed epoch beside the segments, as the read-only commands see it. */
export interface EpochView {
  /** The MANIFEST, or null when there is none (no checkpoint through it yet). */
  readonly manifest: Manifest | null;
  /** The replay fence it sets: the live snapshot's LSN, 0 without one. */
  readonly checkpointLsn: number;
  /** Files openWal would remove as leftovers of a crashed checkpoint (or of removals that did not finish). */
  readonly leftovers: readonly string[];
}

/** Reads and checks the MANIFEST; a damaged one is a BadManifest failure. Nothing is removed. */
export function inspectEpoch(fs: FileSystem, dir: string): Checked<EpochView> {
  return guard(() => {
    const manifest = readManifest(fs, dir);
    return { ok: true, value: { manifest, checkpointLsn: manifestCheckpointLsn(manifest), leftovers: planLeftovers(fs.readdir(dir), manifest).remove } };
  });
}

/** Reads the live snapshot whole, checking its size and checksum against the MANIFEST. */
export async function checkLiveSnapshot(fs: FileSystem, dir: string, manifest: Manifest): Promise<Checked<{ readonly file: string; readonly sizeBytes: number }>> {
  const entry = manifest.snapshots[0];
  if (entry === undefined) return { ok: true, value: { file: '', sizeBytes: 0 } };
  const snapshot = liveSnapshotOf(fs, dir, manifest.epoch, entry);
  try {
    for await (const chunk of snapshot.chunks()) void chunk;
    return { ok: true, value: { file: snapshot.file, sizeBytes: snapshot.sizeBytes } };
  } catch (error) {
    return guard(() => {
      throw error;
    });
  }
}

/** Turns the read side's thrown errors into failures; anything else is a bug and propagates. */
function guard<T>(action: () => Checked<T>): Checked<T> {
  try {
    return action();
  } catch (error) {
    // A segment removed by a concurrent truncateUpTo between listing and reading lands here too;
    // running the command again reads the directory as it is now.
    if (error instanceof FsError) return fail({ kind: 'io', message: `cannot read ${error.path}: ${error.errno} (${error.op})` });
    if (error instanceof WalError) {
      return error.info.code === 'IoError'
        ? fail({ kind: 'io', message: `cannot read ${error.info.path}: ${error.info.errno} (${error.info.op})` })
        : fail({ kind: 'log', error: error.info });
    }
    throw error;
  }
}

function fail<T>(failure: CliFailure): Checked<T> {
  return { ok: false, failure };
}
