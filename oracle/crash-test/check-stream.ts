// Crash states checked as a stream: the plan (crash-sim's planCrashStream) yields crash points one
// at a time, each point its states one at a time; jobsOf turns them into checks (one per distinct
// image and acknowledged ids, with its one-line description, and only those of the shard asked
// for), and poolStream runs them over the
// cores, taking the next job only when a check finishes. What is held at any moment is the jobs in
// flight, never the plan: memory does not grow with crash points × directory size.

import type { PlannedPoint } from '../../crash-sim/crash-points.js';
import type { CrashState } from '../../crash-sim/crash-states.js';
import { describeCrashState, type StateSummary } from './describe.js';
import { inShard, WHOLE_RUN, type Shard } from './shard.js';
import type { SyscallHistory } from './syscall-history.js';

export interface CheckJob {
  readonly afterOp: number;
  readonly state: CrashState;
  readonly ids: readonly string[];
  readonly summary: StateSummary;
}

/** How far the plan has been taken: states drawn from it, and how many of them were distinct (the rest repeats), in every shard. */
export interface JobCounts {
  drawn: number;
  jobs: number;
}

/**
 * One check per distinct (image, acknowledged ids) pair, in plan order, with its description; of
 * those, the i-th (from 0) belongs to shard k of n when i mod n = k - 1 (shard.ts).
 */
export function* jobsOf(points: Iterable<PlannedPoint>, history: SyscallHistory, counts: JobCounts = { drawn: 0, jobs: 0 }, shard: Shard = WHOLE_RUN): Generator<CheckJob> {
  const seen = new Set<string>();
  let acked = 0;
  for (const planned of points) {
    const { afterOp, contextEndOp } = planned.point;
    // Past the last acknowledgement the stand-in is +Infinity, which no op index reaches.
    while ((history.acks[acked]?.opIndex ?? Number.POSITIVE_INFINITY) <= contextEndOp) acked++;
    const ids = history.acks.slice(0, acked).map((a) => a.id);
    for (const state of planned.states()) {
      counts.drawn++;
      const key = `${state.key}|${ids.length}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const index = counts.jobs++;
      if (!inShard(index, shard)) continue;
      yield { afterOp, state, ids, summary: describeCrashState(state, history.calls, afterOp) };
    }
  }
}

/**
 * Runs `task` on every item of `items` with at most `limit` running at once, taking an item only
 * when a worker is free; results in item order.
 */
export async function poolStream<T, R>(items: Iterable<T>, limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  const iterator = items[Symbol.iterator]();
  let next = 0;
  let done = false;
  const worker = async (): Promise<void> => {
    while (!done) {
      const item = iterator.next();
      if (item.done === true) {
        done = true;
        return;
      }
      const index = next++;
      results[index] = await task(item.value, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
  return results;
}
