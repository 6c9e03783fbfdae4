// The frame codec: a WalRecord to the bytes of one frame and back. See docs/format.md, which is
// the source of truth for every offset here; this file implements it.
//
//   v2 frame := length u32 | crc32c u32 | salt u32 | body      (all integers little-endian)
//   v1 frame := length u32 | crc32c u32 | body
//   crc32c covers the 4 length bytes, then bytes 8.. to the body's end (v2: the salt and the
//   body; v1: the body), so a torn or flipped length is detected, and so is a v2 frame of another
//   life of the file (its salt is not the segment's: stale-frame)
//   body  := tag u8 | lsn u64 | payload-by-kind
//   tag   := kind (bits 0..3) | stored deflated (bit 7); v1 tags are the kind alone
//
// The decoder never reads past the buffer it is given, never allocates from a length it has not
// checked against FRAME_BODY_BYTES_MAX and the bytes actually present, and rejects LSNs that a
// JavaScript number cannot hold exactly. Decoded events are views (subarray) into the input: the
// caller copies them only when they must outlive that buffer. A deflated payload is decoded as it
// is stored (`stored`); inflateRecord() inflates it through a function the caller injects (the
// core does no compression itself).

import { crc32cOfRange } from './crc32c.js';
import type { DecodeFailureCause } from './errors.js';
import {
  FRAME_BODY_BYTES_MAX,
  FRAME_BODY_BYTES_MIN,
  FRAME_HEADER_BYTES,
  FRAME_HEADER_BYTES_V1,
  LSN_MAX,
  RecordKind,
  TAG_DEFLATED,
  TAG_KIND_MASK,
  TAG_RESERVED_MASK,
} from './format.js';
import type { Lsn, StoredPayload, WalRecord } from './records.js';

export type FrameDecodeResult =
  | { readonly ok: true; readonly record: WalRecord; readonly frameBytes: number }
  | { readonly ok: false; readonly cause: DecodeFailureCause };

/** Body bytes before a Mutation's event or a batch's count: kind(1) + lsn(8) + txBeginLsn(8). */
const TX_BODY_PREFIX_BYTES = 17;
/** A batch body before its first entry: the prefix above + count(4). */
const BATCH_BODY_PREFIX_BYTES = 21;
/** A deflated body before its stream: the prefix above + raw-length(4). */
const DEFLATED_BODY_PREFIX_BYTES = 21;
/** Where a v2 frame keeps its salt. */
const SALT_OFFSET = 8;
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

/** The body size of a record's frame, without the frame header. */
export function frameBodyBytesOf(record: WalRecord): number {
  switch (record.kind) {
    case 'TxBegin':
      return FRAME_BODY_BYTES_MIN;
    case 'Mutation':
      return record.stored === undefined ? TX_BODY_PREFIX_BYTES + record.event.length : DEFLATED_BODY_PREFIX_BYTES + record.stored.deflated.length;
    case 'MutationBatch': {
      if (record.stored !== undefined) return DEFLATED_BODY_PREFIX_BYTES + record.stored.deflated.length;
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

/** The whole v2 frame size of a record: header + body. */
export function frameBytesOf(record: WalRecord): number {
  return FRAME_HEADER_BYTES + frameBodyBytesOf(record);
}

function assertLsn(value: Lsn, what: string): void {
  if (!Number.isSafeInteger(value) || value < 1 || value > LSN_MAX) {
    throw new RangeError(`codec: ${what} ${value} is not an LSN (an integer in 1..2^53-1)`);
  }
}

function assertStored(stored: StoredPayload): void {
  if (!Number.isSafeInteger(stored.rawBytes) || stored.rawBytes < 1 || stored.rawBytes > FRAME_BODY_BYTES_MAX) {
    throw new RangeError(`codec: a deflated payload's raw length ${stored.rawBytes} is not in 1..${FRAME_BODY_BYTES_MAX}`);
  }
}

/**
 * The bytes a Mutation's or MutationBatch's payload holds after tx-begin-lsn when stored as it is
 * (the event; or count and entries): what the shell deflates, and what a deflated payload inflates
 * back to.
 */
export function rawPayloadOf(record: Extract<WalRecord, { kind: 'Mutation' | 'MutationBatch' }>): Uint8Array {
  if (record.kind === 'Mutation') return record.event;
  let size = 4;
  for (const event of record.events) size += BATCH_ENTRY_HEADER_BYTES + event.length;
  const out = new Uint8Array(size);
  writeEntries(record.events, out, 0);
  return out;
}

/** Writes count u32 and the entries at `at`; returns where they end. */
function writeEntries(events: readonly Uint8Array[], target: Uint8Array, at: number): number {
  writeU32(target, at, events.length);
  let position = at + 4;
  for (const event of events) {
    writeU32(target, position, event.length);
    target.set(event, position + BATCH_ENTRY_HEADER_BYTES);
    position += BATCH_ENTRY_HEADER_BYTES + event.length;
  }
  return position;
}

/**
 * Writes the record's v2 frame, with `salt`, into `target` at `offsetBytes` and returns the
 * frame's size, so a writer can lay many frames into one buffer per flush. Encoding an invalid
 * record (an LSN out of range, a body above FRAME_BODY_BYTES_MAX, a target too small) is a
 * programmer error and throws RangeError: the writer validates its arguments before it allocates
 * LSNs.
 */
export function encodeFrameInto(record: WalRecord, target: Uint8Array, offsetBytes: number, salt: number): number {
  return encodeInto(record, target, offsetBytes, FRAME_HEADER_BYTES, salt);
}

function encodeInto(record: WalRecord, target: Uint8Array, offsetBytes: number, headerBytes: number, salt: number): number {
  const bodyBytes = frameBodyBytesOf(record);
  if (bodyBytes > FRAME_BODY_BYTES_MAX) {
    throw new RangeError(`codec: a ${record.kind} body of ${bodyBytes} bytes exceeds ${FRAME_BODY_BYTES_MAX}`);
  }
  const frameBytes = headerBytes + bodyBytes;
  if (!Number.isSafeInteger(offsetBytes) || offsetBytes < 0 || offsetBytes + frameBytes > target.length) {
    throw new RangeError(`codec: a ${frameBytes}-byte frame does not fit at offset ${offsetBytes}`);
  }
  assertLsn(record.lsn, 'lsn');
  const body = offsetBytes + headerBytes;
  writeU32(target, offsetBytes, bodyBytes);
  if (headerBytes === FRAME_HEADER_BYTES) {
    if (!Number.isInteger(salt) || salt < 1 || salt > 0xffff_ffff) throw new RangeError(`codec: salt ${salt} is not a non-zero u32`);
    writeU32(target, offsetBytes + SALT_OFFSET, salt);
  }
  target[body] = RecordKind[record.kind];
  writeU64(target, body + 1, record.lsn);
  switch (record.kind) {
    case 'TxBegin':
      break;
    case 'Mutation':
    case 'MutationBatch':
      assertLsn(record.txBeginLsn, 'txBeginLsn');
      writeU64(target, body + 9, record.txBeginLsn);
      if (record.stored !== undefined) {
        if (headerBytes !== FRAME_HEADER_BYTES) throw new RangeError('codec: a v1 frame cannot store its payload deflated');
        assertStored(record.stored);
        target[body] = RecordKind[record.kind] | TAG_DEFLATED;
        writeU32(target, body + TX_BODY_PREFIX_BYTES, record.stored.rawBytes);
        target.set(record.stored.deflated, body + DEFLATED_BODY_PREFIX_BYTES);
      } else if (record.kind === 'Mutation') {
        target.set(record.event, body + TX_BODY_PREFIX_BYTES);
      } else {
        writeEntries(record.events, target, body + TX_BODY_PREFIX_BYTES);
      }
      break;
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
  const crc = crc32cOfRange(target, offsetBytes + 8, body + bodyBytes, crc32cOfRange(target, offsetBytes, offsetBytes + 4));
  writeU32(target, offsetBytes + 4, crc);
  return frameBytes;
}

/** The record's whole v2 frame, with `salt`, in a new buffer. */
export function encodeFrame(record: WalRecord, salt: number): Uint8Array {
  const frame = new Uint8Array(frameBytesOf(record));
  encodeFrameInto(record, frame, 0, salt);
  return frame;
}

/** The record's whole v1 frame in a new buffer: for tests and tools that make v1 logs. */
export function encodeFrameV1(record: WalRecord): Uint8Array {
  const frame = new Uint8Array(FRAME_HEADER_BYTES_V1 + frameBodyBytesOf(record));
  encodeInto(record, frame, 0, FRAME_HEADER_BYTES_V1, 0);
  return frame;
}

// ---- decoding --------------------------------------------------------------------------------

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
