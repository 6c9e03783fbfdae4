// The segment header codec: the first SEGMENT_HEADER_BYTES of every segment file. See
// docs/format.md for the layout:
//
//   header := magic "WALREFSG" (8) | version u32 | segmentId u64 | baseLsn u64 | crc32c u32
//   (offsets 0, 8, 12, 20, 28; the checksum covers bytes 0..28)

import { readU32, readU64Safe, writeU32, writeU64 } from './codec.js';
import { crc32cOfRange } from './crc32c.js';
import type { HeaderFailureCause } from './errors.js';
import { FORMAT_VERSION, LSN_MAX, SEGMENT_HEADER_BYTES, SEGMENT_MAGIC } from './format.js';
import type { SegmentHeader } from './records.js';

export type HeaderDecodeResult =
  | { readonly ok: true; readonly header: SegmentHeader }
  | { readonly ok: false; readonly cause: HeaderFailureCause };

const VERSION_OFFSET = 8;
const SEGMENT_ID_OFFSET = 12;
const BASE_LSN_OFFSET = 20;
const CRC_OFFSET = 28;

/** The 32 header bytes for a segment. Invalid ids or base LSNs are programmer errors (RangeError). */
export function encodeSegmentHeader(header: Omit<SegmentHeader, 'version'> & { readonly version?: number }): Uint8Array {
  const version = header.version ?? FORMAT_VERSION;
  if (!Number.isSafeInteger(header.segmentId) || header.segmentId < 1) {
    throw new RangeError(`segment header: segmentId ${header.segmentId} is not a positive safe integer`);
  }
  if (!Number.isSafeInteger(header.baseLsn) || header.baseLsn < 1 || header.baseLsn > LSN_MAX) {
    throw new RangeError(`segment header: baseLsn ${header.baseLsn} is not an LSN`);
  }
  if (!Number.isInteger(version) || version < 0 || version > 0xffff_ffff) {
    throw new RangeError(`segment header: version ${version} is not a u32`);
  }
  const bytes = new Uint8Array(SEGMENT_HEADER_BYTES);
  bytes.set(SEGMENT_MAGIC, 0);
  writeU32(bytes, VERSION_OFFSET, version);
  writeU64(bytes, SEGMENT_ID_OFFSET, header.segmentId);
  writeU64(bytes, BASE_LSN_OFFSET, header.baseLsn);
  writeU32(bytes, CRC_OFFSET, crc32cOfRange(bytes, 0, CRC_OFFSET));
  return bytes;
}

/**
 * Decodes the header at the start of `bytes` (the segment file's first bytes; more may follow).
 * Checks, in order: 32 bytes present (truncated-header), the magic (bad-magic), the version
 * (unsupported-version, so a file from a newer format is named as such rather than as damage),
 * the checksum (bad-header-checksum), and the id against the file name's (id-mismatch). A base
 * LSN of zero or above 2^53 - 1 behind a good checksum was not written by this codec; it is
 * reported as bad-header-checksum, the cause for a header whose contents cannot be trusted.
 */
export function decodeSegmentHeader(bytes: Uint8Array, expectedSegmentId: number): HeaderDecodeResult {
  if (bytes.length < SEGMENT_HEADER_BYTES) return { ok: false, cause: 'truncated-header' };
  for (let i = 0; i < SEGMENT_MAGIC.length; i++) {
    if (bytes[i] !== SEGMENT_MAGIC[i]) return { ok: false, cause: 'bad-magic' };
  }
  const version = readU32(bytes, VERSION_OFFSET);
  if (version !== FORMAT_VERSION) return { ok: false, cause: 'unsupported-version' };
  if (crc32cOfRange(bytes, 0, CRC_OFFSET) !== readU32(bytes, CRC_OFFSET)) return { ok: false, cause: 'bad-header-checksum' };
  const baseLsn = readU64Safe(bytes, BASE_LSN_OFFSET);
  if (baseLsn < 1) return { ok: false, cause: 'bad-header-checksum' };
  const segmentId = readU64Safe(bytes, SEGMENT_ID_OFFSET);
  if (segmentId !== expectedSegmentId) return { ok: false, cause: 'id-mismatch' };
  return { ok: true, header: { version, segmentId, baseLsn } };
}
