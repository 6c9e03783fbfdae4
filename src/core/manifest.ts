// The MANIFEST: the single commit point of a checkpoint (docs/format.md, "MANIFEST", is the source
// of truth for these bytes, with a grammar and a worked hexdump). It names the live snapshot (its
// file, its LSN, which is the replay fence, its size and checksum), the older snapshots the
// retention policy keeps, and the oldest segment the epoch still needs. Everything a crash can
// leave beside it (a snapshot file it does not name, MANIFEST.tmp, a segment below its first one)
// is a leftover that openWal removes once it has read the MANIFEST.
//
//   manifest := magic "WALREFMF" (8) | version u32 | epoch u64 | first-segment-id u64
//               | snapshot-count u32 | snapshot^count | manifest-crc u32
//   snapshot := snapshot-id u64 | lsn u64 | size-bytes u64 | snapshot-crc u32     (28 bytes)
//
// The checksum covers every byte before it; the live snapshot is the first entry, and the LSNs
// never increase along the list (older snapshots follow, newest first).

import { readU32, readU64Safe, writeU32, writeU64 } from './codec.js';
import { crc32cOfRange } from './crc32c.js';
import type { ManifestFailureCause } from './errors.js';
import type { Lsn } from './records.js';

/** The committed MANIFEST's name, and the temporary file a new one is written to before the rename. */
export const MANIFEST_FILE_NAME = 'MANIFEST';
export const MANIFEST_TEMP_FILE_NAME = 'MANIFEST.tmp';

/** ASCII "WALREFMF". */
export const MANIFEST_MAGIC = Uint8Array.of(0x57, 0x41, 0x4c, 0x52, 0x45, 0x46, 0x4d, 0x46);

/** The MANIFEST format version; independent of the segment format's version. */
export const MANIFEST_VERSION = 1;

/** magic(8) version(4) epoch(8) first-segment-id(8) snapshot-count(4). */
export const MANIFEST_FIXED_BYTES = 32;
export const MANIFEST_SNAPSHOT_BYTES = 28;
export const MANIFEST_CRC_BYTES = 4;

/** The most snapshots one MANIFEST names (the live one included): the bound of `retain.snapshots`. */
export const MANIFEST_SNAPSHOTS_MAX = 64;

/** Snapshot files are named by an id in 20 zero-padded digits, like segments. */
const SNAPSHOT_PREFIX = 'snapshot-';
const SNAPSHOT_SUFFIX = '.snap';

/** One snapshot as the MANIFEST names it. */
export interface ManifestSnapshot {
  /** The number in its file name; never reused in one directory. */
  readonly id: number;
  /** Every transaction committed at or below this LSN is in the snapshot: the replay fence. */
  readonly lsn: Lsn;
  readonly sizeBytes: number;
  /** CRC-32C of the snapshot file's bytes. */
  readonly crc32c: number;
}

export interface Manifest {
  /** 1 for the first MANIFEST of a directory, one more at every commit. */
  readonly epoch: number;
  /** The oldest segment the epoch needs; every segment below it is covered by the live snapshot. */
  readonly firstSegmentId: number;
  /** The live snapshot first, then the older snapshots retention keeps, newest first. */
  readonly snapshots: readonly ManifestSnapshot[];
}

export type ManifestDecodeResult = { readonly ok: true; readonly manifest: Manifest } | { readonly ok: false; readonly cause: ManifestFailureCause };

/** The file name of snapshot `id`, e.g. 3 -> "snapshot-00000000000000000003.snap". */
export function snapshotFileName(id: number): string {
  return `${SNAPSHOT_PREFIX}${String(id).padStart(20, '0')}${SNAPSHOT_SUFFIX}`;
}

/** The id in a snapshot file name, or null when the name is not a snapshot's. */
export function parseSnapshotFileName(name: string): number | null {
  const match = /^snapshot-(\d{20})\.snap$/.exec(name);
  // Stryker disable next-line ConditionalExpression: a match always has its one group; the test is for the type checker
  if (match === null || match[1] === undefined) return null;
  const id = Number(match[1]);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** The live snapshot: the first one the MANIFEST names. */
export function liveSnapshot(manifest: Manifest): ManifestSnapshot {
  const live = manifest.snapshots[0];
  if (live === undefined) throw new Error('manifest: a MANIFEST names at least one snapshot');
  return live;
}

export function manifestBytesFor(snapshotCount: number): number {
  return MANIFEST_FIXED_BYTES + snapshotCount * MANIFEST_SNAPSHOT_BYTES + MANIFEST_CRC_BYTES;
}

/** An id is 1..LSN_MAX, and LSN_MAX is the largest safe integer, so being safe is the upper bound. */
const isId = (n: number): boolean => Number.isSafeInteger(n) && n >= 1;

/** Whether the fields keep the rules the decoder checks (bad-body); null when they do. */
function brokenField(manifest: Manifest): string | null {
  if (!isId(manifest.epoch)) return `epoch ${manifest.epoch}`;
  if (!isId(manifest.firstSegmentId)) return `first segment id ${manifest.firstSegmentId}`;
  const count = manifest.snapshots.length;
  if (count < 1 || count > MANIFEST_SNAPSHOTS_MAX) return `${count} snapshots`;
  for (const [i, s] of manifest.snapshots.entries()) {
    if (!isId(s.id)) return `snapshot id ${s.id}`;
    if (!Number.isSafeInteger(s.lsn) || s.lsn < 0) return `snapshot LSN ${s.lsn}`;
    if (!Number.isSafeInteger(s.sizeBytes) || s.sizeBytes < 0) return `snapshot size ${s.sizeBytes}`;
    if (!Number.isInteger(s.crc32c) || s.crc32c < 0 || s.crc32c > 0xffff_ffff) return `snapshot checksum ${s.crc32c}`;
    const newer = manifest.snapshots[i - 1];
    if (newer !== undefined && (s.lsn > newer.lsn || s.id >= newer.id)) return `snapshot ${s.id} is listed after a newer one`;
  }
  return null;
}

/** The MANIFEST's bytes. A manifest that breaks the rules is a programmer error (RangeError). */
export function encodeManifest(manifest: Manifest): Uint8Array {
  const broken = brokenField(manifest);
  if (broken !== null) throw new RangeError(`manifest: ${broken} cannot be encoded`);
  const count = manifest.snapshots.length;
  const bytes = new Uint8Array(manifestBytesFor(count));
  bytes.set(MANIFEST_MAGIC, 0);
  writeU32(bytes, 8, MANIFEST_VERSION);
  writeU64(bytes, 12, manifest.epoch);
  writeU64(bytes, 20, manifest.firstSegmentId);
  writeU32(bytes, 28, count);
  let at = MANIFEST_FIXED_BYTES;
  for (const s of manifest.snapshots) {
    writeU64(bytes, at, s.id);
    writeU64(bytes, at + 8, s.lsn);
    writeU64(bytes, at + 16, s.sizeBytes);
    writeU32(bytes, at + 24, s.crc32c);
    at += MANIFEST_SNAPSHOT_BYTES;
  }
  writeU32(bytes, at, crc32cOfRange(bytes, 0, at));
  return bytes;
}

/**
 * Decodes a whole MANIFEST file. Checks, in order: enough bytes for the fixed part and the checksum
 * (truncated), the magic (bad-magic), the version (unsupported-version: a newer format is named as
 * such), a length that fits the snapshot count (bad-length), the checksum (bad-checksum), and the
 * fields (bad-body). The count is bounded before anything is read from it.
 */
export function decodeManifest(bytes: Uint8Array): ManifestDecodeResult {
  if (bytes.length < MANIFEST_FIXED_BYTES + MANIFEST_CRC_BYTES) return { ok: false, cause: 'truncated' };
  for (let i = 0; i < MANIFEST_MAGIC.length; i++) if (bytes[i] !== MANIFEST_MAGIC[i]) return { ok: false, cause: 'bad-magic' };
  if (readU32(bytes, 8) !== MANIFEST_VERSION) return { ok: false, cause: 'unsupported-version' };
  const count = readU32(bytes, 28);
  if (count < 1 || count > MANIFEST_SNAPSHOTS_MAX || bytes.length !== manifestBytesFor(count)) return { ok: false, cause: 'bad-length' };
  const crcAt = bytes.length - MANIFEST_CRC_BYTES;
  if (crc32cOfRange(bytes, 0, crcAt) !== readU32(bytes, crcAt)) return { ok: false, cause: 'bad-checksum' };
  const snapshots: ManifestSnapshot[] = [];
  for (let i = 0, at = MANIFEST_FIXED_BYTES; i < count; i++, at += MANIFEST_SNAPSHOT_BYTES) {
    snapshots.push({ id: readU64Safe(bytes, at), lsn: readU64Safe(bytes, at + 8), sizeBytes: readU64Safe(bytes, at + 16), crc32c: readU32(bytes, at + 24) });
  }
  const manifest: Manifest = { epoch: readU64Safe(bytes, 12), firstSegmentId: readU64Safe(bytes, 20), snapshots };
  return brokenField(manifest) === null ? { ok: true, manifest } : { ok: false, cause: 'bad-body' };
}
