// src/core/replay-apply.ts: what the record table does at the end of the log. A transaction still
// open when the log ends (or replay fails, or a point-in-time cut ends it) can never commit; its
// events, views into the chunks read, must be let go, not held for the life of the replay.
import { describe, expect, it } from 'vitest';
import type { ReplayedTransaction } from '../../../src/core/records.js';
import { ReplayApply } from '../../../src/core/replay-apply.js';
import { text } from './log-builder.js';

describe('the record table at the end of the log', () => {
  it('drops every transaction still open, and delivers none of them', () => {
    const delivered: ReplayedTransaction[] = [];
    const apply = new ReplayApply(0, (t) => delivered.push(t));
    apply.startSegment('00000000000000000001.wal');
    expect(apply.applyHeader(1).ok).toBe(true);
    for (const record of [
      { kind: 'TxBegin', lsn: 1 },
      { kind: 'MutationBatch', lsn: 2, txBeginLsn: 1, events: [text('never committed')] },
      { kind: 'TxBegin', lsn: 3 },
    ] as const) {
      expect(apply.apply(record, 32, false).ok).toBe(true);
    }
    expect([apply.isOpen(1), apply.isOpen(3)]).toEqual([true, true]);
    apply.endOfLog();
    expect([apply.isOpen(1), apply.isOpen(3)]).toEqual([false, false]);
    expect(apply.dropOpen()).toEqual([]);
    expect(delivered).toEqual([]);
    expect(apply.maxLsn).toBe(3);
  });
});
