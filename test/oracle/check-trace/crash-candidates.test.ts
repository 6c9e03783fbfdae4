// oracle/check-trace/crash-candidates.ts: the disks a truncation may have shortened. A truncation
// removes whole segments, so a disk may lose any prefix that ends before a TxBegin or a Checkpoint
// (where a segment may start) and holds nothing above the LSN truncated up to.
import { describe, expect, it } from 'vitest';
import { truncatedDisks } from '../../../oracle/check-trace/crash-candidates.js';
import { initialState, type LogRecord, type ModelState } from '../../../model/index.js';

const tx = (begin: number): LogRecord[] => [
  { kind: 'TxBegin', lsn: begin },
  { kind: 'MutationBatch', lsn: begin + 1, txBeginLsn: begin, events: [] },
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
