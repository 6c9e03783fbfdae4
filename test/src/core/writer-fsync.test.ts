// src/core/writer-fsync.ts's fsyncDue: only the group policy, and only with a maxCommits, asks
// the flusher for a sync by count; per-commit and none never do, however many commits wait.
import { describe, expect, it } from 'vitest';
import { fsyncDue } from '../../../src/core/writer-fsync.js';
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
