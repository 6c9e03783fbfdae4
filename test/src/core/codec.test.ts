import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deflateRawSync } from 'node:zlib';
import { decodeFrame, encodeFrame, encodeFrameInto, encodeFrameV1, frameBytesOf, inflateRecord, rawPayloadOf } from '../../../src/core/codec.js';
import { crc32c } from '../../../src/core/crc32c.js';
import { FRAME_BODY_BYTES_MAX, LSN_MAX } from '../../../src/core/format.js';
import type { WalRecord } from '../../../src/core/records.js';
import { inflateRaw } from '../../../src/compression.js';
import { plain, recordArb } from './arbitraries.js';

const bytesOf = (...values: number[]): Uint8Array => Uint8Array.from(values);

/** The salt the frames of these tests carry. */
const SALT = 0x5a17_0001;

/** A v2 frame built by hand from a body, with a correct checksum over length, salt and body, to reach the body checks. */
function frameWithBody(body: Uint8Array, salt = SALT): Uint8Array {
  const frame = new Uint8Array(12 + body.length);
  const view = new DataView(frame.buffer);
  view.setUint32(0, body.length, true);
  view.setUint32(8, salt, true);
  frame.set(body, 12);
  view.setUint32(4, crc32c(frame.subarray(8), crc32c(frame.subarray(0, 4))), true);
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
        const frame = encodeFrame(record, SALT);
        expect(frame.length).toBe(frameBytesOf(record));
        const decoded = decodeFrame(frame, 0, SALT);
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
        for (const record of records) at += encodeFrameInto(record, buffer, at, SALT);
        expect(at).toBe(total);
        at = lead;
        for (const record of records) {
          const decoded = decodeFrame(buffer, at, SALT);
          expect(decoded.ok && plain(decoded.record)).toEqual(plain(record));
          at += frameBytesOf(record);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a frame with a good checksum and another salt is stale-frame: a whole frame of an earlier life, never a record', () => {
    fc.assert(
      fc.property(recordArb, fc.integer({ min: 1, max: 0xffff_ffff }), (record, other) => {
        fc.pre(other !== SALT);
        const frame = encodeFrame(record, other);
        expect(decodeFrame(frame, 0, other).ok).toBe(true);
        expect(decodeFrame(frame, 0, SALT)).toEqual({ ok: false, cause: 'stale-frame' });
      }),
      { numRuns: 200 },
    );
  });

  it("the checksum covers the salt: a frame whose salt field was changed is bad-checksum, not a frame of the other life", () => {
    const frame = encodeFrame({ kind: 'TxBegin', lsn: 9 }, SALT);
    const moved = frame.slice();
    new DataView(moved.buffer).setUint32(8, SALT + 1, true);
    expect(decodeFrame(moved, 0, SALT + 1)).toEqual({ ok: false, cause: 'bad-checksum' });
  });

  it('a v1 frame (8-byte prefix, no salt) round-trips under salt 0, the v1 layout', () => {
    fc.assert(
      fc.property(recordArb, (record) => {
        const frame = encodeFrameV1(record);
        expect(frame.length).toBe(frameBytesOf(record) - 4);
        const decoded = decodeFrame(frame, 0, 0);
        expect(decoded.ok && plain(decoded.record)).toEqual(plain(record));
      }),
      { numRuns: 200 },
    );
  });

  it('a deflated payload round-trips: the frame stores the stream with the stored flag, and inflateRecord gives the events back', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('{"user":"alice","op":"set","key":"x"}', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'), { minLength: 1, maxLength: 6 }), (texts) => {
        const events = texts.map((t) => new TextEncoder().encode(t));
        const record: WalRecord = { kind: 'MutationBatch', lsn: 7, txBeginLsn: 6, events };
        const raw = rawPayloadOf(record);
        const stored = { deflated: new Uint8Array(deflateRawSync(raw)), rawBytes: raw.length };
        const frame = encodeFrame({ ...record, stored }, SALT);
        expect(frame[12]).toBe(0x83);
        const decoded = decodeFrame(frame, 0, SALT);
        if (!decoded.ok) throw new Error(decoded.cause);
        const inflated = inflateRecord(decoded.record, inflateRaw);
        expect(inflated !== 'bad-compressed-body' && plain(inflated)).toEqual(plain(record));
      }),
      { numRuns: 100 },
    );
    const event = new TextEncoder().encode('x'.repeat(300));
    const single: WalRecord = { kind: 'Mutation', lsn: 3, txBeginLsn: 2, event, stored: { deflated: new Uint8Array(deflateRawSync(event)), rawBytes: 300 } };
    const decoded = decodeFrame(encodeFrame(single, SALT), 0, SALT);
    const inflated = decoded.ok ? inflateRecord(decoded.record, inflateRaw) : decoded.cause;
    expect(typeof inflated !== 'string' && inflated.kind === 'Mutation' && new TextDecoder().decode(inflated.event)).toBe('x'.repeat(300));
  });

  it('a deflated stream that does not inflate, or inflates to another length, is bad-compressed-body, never a zlib exception', () => {
    const garbage: WalRecord = { kind: 'MutationBatch', lsn: 7, txBeginLsn: 6, events: [], stored: { deflated: bytesOf(0xff, 0xff, 0xff, 0x01), rawBytes: 10 } };
    const decoded = decodeFrame(encodeFrame(garbage, SALT), 0, SALT);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(inflateRecord(decoded.record, inflateRaw)).toBe('bad-compressed-body');
    const raw = rawPayloadOf({ kind: 'MutationBatch', lsn: 7, txBeginLsn: 6, events: [bytesOf(1, 2, 3)] });
    const longer: WalRecord = { kind: 'MutationBatch', lsn: 7, txBeginLsn: 6, events: [], stored: { deflated: new Uint8Array(deflateRawSync(raw)), rawBytes: raw.length - 1 } };
    const shorter: WalRecord = { kind: 'MutationBatch', lsn: 7, txBeginLsn: 6, events: [], stored: { deflated: new Uint8Array(deflateRawSync(raw)), rawBytes: raw.length + 1 } };
    const notABatch: WalRecord = { kind: 'MutationBatch', lsn: 7, txBeginLsn: 6, events: [], stored: { deflated: new Uint8Array(deflateRawSync(bytesOf(9, 0, 0, 0, 1))), rawBytes: 5 } };
    for (const record of [longer, shorter, notABatch]) {
      const frame = decodeFrame(encodeFrame(record, SALT), 0, SALT);
      expect(frame.ok && inflateRecord(frame.record, inflateRaw)).toBe('bad-compressed-body');
    }
  });

  it('a tag with a reserved bit is bad-kind; the stored flag on a kind without events, or a raw length of 0, is bad-body', () => {
    expect(decodeFrame(frameWithBody(body(0x11, 1n)), 0, SALT)).toEqual({ ok: false, cause: 'bad-kind' });
    expect(decodeFrame(frameWithBody(body(0x81, 1n)), 0, SALT)).toEqual({ ok: false, cause: 'bad-body' });
    expect(decodeFrame(frameWithBody(body(0x84, 2n, 1n)), 0, SALT)).toEqual({ ok: false, cause: 'bad-body' });
    expect(decodeFrame(frameWithBody(new Uint8Array([...body(0x83, 2n, 1n), 0, 0, 0, 0, 1])), 0, SALT)).toEqual({ ok: false, cause: 'bad-body' });
    expect(decodeFrame(frameWithBody(new Uint8Array([...body(0x83, 2n, 1n), 5, 0, 0, 0, 1])), 0, SALT).ok).toBe(true);
    // v1 tags are the kind alone: the stored flag there is an unknown kind.
    const v1 = encodeFrameV1({ kind: 'TxCommit', lsn: 2, txBeginLsn: 1 });
    v1[8] = 0x84;
    const view = new DataView(v1.buffer);
    view.setUint32(4, crc32c(v1.subarray(8), crc32c(v1.subarray(0, 4))), true);
    expect(decodeFrame(v1, 0, 0)).toEqual({ ok: false, cause: 'bad-kind' });
  });

  it('a Mutation frame for event "hi" at LSN 2 in tx 1 has the documented bytes', () => {
    const frame = encodeFrame({ kind: 'Mutation', lsn: 2, txBeginLsn: 1, event: bytesOf(0x68, 0x69) }, SALT);
    const expectedBody = bytesOf(2, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x68, 0x69);
    expect([...frame]).toEqual([...frameWithBody(expectedBody)]);
    expect([...frame.subarray(0, 4)]).toEqual([19, 0, 0, 0]);
    expect([...frame.subarray(8, 12)]).toEqual([0x01, 0x00, 0x17, 0x5a]);
  });

  it('every truncation of a valid frame decodes to a typed truncated-* failure, never a record', () => {
    fc.assert(
      fc.property(recordArb, (record) => {
        const frame = encodeFrame(record, SALT);
        for (let cut = 0; cut < frame.length; cut++) {
          const decoded = decodeFrame(frame.subarray(0, cut), 0, SALT);
          expect(decoded).toEqual({ ok: false, cause: cut < 12 ? 'truncated-frame-header' : 'truncated-body' });
        }
      }),
      { numRuns: 100 },
    );
  });

  it('a flipped bit anywhere in a frame is detected: it never decodes to a record', () => {
    fc.assert(
      fc.property(recordArb, (record) => {
        const frame = encodeFrame(record, SALT);
        for (let bit = 0; bit < frame.length * 8; bit++) {
          const damaged = frame.slice();
          damaged[bit >> 3]! ^= 1 << (bit & 7);
          expect(decodeFrame(damaged, 0, SALT).ok).toBe(false);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a flipped length byte is reported as bad-checksum, not read as a shorter frame', () => {
    const frame = encodeFrame({ kind: 'Mutation', lsn: 5, txBeginLsn: 4, event: new Uint8Array(40) }, SALT);
    const damaged = frame.slice();
    damaged[0]! ^= 0x08; // 57 -> 49: still a plausible length, inside the buffer
    expect(decodeFrame(damaged, 0, SALT)).toEqual({ ok: false, cause: 'bad-checksum' });
  });

  it('a length above FRAME_BODY_BYTES_MAX is refused as bad-length before anything is allocated', () => {
    const frame = new Uint8Array(16);
    new DataView(frame.buffer).setUint32(0, FRAME_BODY_BYTES_MAX + 1, true);
    expect(decodeFrame(frame, 0, SALT)).toEqual({ ok: false, cause: 'bad-length' });
    new DataView(frame.buffer).setUint32(0, 0xffff_ffff, true);
    expect(decodeFrame(frame, 0, SALT)).toEqual({ ok: false, cause: 'bad-length' });
  });

  it('a length below the 9-byte minimum body is bad-length, and zeroed bytes are bad-length', () => {
    expect(decodeFrame(new Uint8Array(64), 0, SALT)).toEqual({ ok: false, cause: 'bad-length' });
    const frame = new Uint8Array(24);
    frame[0] = 8;
    expect(decodeFrame(frame, 0, SALT)).toEqual({ ok: false, cause: 'bad-length' });
  });

  it('a length that runs past the end of the bytes is truncated-body', () => {
    const frame = encodeFrame({ kind: 'TxBegin', lsn: 1 }, SALT);
    expect(decodeFrame(frame.subarray(0, frame.length - 1), 0, SALT)).toEqual({ ok: false, cause: 'truncated-body' });
  });

  it('an unknown kind byte behind a good checksum is bad-kind', () => {
    for (const kind of [0, 7, 255]) {
      expect(decodeFrame(frameWithBody(body(kind, 1n)), 0, SALT)).toEqual({ ok: false, cause: 'bad-kind' });
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
    for (const b of cases) expect(decodeFrame(frameWithBody(b), 0, SALT)).toEqual({ ok: false, cause: 'bad-body' });
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
    for (const b of cases) expect(decodeFrame(frameWithBody(b), 0, SALT)).toEqual({ ok: false, cause: 'lsn-unrepresentable' });
    expect(decodeFrame(frameWithBody(body(1, BigInt(LSN_MAX))), 0, SALT).ok).toBe(true);
  });

  it('a Checkpoint may name snapshot LSN 0, the empty snapshot', () => {
    const decoded = decodeFrame(encodeFrame({ kind: 'Checkpoint', lsn: 3, snapshotLsn: 0 }, SALT), 0, SALT);
    expect(decoded.ok && decoded.record).toEqual({ kind: 'Checkpoint', lsn: 3, snapshotLsn: 0 });
  });

  it('decodeFrame never throws and never reads past the buffer on arbitrary bytes at any offset', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.nat(130), (bytes, offset) => {
        const decoded = decodeFrame(bytes, Math.min(offset, bytes.length), SALT);
        if (decoded.ok) expect(Math.min(offset, bytes.length) + decoded.frameBytes).toBeLessThanOrEqual(bytes.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('decoded events are views into the input, not copies', () => {
    const frame = encodeFrame({ kind: 'Mutation', lsn: 2, txBeginLsn: 1, event: bytesOf(1, 2, 3) }, SALT);
    const decoded = decodeFrame(frame, 0, SALT);
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
    for (const record of bad) expect(() => encodeFrame(record, SALT)).toThrow(RangeError);
    expect(() => encodeFrameInto({ kind: 'TxBegin', lsn: 1 }, new Uint8Array(16), 0, SALT)).toThrow(RangeError);
    expect(() => encodeFrame({ kind: 'TxBegin', lsn: 1 }, 0)).toThrow(RangeError);
  });
});
