// Shards: a deterministic share of a run's planned crash states, so that one capture's checks fan
// out over an existing job runner (docs/oracle.md §6). The plan lists the distinct states in one
// order, fixed by the capture, the knobs, --max-states and --seed; state i (from 0) belongs to
// shard k of n when i mod n = k - 1. Every shard plans the whole run (planning is cheap next to
// checking) and checks its share; `crash-test merge` puts the shards' reports back together.

import { CrashTestError } from './errors.js';

export interface Shard {
  /** Which share, from 1. */
  readonly k: number;
  /** Of how many. */
  readonly n: number;
}

/** The whole run: shard 1 of 1. */
export const WHOLE_RUN: Shard = { k: 1, n: 1 };

/** Whether `shard` is a valid share: whole numbers with 1 ≤ k ≤ n. */
export function isShard(shard: Shard): boolean {
  return Number.isSafeInteger(shard.k) && Number.isSafeInteger(shard.n) && shard.k >= 1 && shard.k <= shard.n;
}

/** Reads `k/n`; a BadOption error names the option (`what`) and what is wrong with it. */
export function parseShard(text: string, what = '--shard'): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const shard = m === null ? null : { k: Number(m[1]), n: Number(m[2]) };
  if (shard === null || !isShard(shard)) throw new CrashTestError('BadOption', `${what} must be k/n with 1 ≤ k ≤ n (like 2/8), got "${text}"`);
  return shard;
}

/** Whether the planned state at `index` (from 0) belongs to `shard`. */
export function inShard(index: number, shard: Shard): boolean {
  return index % shard.n === shard.k - 1;
}

/** The items of `planned` that belong to `shard`, in order. */
export function selectShard<T>(planned: readonly T[], shard: Shard): T[] {
  return planned.filter((_, i) => inShard(i, shard));
}
