import { describe, expect, it } from 'vitest';
import type { ReplayedTransaction } from '../../../src/core/records.js';
import { replay, ReplayMachine } from '../../../src/core/replay.js';
import { decodeFrame, readU32 } from '../../../src/core/codec.js';
import { SEGMENT_HEADER_BYTES } from '../../../src/core/format.js';
import { planLog, plainTransactions, text } from './log-builder.js';

const log = planLog(
  Array.from({ length: 20 }, (_, t) => ({
    events: [text(`event ${t}`), text(`second ${t}`)],
    ending: t % 5 === 4 ? ('abort' as const) : ('commit' as const),
    batched: t % 2 === 0,
  })),
  1000,
);
const bytes = log.segments[0]!.bytes;

describe('streaming replay', () => {
  it('emits each transaction as soon as the chunk holding its TxCommit is pushed, before the segment ends', () => {
    const seen: ReplayedTransaction[] = [];
    const replayer = new ReplayMachine({ checkpointLsn: 0, copyEvents: true, onTransaction: (t) => seen.push(t) });
    expect(replayer.beginSegment({ name: 's', id: 1, last: true }).ok).toBe(true);
    const half = Math.floor(bytes.length / 2);
    expect(replayer.push(bytes.subarray(0, half)).ok).toBe(true);
    const afterHalf = seen.length;
    expect(afterHalf).toBeGreaterThan(0);
    expect(afterHalf).toBeLessThan(log.committed.length);
    expect(replayer.push(bytes.subarray(half)).ok).toBe(true);
    expect(replayer.endSegment().ok).toBe(true);
    expect(replayer.finish().ok).toBe(true);
    expect(plainTransactions(seen)).toEqual(plainTransactions(log.committed));
  });

  it('one byte per chunk replays exactly like the whole segment at once', () => {
    const seen: ReplayedTransaction[] = [];
    const replayer = new ReplayMachine({ checkpointLsn: 0, copyEvents: true, onTransaction: (t) => seen.push(t) });
    replayer.beginSegment({ name: 's', id: 1, last: true });
    for (let at = 0; at < bytes.length; at++) expect(replayer.push(bytes.subarray(at, at + 1)).ok).toBe(true);
    replayer.endSegment();
    const summary = replayer.finish();
    const whole = replay({ segments: [{ name: 's', id: 1, bytes }], checkpointLsn: 0 });
    expect(summary.ok && whole.ok).toBe(true);
    if (!summary.ok || !whole.ok) return;
    expect(plainTransactions(seen)).toEqual(plainTransactions(whole.value.transactions));
    const { transactions: _transactions, ...rest } = whole.value;
    expect(summary.value).toEqual(rest);
  });

  it('a frame whose length is out of range replays one byte per chunk exactly as whole, in the active segment (a torn tail) and in a sealed one (corruption)', () => {
    // The 6th frame's length prefix says more than FRAME_BODY_BYTES_MAX: one byte per chunk, the
    // frame goes through the carry, which must see the bad length at once, as the whole-segment
    // scan does, and not wait for a body that long.
    const salt = readU32(bytes, 28);
    let at = SEGMENT_HEADER_BYTES;
    for (let frame = 0; frame < 5; frame++) {
      const decoded = decodeFrame(bytes, at, salt);
      if (!decoded.ok) throw new Error('the test log does not decode');
      at += decoded.frameBytes;
    }
    const damaged = bytes.slice();
    new DataView(damaged.buffer).setUint32(at, 0xffff_ff00, true);
    const run = (last: boolean, chunkBytes: number) => {
      const seen: ReplayedTransaction[] = [];
      const replayer = new ReplayMachine({ checkpointLsn: 0, copyEvents: true, onTransaction: (t) => seen.push(t) });
      replayer.beginSegment({ name: 's', id: 1, last });
      for (let from = 0; from < damaged.length; from += chunkBytes) replayer.push(damaged.subarray(from, from + chunkBytes));
      replayer.endSegment();
      return { summary: replayer.finish(), transactions: plainTransactions(seen) };
    };
    for (const last of [true, false]) {
      const whole = run(last, damaged.length);
      expect(run(last, 1), `last: ${last}`).toEqual(whole);
      expect(whole.summary.ok, `last: ${last}`).toBe(last);
    }
  });

  it('after a typed error every later call returns the same error', () => {
    const replayer = new ReplayMachine({ checkpointLsn: 0, copyEvents: false, onTransaction: () => undefined });
    replayer.beginSegment({ name: 's', id: 1, last: false });
    const damaged = bytes.slice();
    damaged[40]! ^= 1;
    const first = replayer.push(damaged);
    expect(first.ok).toBe(false);
    expect(replayer.push(bytes)).toEqual(first);
    expect(replayer.endSegment()).toEqual(first);
    expect(replayer.finish()).toEqual(first);
  });

  it('feeding segments out of id order or pushing outside a segment is a programmer error that throws', () => {
    const replayer = new ReplayMachine({ checkpointLsn: 0, copyEvents: false, onTransaction: () => undefined });
    expect(() => replayer.push(bytes)).toThrow(Error);
    replayer.beginSegment({ name: 'b', id: 2, last: false });
    replayer.push(bytes.subarray(0, 0));
    expect(() => replayer.beginSegment({ name: 'c', id: 3, last: true })).toThrow(Error);
    expect(() => new ReplayMachine({ checkpointLsn: -1, copyEvents: false, onTransaction: () => undefined })).toThrow(RangeError);
  });

  it('an event larger than a chunk arrives whole when its frame spans many chunks', () => {
    const big = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7) & 0xff);
    const large = planLog([{ events: [big, text('small')], ending: 'commit', batched: true }, { events: [big], ending: 'commit', batched: false }], 100);
    const segmentBytes = large.segments[0]!.bytes;
    const seen: ReplayedTransaction[] = [];
    const replayer = new ReplayMachine({ checkpointLsn: 0, copyEvents: true, onTransaction: (t) => seen.push(t) });
    replayer.beginSegment({ name: 's', id: 1, last: true });
    for (let at = 0; at < segmentBytes.length; at += 4096) expect(replayer.push(segmentBytes.subarray(at, at + 4096)).ok).toBe(true);
    expect(replayer.endSegment().ok).toBe(true);
    expect(replayer.finish().ok && plainTransactions(seen)).toEqual(plainTransactions(large.committed));
  });
});
