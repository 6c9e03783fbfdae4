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
// Encoding is here; decoding is frame-decode.ts, re-exported below with the little-endian helpers
// (le-bytes.ts), so callers have one module for the frame format. Decoded events are views
// (subarray) into the input: the caller copies them only when they must outlive that buffer. A
// deflated payload is decoded as it is stored (`stored`); inflateRecord() inflates it through a
// function the caller injects (the core does no compression itself).

import { crc32cOfRange } from './crc32c.js';
import { FRAME_BODY_BYTES_MAX, FRAME_BODY_BYTES_MIN, FRAME_HEADER_BYTES, FRAME_HEADER_BYTES_V1, RecordKind, TAG_DEFLATED } from './format.js';
import { BATCH_BODY_PREFIX_BYTES, BATCH_ENTRY_HEADER_BYTES, DEFLATED_BODY_PREFIX_BYTES, SALT_OFFSET, TX_BODY_PREFIX_BYTES } from './frame-decode.js';
import { writeU32, writeU64 } from './le-bytes.js';
import type { Lsn, StoredPayload, WalRecord } from './records.js';

export {
  decodeFrame,
  decodeRecordAt,
  frameHeaderBytesForSalt,
  inflateRecord,
  type FrameDecodeResult,
  type Inflate,
} from './frame-decode.js';
export { readU32, readU64Safe, writeU32, writeU64 } from './le-bytes.js';

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
  // LSN_MAX is the largest safe integer, so the first test bounds an LSN from above too.
  if (!Number.isSafeInteger(value) || value < 1) {
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

