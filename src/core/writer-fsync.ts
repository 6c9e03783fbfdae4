// The pipelined fsync as data (wal-core.ts runs it): a plan taken from the writer's state when the
// fsync starts, and the state it leaves once the fsync returned OK. The durable LSN moves only in
// fsyncDone, so nothing the shell does between the two can claim durability early. writer.ts
// re-exports these, so callers keep one namespace for every writer step.

import type { Effect } from './effects.js';
import type { Lsn } from './records.js';
import type { WriterState } from './writer-state.js';

/**
 * A pipelined fsync, started: it covers what has been handed to the OS so far (writtenLsn), not
 * what is still buffered, and it is a plan, not a step: the state does not change until fsyncDone.
 * Meanwhile the shell may buffer and write more; a later fsync covers those. Null when everything
 * written is durable already.
 */
export interface FsyncPlan {
  readonly effect: Effect;
  readonly coversLsn: Lsn;
  /** The commits counted towards `maxCommits` when the fsync started. */
  readonly commits: number;
}

export function fsyncStart(state: WriterState): FsyncPlan | null {
  if (state.poisoned !== null || state.writtenLsn <= state.durableLsn) return null;
  return { effect: { kind: 'fsync', file: state.active.name }, coversLsn: state.writtenLsn, commits: state.commitsSinceFsync };
}

/**
 * The fsync of `plan` returned OK: the durable LSN moves up to what it covered (never down: a
 * rotation's own fsync may have covered more meanwhile), and the commits it covered no longer
 * count towards the next group fsync.
 */
export function fsyncDone(state: WriterState, plan: FsyncPlan): WriterState {
  if (plan.coversLsn <= state.durableLsn && plan.commits === 0) return state;
  return {
    ...state,
    durableLsn: Math.max(state.durableLsn, plan.coversLsn),
    commitsSinceFsync: Math.max(0, state.commitsSinceFsync - plan.commits),
  };
}

/** Under `group`, whether enough commits wait for a sync that the flusher should run now. */
export function fsyncDue(state: WriterState): boolean {
  const max = state.config.maxCommits;
  return state.config.syncMode === 'group' && max !== null && state.commitsSinceFsync >= max;
}
