// Format constants of walref's on-disk format: version 2 is written, versions 1 and 2 are read.
// docs/format.md is the source of truth for every number here; when the two disagree, the
// document wins and this file is the bug.

/** The eight bytes every segment file starts with: ASCII "WALREFSG". */
export const SEGMENT_MAGIC = Uint8Array.of(0x57, 0x41, 0x4c, 0x52, 0x45, 0x46, 0x53, 0x47);

/** The format version this build writes. */
export const FORMAT_VERSION = 2;

/** Every format version this build reads: v1 logs open as they are (docs/format.md "Versioning"). */
export const FORMAT_VERSIONS_READ: readonly FormatVersion[] = [1, 2];
export type FormatVersion = 1 | 2;

/** Whether this build reads segments of `version` (a header's u32, as found on disk). */
export function isReadableVersion(version: number): version is FormatVersion {
  return (FORMAT_VERSIONS_READ as readonly number[]).includes(version);
}

/**
 * Size of the v2 segment header: magic(8) version(u32) segmentId(u64) baseLsn(u64) salt(u32)
 * previousEnd(u64) crc(u32).
 */
export const SEGMENT_HEADER_BYTES = 44;

/** Size of the v1 segment header: magic(8) version(u32) segmentId(u64) baseLsn(u64) crc(u32). */
export const SEGMENT_HEADER_BYTES_V1 = 32;

/** The bytes a header's magic and version take: enough to know how long the header is. */
export const SEGMENT_HEADER_PREFIX_BYTES = 12;

/** Size of a v2 frame's fixed prefix: length(u32) crc32c(u32) salt(u32). */
export const FRAME_HEADER_BYTES = 12;

/** Size of a v1 frame's fixed prefix: length(u32) crc32c(u32). */
export const FRAME_HEADER_BYTES_V1 = 8;

/** The low bits of a v2 body's tag byte: the record kind. */
export const TAG_KIND_MASK = 0x0f;
/** The top bit of a v2 body's tag byte: the payload is stored deflated. */
export const TAG_DEFLATED = 0x80;
/** Tag bits that must be zero. */
export const TAG_RESERVED_MASK = 0x70;

/**
 * The largest body a frame may declare. The decoder refuses larger lengths before allocating,
 * so a flipped length can never make it allocate gigabytes.
 */
export const FRAME_BODY_BYTES_MAX = 64 * 1024 * 1024;

/** The smallest legal body: kind(u8) + lsn(u64). */
export const FRAME_BODY_BYTES_MIN = 9;

/**
 * LSNs are unsigned 64-bit on disk but JavaScript numbers are exact only up to 2^53 - 1; the
 * codec rejects anything larger instead of rounding it.
 */
export const LSN_MAX = Number.MAX_SAFE_INTEGER;

/** Segment ids are zero-padded to this many digits so lexical order is numeric order. */
export const SEGMENT_ID_DIGITS = 20;

/** Every segment file ends with this suffix. */
export const SEGMENT_SUFFIX = '.wal';

/** Every free file (a preallocated file kept for reuse as a future segment) ends with this suffix. */
export const FREE_SUFFIX = '.free';

/** The lock file that marks a directory as opened by a live writer. */
export const LOCK_FILE_NAME = 'walref.lock';

/** Record kinds as they appear in the first byte of a frame body. */
export const RecordKind = {
  TxBegin: 1,
  Mutation: 2,
  MutationBatch: 3,
  TxCommit: 4,
  TxAbort: 5,
  Checkpoint: 6,
} as const;
export type RecordKindName = keyof typeof RecordKind;

/** The segment file name for an id, e.g. 1 -> "00000000000000000001.wal". */
export function segmentFileName(segmentId: number): string {
  return String(segmentId).padStart(SEGMENT_ID_DIGITS, '0') + SEGMENT_SUFFIX;
}

/** The id encoded in a segment file name, or null when the name is not a segment's. */
export function parseSegmentFileName(name: string): number | null {
  // A name that does not match gives Number(undefined), NaN, which the test below refuses.
  const id = Number(/^(\d{20})\.wal$/.exec(name)?.[1]);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** The free-file name for a number, e.g. 3 -> "00000000000000000003.free". */
export function freeFileName(number: number): string {
  return String(number).padStart(SEGMENT_ID_DIGITS, '0') + FREE_SUFFIX;
}

/** The number a free-file name carries, or null when the name is not a free file's. */
export function parseFreeFileName(name: string): number | null {
  // A name that does not match gives Number(undefined), NaN, which the test below refuses.
  const number = Number(/^(\d{20})\.free$/.exec(name)?.[1]);
  return Number.isSafeInteger(number) && number > 0 ? number : null;
}
