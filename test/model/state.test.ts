// model/state.ts's LSN helpers, on states built by hand: the settled LSN is the last synced
// record's or the LSN the last open recovered up to, whichever is higher, and the written LSN is
// the last record handed to the OS, never one still in memory.
import { describe, expect, it } from 'vitest';
import { initialState } from '../../model/init.js';
import { lastLsnOf, syncedLsn, writtenLsn, type LogRecord, type ModelState } from '../../model/state.js';

const log: LogRecord[] = [
  { kind: 'TxBegin', lsn: 11 },
  { kind: 'MutationBatch', lsn: 12, txBeginLsn: 11, events: ['a'] },
  { kind: 'TxCommit', lsn: 13, txBeginLsn: 11 },
  { kind: 'TxBegin', lsn: 14 },
];
const state = (counts: Partial<ModelState>): ModelState => ({ ...initialState('group'), log, openedAtLsn: 10, nextLsn: 15, ...counts });

describe('model LSN helpers', () => {
  it('lastLsnOf is the last record\'s LSN, 0 for none', () => {
    expect(lastLsnOf([])).toBe(0);
    expect(lastLsnOf(log)).toBe(14);
    expect(lastLsnOf(log.slice(0, 2))).toBe(12);
  });

  it('syncedLsn counts only the synced records, and never falls below what open settled', () => {
    expect(syncedLsn(state({ writtenCount: 3, attemptedCount: 3, syncedCount: 2 }))).toBe(12);
    // Nothing synced in this session: what the last open recovered up to is settled.
    expect(syncedLsn(state({ writtenCount: 3, attemptedCount: 3, syncedCount: 0 }))).toBe(10);
    expect(syncedLsn({ ...state({ syncedCount: 1, writtenCount: 1, attemptedCount: 1 }), openedAtLsn: 20 })).toBe(20);
  });

  it('writtenLsn counts only the records handed to the OS, not those still buffered', () => {
    expect(writtenLsn(state({ writtenCount: 3, attemptedCount: 3, syncedCount: 1 }))).toBe(13);
    expect(writtenLsn(state({ writtenCount: 0 }))).toBe(0);
  });
});
