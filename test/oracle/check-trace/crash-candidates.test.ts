// oracle/check-trace/crash-candidates.ts: the disks a truncation may have shortened. A truncation
// removes whole segments, so a disk may lose any prefix that ends before a TxBegin or a Checkpoint
// (where a segment may start) and holds nothing above the LSN truncated up to. And, when no
// candidate explains a Recover line, the recovery invariants every candidate would violate.
import { describe, expect, it } from 'vitest';
import { recoveryViolations, truncatedDisks } from '../../../oracle/check-trace/crash-candidates.js';
import { initialState, type LogRecord, type ModelState, type Recovery } from '../../../model/index.js';

/** One transaction at LSNs begin..begin+2, with the given events. */
const tx = (begin: number, events: readonly string[] = []): LogRecord[] => [
  { kind: 'TxBegin', lsn: begin },
  { kind: 'MutationBatch', lsn: begin + 1, txBeginLsn: begin, events },
  { kind: 'TxCommit', lsn: begin + 2, txBeginLsn: begin },
];
// LSNs 1-3, 4-6, a checkpoint at 7, then 8-10.
const disk: LogRecord[] = [...tx(1), ...tx(4), { kind: 'Checkpoint', lsn: 7, snapshotLsn: 6 }, ...tx(8)];
const down: ModelState = { ...initialState('none'), down: { cause: 'crash', before: { log: disk, committed: [], aborted: [], durableLsn: 10 }, disk, maxSurvivingLsn: 10 } };
const firstLsns = (upTo: number) => truncatedDisks(down, upTo).map((state) => state.down?.disk[0]?.lsn);

describe('truncatedDisks', () => {
  it('keeps the whole disk, and cuts only before a TxBegin or a Checkpoint with everything cut at or below the LSN', () => {
    expect(firstLsns(0)).toEqual([1]);
    expect(firstLsns(2)).toEqual([1]);
    expect(firstLsns(3)).toEqual([1, 4]);
    expect(firstLsns(6)).toEqual([1, 4, 7]);
    expect(firstLsns(7)).toEqual([1, 4, 7, 8]);
    // Never the whole disk: a truncation keeps the newest segment.
    expect(firstLsns(100)).toEqual([1, 4, 7, 8]);
  });

  it('leaves a running state alone', () => {
    expect(truncatedDisks(initialState('none'), 100)).toEqual([initialState('none')]);
  });
});

describe('recoveryViolations', () => {
  const events = (begin: number): LogRecord[] => tx(begin, [`e${begin}`]);
  const log = [...events(1), ...events(4)];
  const committed = [
    { beginLsn: 1, commitLsn: 3, events: ['e1'] },
    { beginLsn: 4, commitLsn: 6, events: ['e4'] },
  ];
  /** A crash that kept `kept` of the log, with `durableLsn` made durable before it. */
  const crashed = (kept: LogRecord[], durableLsn: number): ModelState => ({
    ...initialState('none'),
    down: { cause: 'crash', before: { log, committed, aborted: [], durableLsn }, disk: kept, maxSurvivingLsn: kept.at(-1)?.lsn ?? 0 },
  });
  const recover = (transactions: typeof committed, nextLsn: number) => ({ action: 'Recover' as const, nextLsn, durableLsn: nextLsn - 1, transactions });

  it('names the invariants a recovery reporting the line would violate from the one candidate', () => {
    expect(recoveryViolations([crashed(log, 6)], recover([], 7))).toBe('DurabilityInv, ExactnessInv');
    expect(recoveryViolations([crashed(log, 6)], recover(committed, 3))).toBe('NoReuseInv, ExactnessInv');
  });

  it('names only the invariants every candidate would violate, and TraceMatch when none is common or a candidate explains the line', () => {
    // Both kept the whole log; only the first had made the second transaction durable.
    expect(recoveryViolations([crashed(log, 6), crashed(log, 3)], recover([committed[0]!], 7))).toBe('ExactnessInv');
    expect(recoveryViolations([crashed(log, 3), crashed(log, 6)], recover([committed[0]!], 7))).toBe('ExactnessInv');
    expect(recoveryViolations([crashed(log, 6), crashed(events(1), 3)], recover([committed[0]!], 4))).toBe('TraceMatch');
    expect(recoveryViolations([crashed(log, 6)], recover(committed, 7))).toBe('TraceMatch');
  });

  it('judges the line against the last recovery of each candidate too (IdempotenceInv), but no older one', () => {
    // Crashed right after a recovery that replayed the first transaction, nothing appended since.
    const first = events(1);
    const previous: Recovery = {
      cause: 'crash',
      before: { log: first, committed: [committed[0]!], aborted: [], durableLsn: 3 },
      disk: first,
      maxSurvivingLsn: 3,
      checkpointLsn: 0,
      replay: { transactions: [committed[0]!], maxLsn: 3, checkpointObserved: null },
      nextLsn: 4,
      durableLsn: 3,
    };
    const again = (recoveries: readonly Recovery[]): ModelState => ({ ...crashed(first, 3), recoveries, down: { cause: 'crash', before: { log: first, committed: [committed[0]!], aborted: [], durableLsn: 3 }, disk: first, maxSurvivingLsn: 3 } });
    expect(recoveryViolations([again([previous])], recover([], 4))).toBe('DurabilityInv, IdempotenceInv, ExactnessInv');
    // Only the last recovery is compared: an older one that replayed nothing changes nothing.
    const older: Recovery = { ...previous, replay: { transactions: [], maxLsn: 3, checkpointObserved: null } };
    expect(recoveryViolations([again([older, previous])], recover([], 4))).toBe('DurabilityInv, IdempotenceInv, ExactnessInv');
    expect(recoveryViolations([again([previous])], recover([committed[0]!], 4))).toBe('TraceMatch');
    expect(recoveryViolations([again([older, previous])], recover([committed[0]!], 4))).toBe('TraceMatch');
  });

  it('skips a running state, and with no candidate down names nothing', () => {
    expect(recoveryViolations([initialState('none')], recover([], 7))).toBe('TraceMatch');
    expect(recoveryViolations([initialState('none'), crashed(log, 6)], recover([], 7))).toBe('DurabilityInv, ExactnessInv');
    expect(recoveryViolations([], recover([], 7))).toBe('TraceMatch');
  });
});
