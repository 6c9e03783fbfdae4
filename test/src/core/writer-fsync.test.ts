// src/core/writer-fsync.ts's fsyncDue: only the group policy, and only with a maxCommits, asks
// the flusher for a sync by count; per-commit and none never do, however many commits wait. And
// fsyncDone: what a finished fsync moves, also when a rotation's own fsync covered more meanwhile.
import { describe, expect, it } from 'vitest';
import { fsyncDone, fsyncDue } from '../../../src/core/writer-fsync.js';
import type { SyncMode } from '../../../src/core/writer-state.js';
import { fresh, transaction } from './writer-fixtures.js';

const waiting = (syncMode: SyncMode, maxCommits: number | null, commits: number) => {
  let state = fresh(syncMode, 1 << 20, maxCommits);
  for (let i = 0; i < commits; i++) state = transaction(state, ['e']).state;
  return state;
};

describe('fsyncDue', () => {
  it('is due under group once maxCommits commits wait, and not one commit before', () => {
    expect(fsyncDue(waiting('group', 3, 3))).toBe(true);
    expect(fsyncDue(waiting('group', 3, 2))).toBe(false);
  });

  it('is never due by count under group without maxCommits, nor under per-commit or none', () => {
    expect(fsyncDue(waiting('group', null, 5))).toBe(false);
    expect(fsyncDue(waiting('per-commit', 1, 5))).toBe(false);
    expect(fsyncDue(waiting('none', 1, 5))).toBe(false);
  });
});

describe('fsyncDone', () => {
  it('moves the durable LSN up to what the fsync covered and takes its commits off the count', () => {
    const state = { ...waiting('group', null, 5), durableLsn: 4 };
    const done = fsyncDone(state, { effect: { kind: 'fsync', file: state.active.name }, coversLsn: 12, commits: 3 });
    expect([done.durableLsn, done.commitsSinceFsync]).toEqual([12, state.commitsSinceFsync - 3]);
  });

  it('never moves the durable LSN down when a rotation\'s fsync covered more meanwhile, and still takes the commits it covered off the count', () => {
    const state = { ...waiting('group', null, 5), durableLsn: 20 };
    for (const coversLsn of [12, 20]) {
      const done = fsyncDone(state, { effect: { kind: 'fsync', file: state.active.name }, coversLsn, commits: 3 });
      expect([done.durableLsn, done.commitsSinceFsync], `covers ${coversLsn}`).toEqual([20, state.commitsSinceFsync - 3]);
    }
    // Nothing covered that was not durable, and no commit: the state as it was.
    expect(fsyncDone(state, { effect: { kind: 'fsync', file: state.active.name }, coversLsn: 12, commits: 0 })).toEqual(state);
  });
});
