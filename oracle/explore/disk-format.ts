// The oracle's own knowledge of the on-disk format, written from docs/format.md and nothing else,
// all in this one file: segment file names, the sizes of headers and frames, the two
// little-endian integer readers, and the listing of a crash state's segment files. The oracle
// must not share code with the codec it checks, so oracle/ never decodes bytes with src/. It
// mostly needs sizes, because it knows from the history which records each write carried, and
// the salt, which tells the frames of a file's current life from those of an earlier one.
//
// walref writes format v2 (docs/format.md), which is all the oracle checks:
//   segment file := 20-digit zero-padded id ".wal"; free file := 20 digits ".free"
//   segment := header frame*          header = 44 bytes, base LSN u64 at 20, salt u32 at 28
//   frame   := length u32 | crc32c u32 | salt u32 | body
//   body    := tag u8 | lsn u64 | payload       (payloads stored as they are: no compression)
//   each write of frames may end with 12 zero bytes (the end marker)
//   payload by kind: TxBegin (none) · Mutation txBeginLsn u64, event bytes
//                    MutationBatch txBeginLsn u64, count u32, (len u32, event bytes)*
//                    TxCommit / TxAbort txBeginLsn u64 · Checkpoint snapshotLsn u64

import { match } from 'ts-pattern';
import type { CrashFile, CrashState } from '../../crash-sim/crash-states.js';
import { splitPath } from '../../crash-sim/sim-paths.js';

export const ORACLE_SEGMENT_HEADER_BYTES = 44;
/** Where a segment header keeps its base LSN. */
const HEADER_BASE_LSN_OFFSET = 20;
/** Where a segment header keeps its salt, and where it says the previous segment's frames end. */
const HEADER_SALT_OFFSET = 28;
const HEADER_PREVIOUS_END_OFFSET = 32;
/** length u32 | crc32c u32 | salt u32 before every frame's body. */
export const FRAME_PREFIX_BYTES = 12;
/** Where a frame keeps its salt. */
const FRAME_SALT_OFFSET = 8;
/** The smallest body a frame may have: tag + lsn. */
const BODY_BYTES_MIN = 9;
/** kind u8 | lsn u64 at the start of every body. */
const BODY_PREFIX_BYTES = 9;
/** Where a frame keeps its record's LSN, from the frame's first byte. */
const FRAME_LSN_OFFSET = FRAME_PREFIX_BYTES + 1;
const U64_BYTES = 8;
const U32_BYTES = 4;

export type HistoryRecordKind = 'TxBegin' | 'Mutation' | 'MutationBatch' | 'TxCommit' | 'TxAbort' | 'Checkpoint';

export function frameBytes(kind: HistoryRecordKind, events: readonly Uint8Array[]): number {
  const payload = match(kind)
    .with('TxBegin', () => 0)
    .with('Mutation', () => U64_BYTES + (events[0]?.length ?? 0))
    .with('MutationBatch', () => U64_BYTES + U32_BYTES + events.reduce((sum, e) => sum + U32_BYTES + e.length, 0))
    .with('TxCommit', 'TxAbort', 'Checkpoint', () => U64_BYTES)
    .exhaustive();
  return FRAME_PREFIX_BYTES + BODY_PREFIX_BYTES + payload;
}

/** A little-endian u32; bytes past the end read as zero. */
export function readU32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16) | ((bytes[at + 3] ?? 0) << 24)) >>> 0;
}

/** A little-endian u64 below 2^53 (every LSN the format allows). */
export function readU64(bytes: Uint8Array, at: number): number {
  return readU32(bytes, at) + readU32(bytes, at + 4) * 0x1_0000_0000;
}

/** The whole frame's size, read from its length prefix at `at`. */
export function frameBytesAt(bytes: Uint8Array, at: number): number {
  return FRAME_PREFIX_BYTES + readU32(bytes, at);
}

/** The LSN of the frame starting at `at`. */
export function frameLsnAt(bytes: Uint8Array, at: number): number {
  return readU64(bytes, at + FRAME_LSN_OFFSET);
}

/** The salt of the frame starting at `at`. */
export function frameSaltAt(bytes: Uint8Array, at: number): number {
  return readU32(bytes, at + FRAME_SALT_OFFSET);
}

/** Whether a frame's length prefix at `at` is one a frame can have (zeros, the end marker, cannot). */
export function plausibleFrameAt(bytes: Uint8Array, at: number): boolean {
  return at + FRAME_PREFIX_BYTES <= bytes.length && readU32(bytes, at) >= BODY_BYTES_MIN;
}

/** Where a segment header says the previous segment's frames end (0: unknown), or null for a file shorter than a header. */
export function headerPreviousEnd(bytes: Uint8Array): number | null {
  return bytes.length < ORACLE_SEGMENT_HEADER_BYTES ? null : readU64(bytes, HEADER_PREVIOUS_END_OFFSET);
}

/** A segment header's salt, or null for a file shorter than a header. */
export function headerSalt(bytes: Uint8Array): number | null {
  return bytes.length < ORACLE_SEGMENT_HEADER_BYTES ? null : readU32(bytes, HEADER_SALT_OFFSET);
}

/** Whether every byte of `bytes` is zero (an end marker, a preallocated region, a cut-back). */
export function allZero(bytes: Uint8Array): boolean {
  for (const byte of bytes) if (byte !== 0) return false;
  return true;
}

/** A segment header's base LSN, or null for a file shorter than a header. */
export function headerBaseLsn(bytes: Uint8Array): number | null {
  return bytes.length < ORACLE_SEGMENT_HEADER_BYTES ? null : readU64(bytes, HEADER_BASE_LSN_OFFSET);
}

/** Whether a name is a free file's (docs/format.md "Preallocation and reuse"). */
export function isFreeFileName(name: string): boolean {
  return /^\d{20}\.free$/.test(name);
}

/** The id a segment file name carries, or null for any other file (the lock, a MANIFEST). */
export function segmentIdOf(name: string): number | null {
  const found = /^(\d{20})\.wal$/.exec(name);
  if (found === null) return null;
  const id = Number(found[1]);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

export interface SegmentImage {
  readonly name: string;
  readonly id: number;
  /** The bytes the crash left on disk. */
  readonly bytes: Uint8Array;
  readonly file: CrashFile;
}

/** The segment files of the WAL directory `dir` in a crash state, oldest first. */
export function segmentImages(state: Pick<CrashState, 'files'>, dir: string): SegmentImage[] {
  const out: SegmentImage[] = [];
  const wanted = splitPath(`${dir}/x`).dir;
  for (const [path, file] of state.files) {
    const { dir: parent, name } = splitPath(path);
    const id = segmentIdOf(name);
    if (parent === wanted && id !== null) out.push({ name, id, bytes: file.bytes, file });
  }
  return out.sort((a, b) => a.id - b.id);
}
