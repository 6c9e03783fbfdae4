// The frame codec: a WalRecord to the bytes of one frame and back. See docs/format.md, which is
// the source of truth for every offset here; this file implements it.
//
//   frame := length u32 | crc32c u32 | body          (all integers little-endian)
//   crc32c covers the 4 length bytes, then the body, so a torn or flipped length is detected
//   body  := kind u8 | lsn u64 | payload-by-kind
//
// The decoder never reads past the buffer it is given, never allocates from a length it has not
// checked against FRAME_BODY_BYTES_MAX and the bytes actually present, and rejects LSNs that a
// JavaScript number cannot hold exactly. Decoded events are views (subarray) into the input: the
// caller copies them only when they must outlive that buffer.

import { crc32cOfRange } from './crc32c.js';
import type { DecodeFailureCause } from './errors.js';
import { FRAME_BODY_BYTES_MAX, FRAME_BODY_BYTES_MIN, FRAME_HEADER_BYTES, LSN_MAX, RecordKind } from './format.js';
import type { Lsn, WalRecord } from './records.js';

export type FrameDecodeResult =
  | { readonly ok: true; readonly record: WalRecord; readonly frameBytes: number }
  | { readonly ok: false; readonly cause: DecodeFailureCause };

/** Body bytes before a Mutation's event or a batch's count: kind(1) + lsn(8) + txBeginLsn(8). */
const TX_BODY_PREFIX_BYTES = 17;
/** A batch body before its first entry: the prefix above + count(4). */
const BATCH_BODY_PREFIX_BYTES = 21;
/** Each batch entry starts with its u32 length. */
const BATCH_ENTRY_HEADER_BYTES = 4;
const TWO_TO_32 = 0x1_0000_0000;

// ---- little-endian helpers (shared with segment-header.ts) -----------------------------------

/** @internal Reads a u32 at `offset`; the caller has checked that 4 bytes are there. */
export function readU32(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
}

/** @internal Writes a u32 at `offset`. */
export function writeU32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value & 0xff;
  bytes[offset + 1] = (value >>> 8) & 0xff;
  bytes[offset + 2] = (value >>> 16) & 0xff;
  bytes[offset + 3] = (value >>> 24) & 0xff;
}

/**
 * @internal Reads a u64 at `offset` as a number, or -1 when it is above 2^53 - 1 (a JavaScript
 * number would round it, and an LSN that rounds is a different LSN).
 */
export function readU64Safe(bytes: Uint8Array, offset: number): number {
  const low = readU32(bytes, offset);
  const high = readU32(bytes, offset + 4);
  if (high > 0x1f_ffff) return -1;
  return high * TWO_TO_32 + low;
}

/** @internal Writes a non-negative safe integer as a u64 at `offset`. */
export function writeU64(bytes: Uint8Array, offset: number, value: number): void {
  writeU32(bytes, offset, value >>> 0);
  writeU32(bytes, offset + 4, Math.floor(value / TWO_TO_32));
}

// ---- encoding --------------------------------------------------------------------------------

/** The body size of a record's frame, without the 8-byte frame header. */
export function frameBodyBytesOf(record: WalRecord): number {
  switch (record.kind) {
    case 'TxBegin':
      return FRAME_BODY_BYTES_MIN;
    case 'Mutation':
      return TX_BODY_PREFIX_BYTES + record.event.length;
    case 'MutationBatch': {
      let size = BATCH_BODY_PREFIX_BYTES;
      for (const event of record.events) size += BATCH_ENTRY_HEADER_BYTES + event.length;
      return size;
    }
    case 'TxCommit':
    case 'TxAbort':
    case 'Checkpoint':
      return TX_BODY_PREFIX_BYTES;
  }
}

/** The whole frame size of a record: header + body. */
export function frameBytesOf(record: WalRecord): number {
  return FRAME_HEADER_BYTES + frameBodyBytesOf(record);
}

function assertLsn(value: Lsn, what: string): void {
  if (!Number.isSafeInteger(value) || value < 1 || value > LSN_MAX) {
    throw new RangeError(`codec: ${what} ${value} is not an LSN (an integer in 1..2^53-1)`);
  }
}

/**
 * Writes the record's frame into `target` at `offsetBytes` and returns the frame's size, so a
 * writer can lay many frames into one buffer per flush. Encoding an invalid record (an LSN out of
 * range, a body above FRAME_BODY_BYTES_MAX, a target too small) is a programmer error and throws
 * RangeError: the writer validates its arguments before it allocates LSNs.
 */
export function encodeFrameInto(record: WalRecord, target: Uint8Array, offsetBytes: number): number {
  const bodyBytes = frameBodyBytesOf(record);
  if (bodyBytes > FRAME_BODY_BYTES_MAX) {
    throw new RangeError(`codec: a ${record.kind} body of ${bodyBytes} bytes exceeds ${FRAME_BODY_BYTES_MAX}`);
  }
  const frameBytes = FRAME_HEADER_BYTES + bodyBytes;
  if (!Number.isSafeInteger(offsetBytes) || offsetBytes < 0 || offsetBytes + frameBytes > target.length) {
    throw new RangeError(`codec: a ${frameBytes}-byte frame does not fit at offset ${offsetBytes}`);
  }
  assertLsn(record.lsn, 'lsn');
  const body = offsetBytes + FRAME_HEADER_BYTES;
  writeU32(target, offsetBytes, bodyBytes);
  target[body] = RecordKind[record.kind];
  writeU64(target, body + 1, record.lsn);
  switch (record.kind) {
    case 'TxBegin':
      break;
    case 'Mutation':
      assertLsn(record.txBeginLsn, 'txBeginLsn');
      writeU64(target, body + 9, record.txBeginLsn);
      target.set(record.event, body + TX_BODY_PREFIX_BYTES);
      break;
    case 'MutationBatch': {
      assertLsn(record.txBeginLsn, 'txBeginLsn');
      writeU64(target, body + 9, record.txBeginLsn);
      writeU32(target, body + 17, record.events.length);
      let at = body + BATCH_BODY_PREFIX_BYTES;
      for (const event of record.events) {
        writeU32(target, at, event.length);
        target.set(event, at + BATCH_ENTRY_HEADER_BYTES);
        at += BATCH_ENTRY_HEADER_BYTES + event.length;
      }
      break;
    }
    case 'TxCommit':
    case 'TxAbort':
      assertLsn(record.txBeginLsn, 'txBeginLsn');
      writeU64(target, body + 9, record.txBeginLsn);
      break;
    case 'Checkpoint':
      if (!Number.isSafeInteger(record.snapshotLsn) || record.snapshotLsn < 0) {
        throw new RangeError(`codec: snapshotLsn ${record.snapshotLsn} is not a non-negative safe integer`);
      }
      writeU64(target, body + 9, record.snapshotLsn);
      break;
  }
  const crc = crc32cOfRange(target, body, body + bodyBytes, crc32cOfRange(target, offsetBytes, offsetBytes + 4));
  writeU32(target, offsetBytes + 4, crc);
  return frameBytes;
}

/** The record's whole frame in a new buffer. */
export function encodeFrame(record: WalRecord): Uint8Array {
  const frame = new Uint8Array(frameBytesOf(record));
  encodeFrameInto(record, frame, 0);
  return frame;
}

// ---- decoding --------------------------------------------------------------------------------

const failures: { readonly [C in DecodeFailureCause]: FrameDecodeResult } = {
  'truncated-frame-header': { ok: false, cause: 'truncated-frame-header' },
  'truncated-body': { ok: false, cause: 'truncated-body' },
  'bad-length': { ok: false, cause: 'bad-length' },
  'bad-checksum': { ok: false, cause: 'bad-checksum' },
  'bad-kind': { ok: false, cause: 'bad-kind' },
  'bad-body': { ok: false, cause: 'bad-body' },
  'lsn-unrepresentable': { ok: false, cause: 'lsn-unrepresentable' },
};

/**
 * Decodes the frame that starts at `offsetBytes`. The checks run in this order, and the first
 * that fails names the cause: fewer than 8 bytes left (truncated-frame-header); a length below
 * the smallest body or above FRAME_BODY_BYTES_MAX (bad-length); a body running past the end
 * (truncated-body); the checksum (bad-checksum); the kind byte (bad-kind); the body size for
 * the kind (bad-body); LSNs of zero or above 2^53 - 1 (lsn-unrepresentable). A caller reading a
 * file in chunks treats the two truncated-* causes as "need more bytes" until the file ends.
 */
export function decodeFrame(bytes: Uint8Array, offsetBytes: number): FrameDecodeResult {
  const decoded = decodeRecordAt(bytes, offsetBytes);
  if (typeof decoded === 'string') return failures[decoded];
  return { ok: true, record: decoded, frameBytes: FRAME_HEADER_BYTES + readU32(bytes, offsetBytes) };
}

/**
 * @internal decodeFrame for hot loops: the record, or the failure cause as a string, without the
 * result object around it. A record's frame size is FRAME_HEADER_BYTES + the u32 at offsetBytes.
 */
export function decodeRecordAt(bytes: Uint8Array, offsetBytes: number): WalRecord | DecodeFailureCause {
  const available = bytes.length - offsetBytes;
  if (available < FRAME_HEADER_BYTES) return 'truncated-frame-header';
  const bodyBytes = readU32(bytes, offsetBytes);
  if (bodyBytes < FRAME_BODY_BYTES_MIN || bodyBytes > FRAME_BODY_BYTES_MAX) return 'bad-length';
  if (bodyBytes > available - FRAME_HEADER_BYTES) return 'truncated-body';
  const body = offsetBytes + FRAME_HEADER_BYTES;
  const end = body + bodyBytes;
  const crc = crc32cOfRange(bytes, body, end, crc32cOfRange(bytes, offsetBytes, offsetBytes + 4));
  if (crc !== readU32(bytes, offsetBytes + 4)) return 'bad-checksum';
  return decodeBody(bytes, body, end);
}

/** Decodes a checksummed body at bytes[body..end). */
function decodeBody(bytes: Uint8Array, body: number, end: number): WalRecord | DecodeFailureCause {
  const bodyBytes = end - body;
  const kind = bytes[body]!;
  if (kind < RecordKind.TxBegin || kind > RecordKind.Checkpoint) return 'bad-kind';
  const lsn = readU64Safe(bytes, body + 1);
  if (kind === RecordKind.TxBegin) {
    if (bodyBytes !== FRAME_BODY_BYTES_MIN) return 'bad-body';
    if (lsn < 1) return 'lsn-unrepresentable';
    return { kind: 'TxBegin', lsn };
  }
  // Every other kind carries a second u64 (txBeginLsn or snapshotLsn) right after the LSN.
  if (bodyBytes < TX_BODY_PREFIX_BYTES) return 'bad-body';
  const second = readU64Safe(bytes, body + 9);
  switch (kind) {
    case RecordKind.Mutation:
      if (lsn < 1 || second < 1) return 'lsn-unrepresentable';
      return { kind: 'Mutation', lsn, txBeginLsn: second, event: bytes.subarray(body + TX_BODY_PREFIX_BYTES, end) };
    case RecordKind.MutationBatch: {
      if (bodyBytes < BATCH_BODY_PREFIX_BYTES) return 'bad-body';
      const count = readU32(bytes, body + 17);
      // Each entry takes at least its 4 length bytes, so a count the body cannot hold is refused
      // before an array of that size is allocated.
      if (count > (bodyBytes - BATCH_BODY_PREFIX_BYTES) / BATCH_ENTRY_HEADER_BYTES) return 'bad-body';
      const events: Uint8Array[] = [];
      let at = body + BATCH_BODY_PREFIX_BYTES;
      for (let i = 0; i < count; i++) {
        if (end - at < BATCH_ENTRY_HEADER_BYTES) return 'bad-body';
        const eventBytes = readU32(bytes, at);
        at += BATCH_ENTRY_HEADER_BYTES;
        if (eventBytes > end - at) return 'bad-body';
        events.push(bytes.subarray(at, at + eventBytes));
        at += eventBytes;
      }
      if (at !== end) return 'bad-body';
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
