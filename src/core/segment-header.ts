// The segment header codec: the first bytes of every segment file. See docs/format.md for the
// layouts:
//
//   v2 header := magic "WALREFSG" (8) | version u32 | segmentId u64 | baseLsn u64 | salt u32
//                | previousEnd u64 | crc32c u32          (offsets 0, 8, 12, 20, 28, 32, 40)
//   v1 header := magic | version u32 | segmentId u64 | baseLsn u64 | crc32c u32   (crc at 28)
//
// The checksum covers every byte before it. walref writes v2 and reads both.

import { readU32, readU64Safe, writeU32, writeU64 } from './le-bytes.js';
import { crc32cOfRange } from './crc32c.js';
import type { HeaderFailureCause } from './errors.js';
import {
  FORMAT_VERSION,
  SEGMENT_HEADER_BYTES,
  SEGMENT_HEADER_BYTES_V1,
  SEGMENT_HEADER_PREFIX_BYTES,
  SEGMENT_MAGIC,
  isReadableVersion,
} from './format.js';
import type { Lsn, SegmentHeader } from './records.js';

export type HeaderDecodeResult =
  | { readonly ok: true; readonly header: SegmentHeader }
  | { readonly ok: false; readonly cause: HeaderFailureCause };

const VERSION_OFFSET = 8;
const SEGMENT_ID_OFFSET = 12;
const BASE_LSN_OFFSET = 20;
const SALT_OFFSET = 28;
const PREVIOUS_END_OFFSET = 32;
const CRC_OFFSET_V2 = 40;
const CRC_OFFSET_V1 = 28;

export interface SegmentHeaderInput {
  readonly segmentId: number;
  readonly baseLsn: Lsn;
  /** Required for v2 (never 0); absent for v1. */
  readonly salt?: number;
  /** v2 only; 0 (the default) when the previous segment is unknown. */
  readonly previousEnd?: number;
  /** FORMAT_VERSION (2) unless given; 1 only for tests and tools that make v1 logs. */
  readonly version?: number;
}

/**
 * The header bytes for a segment. Invalid ids, base LSNs or salts are programmer errors
 * (RangeError). A version other than 1 and 2 is written as a v2 header with that version number,
 * so tests can make a header of an unknown version.
 */
export function encodeSegmentHeader(header: SegmentHeaderInput): Uint8Array {
  const version = header.version ?? FORMAT_VERSION;
  if (!Number.isSafeInteger(header.segmentId) || header.segmentId < 1) {
    throw new RangeError(`segment header: segmentId ${header.segmentId} is not a positive safe integer`);
  }
  // LSN_MAX is the largest safe integer: a safe integer of at least 1 is an LSN.
  if (!Number.isSafeInteger(header.baseLsn) || header.baseLsn < 1) {
    throw new RangeError(`segment header: baseLsn ${header.baseLsn} is not an LSN`);
  }
  if (!Number.isInteger(version) || version < 0 || version > 0xffff_ffff) {
    throw new RangeError(`segment header: version ${version} is not a u32`);
  }
  if (version === 1) {
    if ((header.salt ?? 0) !== 0 || (header.previousEnd ?? 0) !== 0) throw new RangeError('segment header: a v1 header has no salt and no previous end');
    const bytes = new Uint8Array(SEGMENT_HEADER_BYTES_V1);
    bytes.set(SEGMENT_MAGIC, 0);
    writeU32(bytes, VERSION_OFFSET, 1);
    writeU64(bytes, SEGMENT_ID_OFFSET, header.segmentId);
    writeU64(bytes, BASE_LSN_OFFSET, header.baseLsn);
    writeU32(bytes, CRC_OFFSET_V1, crc32cOfRange(bytes, 0, CRC_OFFSET_V1));
    return bytes;
  }
  const salt = header.salt ?? 0;
  if (!Number.isInteger(salt) || salt < 1 || salt > 0xffff_ffff) throw new RangeError(`segment header: salt ${salt} is not a non-zero u32`);
  const previousEnd = header.previousEnd ?? 0;
  if (!Number.isSafeInteger(previousEnd) || previousEnd < 0) throw new RangeError(`segment header: previousEnd ${previousEnd} is not a size`);
  const bytes = new Uint8Array(SEGMENT_HEADER_BYTES);
  bytes.set(SEGMENT_MAGIC, 0);
  writeU32(bytes, VERSION_OFFSET, version);
  writeU64(bytes, SEGMENT_ID_OFFSET, header.segmentId);
  writeU64(bytes, BASE_LSN_OFFSET, header.baseLsn);
  writeU32(bytes, SALT_OFFSET, salt);
  writeU64(bytes, PREVIOUS_END_OFFSET, previousEnd);
  writeU32(bytes, CRC_OFFSET_V2, crc32cOfRange(bytes, 0, CRC_OFFSET_V2));
  return bytes;
}

/**
 * How many bytes the header at the start of `bytes` takes: 32 for a v1 header, 44 otherwise (a v2
 * header, or one of an unknown version, which decodes to unsupported-version). Needs the first 12
 * bytes; with fewer it answers 44, the most a header may need.
 */
export function segmentHeaderBytesAt(bytes: Uint8Array): number {
  if (bytes.length < SEGMENT_HEADER_PREFIX_BYTES) return SEGMENT_HEADER_BYTES;
  return readU32(bytes, VERSION_OFFSET) === 1 ? SEGMENT_HEADER_BYTES_V1 : SEGMENT_HEADER_BYTES;
}

/**
 * Decodes the header at the start of `bytes` (the segment file's first bytes; more may follow).
 * Checks, in order: the magic and version present and the whole header of that version present
 * (truncated-header), the magic (bad-magic), the version (unsupported-version, so a file from a
 * newer format is named as such rather than as damage), the checksum (bad-header-checksum), and
 * the id against the file name's (id-mismatch). A base LSN of zero or above 2^53 - 1, or a salt
 * of 0, behind a good checksum was not written by this codec; it is reported as
 * bad-header-checksum, the cause for a header whose contents cannot be trusted.
 */
export function decodeSegmentHeader(bytes: Uint8Array, expectedSegmentId: number): HeaderDecodeResult {
  // Stryker disable next-line EqualityOperator: twelve bytes are too few for a header of either version, which the length test below says
  if (bytes.length < SEGMENT_HEADER_PREFIX_BYTES) return { ok: false, cause: 'truncated-header' };
  for (let i = 0; i < SEGMENT_MAGIC.length; i++) {
    if (bytes[i] !== SEGMENT_MAGIC[i]) return { ok: false, cause: 'bad-magic' };
  }
  const version = readU32(bytes, VERSION_OFFSET);
  if (!isReadableVersion(version)) return { ok: false, cause: 'unsupported-version' };
  const crcOffset = version === 1 ? CRC_OFFSET_V1 : CRC_OFFSET_V2;
  if (bytes.length < crcOffset + 4) return { ok: false, cause: 'truncated-header' };
  if (crc32cOfRange(bytes, 0, crcOffset) !== readU32(bytes, crcOffset)) return { ok: false, cause: 'bad-header-checksum' };
  const baseLsn = readU64Safe(bytes, BASE_LSN_OFFSET);
  if (baseLsn < 1) return { ok: false, cause: 'bad-header-checksum' };
  const salt = version === 1 ? 0 : readU32(bytes, SALT_OFFSET);
  const previousEnd = version === 1 ? 0 : readU64Safe(bytes, PREVIOUS_END_OFFSET);
  if (version === 2 && (salt === 0 || previousEnd < 0)) return { ok: false, cause: 'bad-header-checksum' };
  const segmentId = readU64Safe(bytes, SEGMENT_ID_OFFSET);
  if (segmentId !== expectedSegmentId) return { ok: false, cause: 'id-mismatch' };
  return { ok: true, header: { version, segmentId, baseLsn, salt, previousEnd } };
}

/**
 * The salt walref gives a segment (docs/format.md "How walref chooses a salt"): the CRC-32C of
 * segmentId u64 ‖ baseLsn u64, moved on (mod 2^32, skipping 0) while it is 0 or equals the salt
 * the file carried in its previous life. Readers never recompute it.
 */
export function segmentSalt(segmentId: number, baseLsn: Lsn, previousSalt: number | null = null): number {
  const bytes = new Uint8Array(16);
  writeU64(bytes, 0, segmentId);
  writeU64(bytes, 8, baseLsn);
  let salt = crc32cOfRange(bytes, 0, 16);
  while (salt === 0 || salt === previousSalt) salt = (salt + 1) >>> 0;
  return salt;
}
