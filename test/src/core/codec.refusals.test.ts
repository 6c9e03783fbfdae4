// The codec refuses to encode what no valid frame can hold, with a RangeError that says what was
// wrong (a programmer error: the writer checks its arguments before it allocates LSNs): an LSN out
// of 1..2^53-1, a deflated payload whose raw length is not in 1..FRAME_BODY_BYTES_MAX, a body above
// FRAME_BODY_BYTES_MAX, a frame that does not fit where it is to go.
import { describe, expect, it } from 'vitest';
import { encodeFrame, encodeFrameInto, encodeFrameV1, frameBytesOf } from '../../../src/core/codec.js';
import { FRAME_BODY_BYTES_MAX, FRAME_HEADER_BYTES, LSN_MAX } from '../../../src/core/format.js';
import type { WalRecord } from '../../../src/core/records.js';

const salt = 7;
const deflatedWith = (rawBytes: number): WalRecord => ({ kind: 'Mutation', lsn: 2, txBeginLsn: 1, event: new Uint8Array(3), stored: { deflated: Uint8Array.of(1, 2, 3), rawBytes } });

describe('codec refusals', () => {
  it('an LSN outside 1..2^53-1 is refused, naming the field and the value', () => {
    expect(() => encodeFrame({ kind: 'TxBegin', lsn: 0 }, salt)).toThrow(new RangeError('codec: lsn 0 is not an LSN (an integer in 1..2^53-1)'));
    expect(() => encodeFrame({ kind: 'TxBegin', lsn: LSN_MAX + 2 }, salt)).toThrow(RangeError);
    expect(() => encodeFrame({ kind: 'TxCommit', lsn: 3, txBeginLsn: 1.5 }, salt)).toThrow(new RangeError('codec: txBeginLsn 1.5 is not an LSN (an integer in 1..2^53-1)'));
  });

  it('every kind that names its transaction refuses a txBeginLsn that is no LSN, naming the field', () => {
    const message = new RangeError('codec: txBeginLsn 0 is not an LSN (an integer in 1..2^53-1)');
    expect(() => encodeFrame({ kind: 'Mutation', lsn: 2, txBeginLsn: 0, event: new Uint8Array(1) }, salt)).toThrow(message);
    expect(() => encodeFrame({ kind: 'MutationBatch', lsn: 2, txBeginLsn: 0, events: [] }, salt)).toThrow(message);
    expect(() => encodeFrame({ kind: 'TxAbort', lsn: 2, txBeginLsn: 0 }, salt)).toThrow(message);
  });

  it('a Checkpoint refuses a snapshot LSN that is negative or not whole, naming it; 0 is the empty snapshot', () => {
    for (const snapshotLsn of [-1, 2.5]) {
      expect(() => encodeFrame({ kind: 'Checkpoint', lsn: 3, snapshotLsn }, salt)).toThrow(new RangeError(`codec: snapshotLsn ${snapshotLsn} is not a non-negative safe integer`));
    }
    expect(encodeFrame({ kind: 'Checkpoint', lsn: 3, snapshotLsn: 0 }, salt).length).toBeGreaterThan(0);
  });

  it('a v2 frame takes any non-zero u32 salt and refuses the rest, naming it', () => {
    const record: WalRecord = { kind: 'TxBegin', lsn: 1 };
    expect(encodeFrame(record, 1).length).toBe(frameBytesOf(record));
    expect(encodeFrame(record, 0xffff_ffff).length).toBe(frameBytesOf(record));
    for (const bad of [0, 0x1_0000_0000, 1.5, -3]) expect(() => encodeFrame(record, bad)).toThrow(new RangeError(`codec: salt ${bad} is not a non-zero u32`));
  });

  it('a v1 frame cannot hold a deflated payload', () => {
    expect(() => encodeFrameV1(deflatedWith(3))).toThrow(new RangeError('codec: a v1 frame cannot store its payload deflated'));
  });

  it("a deflated payload's raw length must be a whole number in 1..FRAME_BODY_BYTES_MAX", () => {
    for (const rawBytes of [0, -1, 1.5, FRAME_BODY_BYTES_MAX + 1]) {
      expect(() => encodeFrame(deflatedWith(rawBytes), salt)).toThrow(new RangeError(`codec: a deflated payload's raw length ${rawBytes} is not in 1..${FRAME_BODY_BYTES_MAX}`));
    }
    expect(encodeFrame(deflatedWith(1), salt).length).toBeGreaterThan(0);
    expect(encodeFrame(deflatedWith(FRAME_BODY_BYTES_MAX), salt).length).toBeGreaterThan(0);
  });

  it('a body above FRAME_BODY_BYTES_MAX is refused with its size; one of exactly that size is encoded', () => {
    // A Mutation's body is its fixed fields and its event: an event this long makes a body of `bodyBytes`.
    const empty: WalRecord = { kind: 'Mutation', lsn: 2, txBeginLsn: 1, event: new Uint8Array(0) };
    const fixedBytes = frameBytesOf(empty) - FRAME_HEADER_BYTES;
    const withBody = (bodyBytes: number): WalRecord => ({ ...empty, event: new Uint8Array(bodyBytes - fixedBytes) });
    const largest = withBody(FRAME_BODY_BYTES_MAX);
    expect(encodeFrame(largest, salt).length).toBe(frameBytesOf(largest));
    const over = withBody(FRAME_BODY_BYTES_MAX + 1);
    expect(() => encodeFrame(over, salt)).toThrow(new RangeError(`codec: a Mutation body of ${FRAME_BODY_BYTES_MAX + 1} bytes exceeds ${FRAME_BODY_BYTES_MAX}`));
  });

  it('a frame that does not fit at its offset is refused, naming its size and the offset; one that ends exactly at the end fits', () => {
    const record: WalRecord = { kind: 'TxBegin', lsn: 1 };
    const size = frameBytesOf(record);
    const target = new Uint8Array(size + 4);
    expect(encodeFrameInto(record, target, 4, salt)).toBe(size);
    for (const offset of [5, -1, 0.5]) {
      expect(() => encodeFrameInto(record, target, offset, salt)).toThrow(new RangeError(`codec: a ${size}-byte frame does not fit at offset ${offset}`));
    }
  });
});
