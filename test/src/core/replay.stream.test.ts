import { describe, expect, it } from 'vitest';
import type { ReplayedTransaction } from '../../../src/core/records.js';
import { replay, ReplayMachine } from '../../../src/core/replay.js';
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
