import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, encodeFrameInto, frameBytesOf } from '../../../src/core/codec.js';
import { crc32c } from '../../../src/core/crc32c.js';
import { FRAME_BODY_BYTES_MAX, LSN_MAX } from '../../../src/core/format.js';
import type { WalRecord } from '../../../src/core/records.js';
import { plain, recordArb } from './arbitraries.js';

const bytesOf = (...values: number[]): Uint8Array => Uint8Array.from(values);

/** A frame built by hand from a body, with a correct checksum, to reach the body checks. */
function frameWithBody(body: Uint8Array): Uint8Array {
  const frame = new Uint8Array(8 + body.length);
  const view = new DataView(frame.buffer);
  view.setUint32(0, body.length, true);
  frame.set(body, 8);
  view.setUint32(4, crc32c(body, crc32c(frame.subarray(0, 4))), true);
  return frame;
}

function body(kind: number, ...u64s: bigint[]): Uint8Array {
  const out = new Uint8Array(1 + 8 * u64s.length);
  out[0] = kind;
  const view = new DataView(out.buffer);
  u64s.forEach((v, i) => view.setBigUint64(1 + 8 * i, v, true));
  return out;
}

describe('frame codec', () => {
  it('every record kind round-trips through encodeFrame and decodeFrame, including empty events and batches', () => {
    fc.assert(
      fc.property(recordArb, (record) => {
        const frame = encodeFrame(record);
        expect(frame.length).toBe(frameBytesOf(record));
        const decoded = decodeFrame(frame, 0);
        expect(decoded.ok).toBe(true);
        if (!decoded.ok) return;
        expect(decoded.frameBytes).toBe(frame.length);
        expect(plain(decoded.record)).toEqual(plain(record));
      }),
      { numRuns: 500 },
    );
  });

  it('encodeFrameInto lays frames back to back in one buffer and each decodes at its offset', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { maxLength: 8 }), fc.nat(16), (records, lead) => {
        const total = lead + records.reduce((n, r) => n + frameBytesOf(r), 0);
        const buffer = new Uint8Array(total);
        let at = lead;
        for (const record of records) at += encodeFrameInto(record, buffer, at);
        expect(at).toBe(total);
        at = lead;
        for (const record of records) {
          const decoded = decodeFrame(buffer, at);
          expect(decoded.ok && plain(decoded.record)).toEqual(plain(record));
          at += frameBytesOf(record);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a Mutation frame for event "hi" at LSN 2 in tx 1 has the documented bytes', () => {
    const frame = encodeFrame({ kind: 'Mutation', lsn: 2, txBeginLsn: 1, event: bytesOf(0x68, 0x69) });
    const expectedBody = bytesOf(2, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x68, 0x69);
    expect([...frame]).toEqual([...frameWithBody(expectedBody)]);
    expect([...frame.subarray(0, 4)]).toEqual([19, 0, 0, 0]);
  });

  it('every truncation of a valid frame decodes to a typed truncated-* failure, never a record', () => {
    fc.assert(
      fc.property(recordArb, (record) => {
        const frame = encodeFrame(record);
        for (let cut = 0; cut < frame.length; cut++) {
          const decoded = decodeFrame(frame.subarray(0, cut), 0);
          expect(decoded).toEqual({ ok: false, cause: cut < 8 ? 'truncated-frame-header' : 'truncated-body' });
        }
      }),
      { numRuns: 100 },
    );
  });

  it('a flipped bit anywhere in a frame is detected: it never decodes to a record', () => {
    fc.assert(
      fc.property(recordArb, (record) => {
        const frame = encodeFrame(record);
        for (let bit = 0; bit < frame.length * 8; bit++) {
          const damaged = frame.slice();
          damaged[bit >> 3]! ^= 1 << (bit & 7);
          expect(decodeFrame(damaged, 0).ok).toBe(false);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a flipped length byte is reported as bad-checksum, not read as a shorter frame', () => {
    const frame = encodeFrame({ kind: 'Mutation', lsn: 5, txBeginLsn: 4, event: new Uint8Array(40) });
    const damaged = frame.slice();
    damaged[0]! ^= 0x08; // 57 -> 49: still a plausible length, inside the buffer
    expect(decodeFrame(damaged, 0)).toEqual({ ok: false, cause: 'bad-checksum' });
  });

  it('a length above FRAME_BODY_BYTES_MAX is refused as bad-length before anything is allocated', () => {
    const frame = new Uint8Array(16);
    new DataView(frame.buffer).setUint32(0, FRAME_BODY_BYTES_MAX + 1, true);
    expect(decodeFrame(frame, 0)).toEqual({ ok: false, cause: 'bad-length' });
    new DataView(frame.buffer).setUint32(0, 0xffff_ffff, true);
    expect(decodeFrame(frame, 0)).toEqual({ ok: false, cause: 'bad-length' });
  });

  it('a length below the 9-byte minimum body is bad-length, and zeroed bytes are bad-length', () => {
    expect(decodeFrame(new Uint8Array(64), 0)).toEqual({ ok: false, cause: 'bad-length' });
    const frame = new Uint8Array(24);
    frame[0] = 8;
    expect(decodeFrame(frame, 0)).toEqual({ ok: false, cause: 'bad-length' });
  });

  it('a length that runs past the end of the bytes is truncated-body', () => {
    const frame = encodeFrame({ kind: 'TxBegin', lsn: 1 });
    expect(decodeFrame(frame.subarray(0, frame.length - 1), 0)).toEqual({ ok: false, cause: 'truncated-body' });
  });

  it('an unknown kind byte behind a good checksum is bad-kind', () => {
    for (const kind of [0, 7, 255]) {
      expect(decodeFrame(frameWithBody(body(kind, 1n)), 0)).toEqual({ ok: false, cause: 'bad-kind' });
    }
  });

  it('a body whose size does not fit its kind is bad-body', () => {
    const cases: Uint8Array[] = [
      body(1, 1n, 1n), // TxBegin with 8 extra bytes
      new Uint8Array([...body(2, 2n), 1, 0, 0]), // Mutation without a whole txBeginLsn
      body(4, 3n), // TxCommit without txBeginLsn
      new Uint8Array([...body(5, 3n, 1n), 0]), // TxAbort with a trailing byte
      new Uint8Array([...body(6, 3n, 1n), 0, 0]), // Checkpoint with trailing bytes
      body(3, 2n, 1n), // MutationBatch without its count
      new Uint8Array([...body(3, 2n, 1n), 1, 0, 0, 0]), // count 1 but no entry
      new Uint8Array([...body(3, 2n, 1n), 1, 0, 0, 0, 5, 0, 0, 0, 1]), // entry runs past the body
      new Uint8Array([...body(3, 2n, 1n), 0, 0, 0, 0, 9]), // trailing byte after the entries
      new Uint8Array([...body(3, 2n, 1n), 0xff, 0xff, 0xff, 0xff]), // a count the body cannot hold
    ];
    for (const b of cases) expect(decodeFrame(frameWithBody(b), 0)).toEqual({ ok: false, cause: 'bad-body' });
  });

  it('an LSN of zero or above 2^53 - 1 is lsn-unrepresentable, never rounded', () => {
    const tooBig = BigInt(LSN_MAX) + 1n;
    const cases: Uint8Array[] = [
      body(1, 0n),
      body(1, tooBig),
      body(1, 0xffff_ffff_ffff_ffffn),
      body(4, 5n, 0n),
      body(5, 5n, tooBig),
      body(6, tooBig, 1n),
      body(6, 5n, tooBig),
      new Uint8Array([...body(2, 5n, 0n), 7]),
      new Uint8Array([...body(3, tooBig, 1n), 0, 0, 0, 0]),
    ];
    for (const b of cases) expect(decodeFrame(frameWithBody(b), 0)).toEqual({ ok: false, cause: 'lsn-unrepresentable' });
    expect(decodeFrame(frameWithBody(body(1, BigInt(LSN_MAX))), 0).ok).toBe(true);
  });

  it('a Checkpoint may name snapshot LSN 0, the empty snapshot', () => {
    const decoded = decodeFrame(encodeFrame({ kind: 'Checkpoint', lsn: 3, snapshotLsn: 0 }), 0);
    expect(decoded.ok && decoded.record).toEqual({ kind: 'Checkpoint', lsn: 3, snapshotLsn: 0 });
  });

  it('decodeFrame never throws and never reads past the buffer on arbitrary bytes at any offset', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.nat(130), (bytes, offset) => {
        const decoded = decodeFrame(bytes, Math.min(offset, bytes.length));
        if (decoded.ok) expect(Math.min(offset, bytes.length) + decoded.frameBytes).toBeLessThanOrEqual(bytes.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('decoded events are views into the input, not copies', () => {
    const frame = encodeFrame({ kind: 'Mutation', lsn: 2, txBeginLsn: 1, event: bytesOf(1, 2, 3) });
    const decoded = decodeFrame(frame, 0);
    expect(decoded.ok && decoded.record.kind === 'Mutation' && decoded.record.event.buffer).toBe(frame.buffer);
  });

  it('encoding an LSN outside 1..2^53-1 or an oversized body is a programmer error (RangeError)', () => {
    const bad: WalRecord[] = [
      { kind: 'TxBegin', lsn: 0 },
      { kind: 'TxBegin', lsn: LSN_MAX + 1 },
      { kind: 'TxBegin', lsn: 1.5 },
      { kind: 'TxCommit', lsn: 2, txBeginLsn: 0 },
      { kind: 'Checkpoint', lsn: 2, snapshotLsn: -1 },
    ];
    for (const record of bad) expect(() => encodeFrame(record)).toThrow(RangeError);
    expect(() => encodeFrameInto({ kind: 'TxBegin', lsn: 1 }, new Uint8Array(16), 0)).toThrow(RangeError);
  });
});
