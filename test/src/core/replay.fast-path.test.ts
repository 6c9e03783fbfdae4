// The replay machine's hot path (replay-machine.ts fastFrames, ReplayApply's fast*) takes the
// usual frames of a v2 segment without building record objects. It must decide exactly as the
// general path does: same transactions, same summary, same typed error, on intact and damaged
// logs and at any checkpoint LSN. A planted hot path that skips one check must be told apart.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Result } from '../../../src/core/errors.js';
import { ReplayApply } from '../../../src/core/replay-apply.js';
import { replay, type ReplayOutcome } from '../../../src/core/replay.js';
import { planArb, planLog, plainTransactions, segment, text } from './log-builder.js';
import { mutate, mutationArb } from './log-mutations.js';

const deep = process.env['WALREF_DEEP'] !== undefined;
const runs = (quick: number): number => (deep ? quick * 20 : quick);

function comparable(result: Result<ReplayOutcome>): unknown {
  return result.ok ? { ...result.value, transactions: plainTransactions(result.value.transactions) } : result;
}

const logCaseArb = fc.record({
  plans: planArb,
  recordsPerSegment: fc.integer({ min: 2, max: 12 }),
  mutations: fc.array(mutationArb, { maxLength: 3 }),
  checkpointLsn: fc.nat(40),
});

type LogCase = typeof logCaseArb extends fc.Arbitrary<infer T> ? T : never;

/** Whether replay with and without the hot path agree on one generated (maybe damaged) log. */
function pathsAgree({ plans, recordsPerSegment, mutations, checkpointLsn }: LogCase): boolean {
  const segments = mutations.reduce((s, m) => mutate(s, m), planLog(plans, recordsPerSegment).segments);
  const fast = replay({ segments, checkpointLsn, hotPath: true });
  const general = replay({ segments, checkpointLsn, hotPath: false });
  expect(comparable(fast)).toEqual(comparable(general));
  return true;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('replay hot path', () => {
  it('a batch or commit whose LSN does not ascend (M4), or lies below its segment\'s base (M3), is Malformed on the hot path as on the general path', () => {
    const cases = [
      // A batch repeating the LSN before it.
      segment(1, 1, [{ kind: 'TxBegin', lsn: 1 }, { kind: 'MutationBatch', lsn: 2, txBeginLsn: 1, events: [text('a')] }, { kind: 'MutationBatch', lsn: 2, txBeginLsn: 1, events: [text('b')] }, { kind: 'TxCommit', lsn: 3, txBeginLsn: 1 }]),
      // A commit repeating the LSN before it.
      segment(1, 1, [{ kind: 'TxBegin', lsn: 1 }, { kind: 'MutationBatch', lsn: 2, txBeginLsn: 1, events: [text('a')] }, { kind: 'TxCommit', lsn: 2, txBeginLsn: 1 }]),
      // A begin going back.
      segment(1, 1, [{ kind: 'TxBegin', lsn: 4 }, { kind: 'TxAbort', lsn: 5, txBeginLsn: 4 }, { kind: 'TxBegin', lsn: 3 }]),
      // Records below the segment's base LSN.
      [segment(1, 10, [{ kind: 'TxBegin', lsn: 4 }, { kind: 'MutationBatch', lsn: 5, txBeginLsn: 4, events: [text('a')] }, { kind: 'TxCommit', lsn: 6, txBeginLsn: 4 }])],
      // A transaction open across a rotation whose batch, then commit, lie below the new segment's base.
      [segment(1, 1, [{ kind: 'TxBegin', lsn: 1 }, { kind: 'MutationBatch', lsn: 2, txBeginLsn: 1, events: [text('a')] }]), segment(2, 10, [{ kind: 'MutationBatch', lsn: 5, txBeginLsn: 1, events: [text('b')] }, { kind: 'TxCommit', lsn: 11, txBeginLsn: 1 }])],
      [segment(1, 1, [{ kind: 'TxBegin', lsn: 1 }, { kind: 'MutationBatch', lsn: 2, txBeginLsn: 1, events: [text('a')] }]), segment(2, 10, [{ kind: 'TxCommit', lsn: 5, txBeginLsn: 1 }])],
    ];
    for (const [i, c] of cases.entries()) {
      const segments = Array.isArray(c) ? c : [c];
      const general = replay({ segments, checkpointLsn: 0, hotPath: false });
      expect(general.ok ? 'ok' : general.error.code, `case ${i}`).toBe('Malformed');
      expect(comparable(replay({ segments, checkpointLsn: 0, hotPath: true })), `case ${i}`).toEqual(comparable(general));
    }
  });

  it('the hot path decides exactly as the general path: same transactions, summary or typed error, on intact and damaged logs at any checkpoint LSN', () => {
    fc.assert(fc.property(logCaseArb, pathsAgree), { numRuns: runs(500) });
  });

  it('planted: a hot path that does not hold TxBegin to the checkpoint LSN is told apart from the general path', () => {
    vi.spyOn(ReplayApply.prototype, 'fastBegin').mockImplementation(function (this: ReplayApply, lsn: number): boolean {
      // The real fastBegin without `lsn <= checkpointLsn`.
      const self = this as unknown as { previousLsn: number; segmentBaseLsn: number; noteRecord(lsn: number): void; transactions: { begin(lsn: number): void } };
      if (lsn <= self.previousLsn || lsn < self.segmentBaseLsn) return false;
      self.noteRecord(lsn);
      self.transactions.begin(lsn);
      return true;
    });
    const outcome = fc.check(fc.property(logCaseArb, pathsAgree), { numRuns: runs(500) });
    expect(outcome.failed).toBe(true);
  });
});
