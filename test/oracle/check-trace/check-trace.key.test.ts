// oracle/check-trace/check-trace.ts: candidates are merged by key, so a key must tell apart any two
// states that differ in a field it covers. Two candidates merged wrongly make check-trace reject
// a valid trace (the survivor may not explain a later line) or hide a candidate that would.
import { describe, expect, it } from 'vitest';
import { candidateKey } from '../../../oracle/check-trace/check-trace.js';
import { initialState, type ModelState } from '../../../model/index.js';

const base = initialState('none');
const tx = { kind: 'TxBegin', lsn: 1 } as unknown as ModelState['log'][number];
const down = (diskLength: number, maxSurvivingLsn: number): ModelState => ({
  ...base,
  down: { cause: 'crash', before: { log: [], committed: [], aborted: [], durableLsn: 0 }, disk: Array(diskLength).fill(tx), maxSurvivingLsn },
});

const changed: Record<string, ModelState> = {
  'log length': { ...base, log: [tx] },
  writtenCount: { ...base, writtenCount: 1 },
  attemptedCount: { ...base, attemptedCount: 1 },
  syncedCount: { ...base, syncedCount: 1 },
  durableLsn: { ...base, durableLsn: 1 },
  nextLsn: { ...base, nextLsn: 2 },
  walPoisoned: { ...base, walPoisoned: 'EIO' },
  'recorder armed': { ...base, recorder: { ...base.recorder, armed: true } },
  'recorder buffer': { ...base, recorder: { ...base.recorder, buffer: ['e'] } },
  openedAtLsn: { ...base, openedAtLsn: 1 },
  checkpointLsn: { ...base, checkpointLsn: 1 },
  'down, empty disk': down(0, 0),
  'down, one record at LSN 1': down(1, 1),
  'down, one record and a stray at LSN 3': down(1, 3),
  'down, three records up to LSN 3': down(3, 3),
};

describe('check-trace keys a candidate by every field a later line can see', () => {
  it('gives the initial state and each state that differs from it in one field its own key', () => {
    const keys = new Map<string, string>([[candidateKey(base), 'initial']]);
    for (const [what, state] of Object.entries(changed)) {
      const key = candidateKey(state);
      expect(keys.get(key), `${what} shares its key with ${keys.get(key)}`).toBeUndefined();
      keys.set(key, what);
    }
  });

  it('gives equal states equal keys, so duplicates do merge', () => {
    expect(candidateKey(down(1, 3))).toBe(candidateKey(down(1, 3)));
    expect(candidateKey({ ...base })).toBe(candidateKey(initialState('none')));
  });
});
