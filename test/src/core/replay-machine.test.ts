// src/core/replay-machine.ts's contract with whoever feeds it (replay-driver.ts, the streaming
// readers): segments in ascending id order, each begun, pushed and ended, then finish. A call out
// of that order is a bug in the caller and throws, naming the call and the phase; after a failure
// every call hands back the same failure instead. And it says when it is scanning behind a
// segment's live frames, which decides whether the reader may reuse its buffers. A reader that
// reuses a buffer first detaches the machine from it.
import { describe, expect, it } from 'vitest';
import type { ReplayedTransaction } from '../../../src/core/records.js';
import { ReplayMachine } from '../../../src/core/replay-machine.js';
import { plainTransactions, segment, text } from './log-builder.js';

const records = [
  { kind: 'TxBegin', lsn: 1 },
  { kind: 'TxCommit', lsn: 2, txBeginLsn: 1 },
] as const;
const bytes = segment(1, 1, [...records]).bytes;
const machine = (): ReplayMachine => new ReplayMachine({ checkpointLsn: 0, copyEvents: true, onTransaction: () => undefined });

describe('the replay machine', () => {
  it('throws on a call out of order, naming the call and the phase it came in', () => {
    const m = machine();
    expect(() => m.push(bytes)).toThrow(new Error('replay: push while between-segments'));
    expect(() => m.endSegment()).toThrow(new Error('replay: endSegment while between-segments'));
    expect(m.beginSegment({ name: 'one.wal', id: 1, last: false }).ok).toBe(true);
    expect(() => m.beginSegment({ name: 'two.wal', id: 2, last: true })).toThrow(new Error('replay: beginSegment two.wal while header'));
    expect(() => m.finish()).toThrow(new Error('replay: finish while header'));
  });

  it('refuses segment ids that do not ascend, or are not whole numbers, naming both ids', () => {
    const fresh = machine();
    expect(fresh.beginSegment({ name: 'a', id: 3, last: false }).ok).toBe(true);
    expect(fresh.push(segment(3, 1, [...records]).bytes).ok).toBe(true);
    expect(fresh.endSegment().ok).toBe(true);
    expect(() => fresh.beginSegment({ name: 'b', id: 3, last: true })).toThrow(new Error('replay: segment ids must ascend (3 after 3)'));
    expect(() => fresh.beginSegment({ name: 'b', id: 2, last: true })).toThrow(new Error('replay: segment ids must ascend (2 after 3)'));
    expect(() => fresh.beginSegment({ name: 'b', id: 4.5, last: true })).toThrow(new Error('replay: segment ids must ascend (4.5 after 3)'));
  });

  it('after a failure, every call hands back that failure', () => {
    const m = machine();
    m.beginSegment({ name: 'a', id: 1, last: false });
    const failure = m.endSegment();
    expect(failure.ok).toBe(false);
    expect(m.beginSegment({ name: 'b', id: 2, last: true })).toEqual(failure);
    expect(m.push(bytes)).toEqual(failure);
    expect(m.endSegment()).toEqual(failure);
    expect(m.finish()).toEqual(failure);
  });

  it('is scanning behind the end only once the active segment\'s live frames have ended', () => {
    const m = machine();
    m.beginSegment({ name: 'a', id: 1, last: true });
    expect(m.scanningBehindEnd).toBe(false);
    expect(m.push(bytes).ok).toBe(true);
    expect(m.scanningBehindEnd).toBe(false);
    expect(m.push(new Uint8Array(64)).ok).toBe(true);
    expect(m.scanningBehindEnd).toBe(true);
    expect(m.endSegment().ok).toBe(true);
    expect(m.scanningBehindEnd).toBe(false);
    expect(m.finish().ok).toBe(true);
  });

  it('keeps the events of an open transaction when the buffer they were read from is detached and then overwritten', () => {
    // Events are views into the chunks when not copied; a batch of the hot path and a Mutation of
    // the general path are both held that way until the transaction commits.
    const events = [text('first event'), text('second event'), text('a third')];
    const records = [
      { kind: 'TxBegin', lsn: 1 },
      { kind: 'MutationBatch', lsn: 2, txBeginLsn: 1, events: events.slice(0, 2) },
      { kind: 'Mutation', lsn: 3, txBeginLsn: 1, event: events[2]! },
      { kind: 'TxCommit', lsn: 4, txBeginLsn: 1 },
    ] as const;
    const whole = segment(1, 1, records).bytes;
    const open = segment(1, 1, records.slice(0, 3)).bytes;
    const seen: ReplayedTransaction[] = [];
    const m = new ReplayMachine({ checkpointLsn: 0, copyEvents: false, onTransaction: (t) => seen.push(t) });
    m.beginSegment({ name: 'a', id: 1, last: true });
    const buffer = whole.slice(0, open.length);
    expect(m.push(buffer).ok).toBe(true);
    m.detachFrom(buffer.buffer);
    buffer.fill(0xee);
    expect(m.push(whole.slice(open.length)).ok).toBe(true);
    expect(m.endSegment().ok).toBe(true);
    expect(m.finish().ok).toBe(true);
    expect(plainTransactions(seen)).toEqual(plainTransactions([{ beginLsn: 1, commitLsn: 4, events }]));
  });
});
