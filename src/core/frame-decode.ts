// Decoding one frame (docs/format.md): the checks in their order, the body by kind, a batch's
// entries, and inflating a deflated payload through a function the shell injects. codec.ts
// encodes and re-exports all of this, so callers have one module for the frame format.
//
// The decoder never reads past the buffer it is given, never allocates from a length it has not
// checked against FRAME_BODY_BYTES_MAX and the bytes actually present, and rejects LSNs that a
// JavaScript number cannot hold exactly. Decoded events are views (subarray) into the input.

import { crc32cOfRange } from './crc32c.js';
import type { DecodeFailureCause } from './errors.js';
import {
  FRAME_BODY_BYTES_MAX,
  FRAME_BODY_BYTES_MIN,
  FRAME_HEADER_BYTES,
  FRAME_HEADER_BYTES_V1,
  RecordKind,
  TAG_KIND_MASK,
  TAG_RESERVED_MASK,
} from './format.js';
import { readU32, readU64Safe } from './le-bytes.js';
import type { StoredPayload, WalRecord } from './records.js';

export type FrameDecodeResult =
  | { readonly ok: true; readonly record: WalRecord; readonly frameBytes: number }
  | { readonly ok: false; readonly cause: DecodeFailureCause };

/** Body bytes before a Mutation's event or a batch's count: kind(1) + lsn(8) + txBeginLsn(8). */
export const TX_BODY_PREFIX_BYTES = 17;
/** A batch body before its first entry: the prefix above + count(4). */
export const BATCH_BODY_PREFIX_BYTES = 21;
/** A deflated body before its stream: the prefix above + raw-length(4). */
export const DEFLATED_BODY_PREFIX_BYTES = 21;
/** Where a v2 frame keeps its salt. */
export const SALT_OFFSET = 8;
/** Each batch entry starts with its u32 length. */
export const BATCH_ENTRY_HEADER_BYTES = 4;

/**
 * The frame prefix size for a segment's salt: a v2 segment has a salt (never 0) and 12-byte frame
 * prefixes; a v1 segment has none, which the decoders take as salt 0, and 8-byte prefixes.
 */
export const frameHeaderBytesForSalt = (salt: number): number => (salt === 0 ? FRAME_HEADER_BYTES_V1 : FRAME_HEADER_BYTES);

const failures: { readonly [C in DecodeFailureCause]: FrameDecodeResult } = {
  'truncated-frame-header': { ok: false, cause: 'truncated-frame-header' },
  'truncated-body': { ok: false, cause: 'truncated-body' },
  'bad-length': { ok: false, cause: 'bad-length' },
  'bad-checksum': { ok: false, cause: 'bad-checksum' },
  'stale-frame': { ok: false, cause: 'stale-frame' },
  'bad-kind': { ok: false, cause: 'bad-kind' },
  'bad-body': { ok: false, cause: 'bad-body' },
  'lsn-unrepresentable': { ok: false, cause: 'lsn-unrepresentable' },
  'bad-compressed-body': { ok: false, cause: 'bad-compressed-body' },
};

/**
 * Decodes the frame that starts at `offsetBytes` of a segment whose salt is `salt` (0 for a v1
 * segment). The checks run in this order, and the first that fails names the cause: fewer bytes
 * than a frame prefix (truncated-frame-header); a length below the smallest body or above
 * FRAME_BODY_BYTES_MAX (bad-length); a body running past the end (truncated-body); the checksum
 * (bad-checksum); the salt (stale-frame: a whole frame of another life of the file); the tag
 * (bad-kind); the body size for the kind (bad-body); LSNs of zero or above 2^53 - 1
 * (lsn-unrepresentable). A caller reading a file in chunks treats the two truncated-* causes as
 * "need more bytes" until the file ends.
 */
export function decodeFrame(bytes: Uint8Array, offsetBytes: number, salt: number): FrameDecodeResult {
  const decoded = decodeRecordAt(bytes, offsetBytes, salt);
  if (typeof decoded === 'string') return failures[decoded];
  return { ok: true, record: decoded, frameBytes: frameHeaderBytesForSalt(salt) + readU32(bytes, offsetBytes) };
}

/**
 * @internal decodeFrame for hot loops: the record, or the failure cause as a string, without the
 * result object around it. A record's frame size is the prefix size + the u32 at offsetBytes.
 */
export function decodeRecordAt(bytes: Uint8Array, offsetBytes: number, salt: number): WalRecord | DecodeFailureCause {
  const headerBytes = salt === 0 ? FRAME_HEADER_BYTES_V1 : FRAME_HEADER_BYTES;
  const available = bytes.length - offsetBytes;
  if (available < headerBytes) return 'truncated-frame-header';
  const bodyBytes = readU32(bytes, offsetBytes);
  if (bodyBytes < FRAME_BODY_BYTES_MIN || bodyBytes > FRAME_BODY_BYTES_MAX) return 'bad-length';
  if (bodyBytes > available - headerBytes) return 'truncated-body';
  const body = offsetBytes + headerBytes;
  const end = body + bodyBytes;
  const crc = crc32cOfRange(bytes, offsetBytes + 8, end, crc32cOfRange(bytes, offsetBytes, offsetBytes + 4));
  if (crc !== readU32(bytes, offsetBytes + 4)) return 'bad-checksum';
  if (salt !== 0 && readU32(bytes, offsetBytes + SALT_OFFSET) !== salt) return 'stale-frame';
  return decodeBody(bytes, body, end, salt !== 0);
}

const NO_BYTES = new Uint8Array(0);
const NO_EVENTS: readonly Uint8Array[] = [];

/** Decodes a checksummed body at bytes[body..end); `tagged` for a v2 body, whose tag may carry the stored flag. */
function decodeBody(bytes: Uint8Array, body: number, end: number, tagged: boolean): WalRecord | DecodeFailureCause {
  const bodyBytes = end - body;
  const tag = bytes[body]!;
  if (tagged && (tag & TAG_RESERVED_MASK) !== 0) return 'bad-kind';
  const kind = tagged ? tag & TAG_KIND_MASK : tag;
  if (kind < RecordKind.TxBegin || kind > RecordKind.Checkpoint) return 'bad-kind';
  const lsn = readU64Safe(bytes, body + 1);
  if (kind === RecordKind.TxBegin) {
    if (bodyBytes !== FRAME_BODY_BYTES_MIN || tag !== kind) return 'bad-body';
    if (lsn < 1) return 'lsn-unrepresentable';
    return { kind: 'TxBegin', lsn };
  }
  // Every other kind carries a second u64 (txBeginLsn or snapshotLsn) right after the LSN.
  if (bodyBytes < TX_BODY_PREFIX_BYTES) return 'bad-body';
  const second = readU64Safe(bytes, body + 9);
  if (tag !== kind) {
    // The stored flag: only a Mutation or MutationBatch payload may be deflated.
    if (kind !== RecordKind.Mutation && kind !== RecordKind.MutationBatch) return 'bad-body';
    if (bodyBytes < DEFLATED_BODY_PREFIX_BYTES) return 'bad-body';
    const rawBytes = readU32(bytes, body + TX_BODY_PREFIX_BYTES);
    if (rawBytes < 1 || rawBytes > FRAME_BODY_BYTES_MAX) return 'bad-body';
    if (lsn < 1 || second < 1) return 'lsn-unrepresentable';
    const stored: StoredPayload = { deflated: bytes.subarray(body + DEFLATED_BODY_PREFIX_BYTES, end), rawBytes };
    return kind === RecordKind.Mutation
      ? { kind: 'Mutation', lsn, txBeginLsn: second, event: NO_BYTES, stored }
      : { kind: 'MutationBatch', lsn, txBeginLsn: second, events: NO_EVENTS, stored };
  }
  switch (kind) {
    case RecordKind.Mutation:
      if (lsn < 1 || second < 1) return 'lsn-unrepresentable';
      return { kind: 'Mutation', lsn, txBeginLsn: second, event: bytes.subarray(body + TX_BODY_PREFIX_BYTES, end) };
    case RecordKind.MutationBatch: {
      const events = decodeEntries(bytes, body + TX_BODY_PREFIX_BYTES, end);
      if (events === null) return 'bad-body';
      if (lsn < 1 || second < 1) return 'lsn-unrepresentable';
      return { kind: 'MutationBatch', lsn, txBeginLsn: second, events };
    }
    case RecordKind.TxCommit:
    case RecordKind.TxAbort:
      if (bodyBytes !== TX_BODY_PREFIX_BYTES) return 'bad-body';
      if (lsn < 1 || second < 1) return 'lsn-unrepresentable';
      return { kind: kind === RecordKind.TxCommit ? 'TxCommit' : 'TxAbort', lsn, txBeginLsn: second };
    default:
      // RecordKind.Checkpoint, the last value the range check above lets through. A snapshot LSN
      // of zero is legal: it names the empty snapshot.
      if (bodyBytes !== TX_BODY_PREFIX_BYTES) return 'bad-body';
      if (lsn < 1 || second < 0) return 'lsn-unrepresentable';
      return { kind: 'Checkpoint', lsn, snapshotLsn: second };
  }
}

/** `count u32` and the entries in bytes[at..end), exactly; null when they do not fit. */
function decodeEntries(bytes: Uint8Array, at: number, end: number): Uint8Array[] | null {
  if (end - at < 4) return null;
  const count = readU32(bytes, at);
  // Each entry takes at least its 4 length bytes, so a count the bytes cannot hold is refused
  // before an array of that size is allocated.
  if (count > (end - at - 4) / BATCH_ENTRY_HEADER_BYTES) return null;
  const events: Uint8Array[] = [];
  let position = at + 4;
  for (let i = 0; i < count; i++) {
    if (end - position < BATCH_ENTRY_HEADER_BYTES) return null;
    const eventBytes = readU32(bytes, position);
    position += BATCH_ENTRY_HEADER_BYTES;
    if (eventBytes > end - position) return null;
    events.push(bytes.subarray(position, position + eventBytes));
    position += eventBytes;
  }
  return position === end ? events : null;
}

/**
 * Inflates a stream to exactly `rawBytes` bytes, or null when it does not inflate (or would
 * inflate past `rawBytes`). Injected by the shell (node:zlib): the core does no compression.
 */
export type Inflate = (deflated: Uint8Array, rawBytes: number) => Uint8Array | null;

/**
 * The record with its deflated payload inflated (a record without one comes back as it is), or
 * 'bad-compressed-body' when the stream does not inflate to exactly its raw length, or inflates
 * to a batch that does not parse.
 */
export function inflateRecord(record: WalRecord, inflate: Inflate): WalRecord | 'bad-compressed-body' {
  if (record.kind !== 'Mutation' && record.kind !== 'MutationBatch') return record;
  const stored = record.stored;
  if (stored === undefined) return record;
  const raw = inflate(stored.deflated, stored.rawBytes);
  if (raw === null || raw.length !== stored.rawBytes) return 'bad-compressed-body';
  if (record.kind === 'Mutation') return { kind: 'Mutation', lsn: record.lsn, txBeginLsn: record.txBeginLsn, event: raw };
  const events = decodeEntries(raw, 0, raw.length);
  if (events === null) return 'bad-compressed-body';
  return { kind: 'MutationBatch', lsn: record.lsn, txBeginLsn: record.txBeginLsn, events };
}
