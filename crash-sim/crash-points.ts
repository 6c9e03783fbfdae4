// Crash points of an op log and the crash states to visit at each, within one budget. Shared by
// `walref explore` (explore.ts: the WAL run on the simulator) and `walref crash-test` (an op log
// recorded from another program by strace): one enumerator for both.
//
// A crash point is "right after op k" for every op that changes what a crash could leave (marks
// do not), or only the last one. What the host knew at that point is everything that happened
// before the next such op was issued (`contextEndOp`): acknowledgements in between count.
//
// Budget: `maxStates` bounds the crash-space points visited over all crash points together. When
// the spaces fit, everything is visited (exhaustive); otherwise the budget is shared out by water
// filling: spaces smaller than an even share are visited whole and what they leave goes to the
// larger ones, which are sampled by seed (seed + op index, so each point differs).

import { crashSpace, enumerateCrashStates, type CrashSpace, type CrashState } from './crash-states.js';
import type { SimKnobs } from './knobs.js';
import type { SimFileSystem } from './sim-fs.js';
import { applyOp } from './apply-op.js';
import { emptyState, isMutatingOp, type SimOp } from './sim-state.js';

export interface CrashPoint {
  /** The op-log index the crash happens right after. */
  readonly afterOp: number;
  /**
   * The host's knowledge ends where the next mutating op was issued: its index (a probe taken at
   * an op is read before the op runs), or the last index of the log. Marks before it count.
   */
  readonly contextEndOp: number;
  readonly space: CrashSpace;
}

export interface CrashPointOptions {
  /** Crash after every mutating op (default) or only after the last one. */
  readonly crashPoints?: 'every-op' | 'end';
  /** Ops before this index are not crash points (e.g. an initial image); default 0. */
  readonly firstOp?: number;
}

export function crashPointsOf(knobs: SimKnobs, log: readonly SimOp[], options: CrashPointOptions = {}): CrashPoint[] {
  const mutating = log.filter(isMutatingOp).map((op) => op.index);
  const eligible = mutating.filter((i) => i >= (options.firstOp ?? 0));
  const chosen = options.crashPoints === 'end' ? eligible.slice(-1) : eligible;
  const points: CrashPoint[] = [];
  const folding = emptyState(knobs);
  let folded = 0;
  for (const afterOp of chosen) {
    for (; folded <= afterOp; folded++) {
      const op = log[folded];
      if (op !== undefined) applyOp(folding, op);
    }
    const next = mutating.find((i) => i > afterOp);
    points.push({ afterOp, contextEndOp: next ?? log.length - 1, space: crashSpace(folding) });
  }
  return points;
}

/**
 * The crash space after each mutating op of `ops`, folded in order over `start`'s state (which it
 * changes: hand it a fresh image). For crashes during and right after a recovery that ran on an
 * image of the same start.
 */
export function crashSpacesAlong(start: SimFileSystem, ops: readonly SimOp[]): CrashSpace[] {
  const spaces: CrashSpace[] = [];
  for (const op of ops) {
    applyOp(start.state, op);
    if (isMutatingOp(op)) spaces.push(crashSpace(start.state));
  }
  return spaces;
}

export interface PlannedPoint {
  readonly point: CrashPoint;
  /** The crash states to visit here, distinct by image; built on demand (they hold bytes). */
  states(): readonly CrashState[];
}

export interface CrashPlan {
  readonly points: readonly PlannedPoint[];
  /** Points in all crash spaces together (what exhaustive exploration must visit). */
  readonly spaceTotal: number;
  /** True when every point of every space is visited (the spaces fit in the budget). */
  readonly exhaustive: boolean;
}

/**
 * The crash states to visit at each point. When the spaces together exceed the budget, some space
 * gets less than its size, so the plan is exhaustive exactly when they fit.
 */
export function planCrashStates(points: readonly CrashPoint[], maxStates: number, seed: number): CrashPlan {
  const spaceTotal = points.reduce((sum, p) => Math.min(Number.MAX_SAFE_INTEGER, sum + p.space.total), 0);
  const fits = spaceTotal <= maxStates;
  const budgets = new Map<CrashPoint, number>();
  let remaining = maxStates;
  const bySize = [...points].sort((a, b) => a.space.total - b.space.total);
  bySize.forEach((point, i) => {
    const share = Math.max(1, Math.floor(remaining / (bySize.length - i)));
    const budget = Math.min(point.space.total, share);
    budgets.set(point, budget);
    remaining = Math.max(0, remaining - budget);
  });
  const planned = points.map((point) => ({
    point,
    states: () => enumerateCrashStates(point.space, { maxStates: fits ? maxStates : (budgets.get(point) ?? 1), seed: seed + point.afterOp }).states,
  }));
  return { points: planned, spaceTotal, exhaustive: fits };
}
