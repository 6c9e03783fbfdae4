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
//
// Two forms of one plan: planCrashStates takes the points as an array (walref explore: small op
// logs), planCrashStream folds the op log twice and holds no point (crash-test: another program's
// log, whose crash spaces can be large). Its first pass keeps only each point's space size, for
// the budget; its second yields the points one by one, each with its crash states as a generator,
// so a checker holds what it is checking and nothing more.

import { crashSpace, crashStatesOf, type CrashSpace, type CrashState } from './crash-states.js';
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

/** The crash points of an op log, one at a time: the fold moves on as each one is taken. */
export function* crashPointsAlong(knobs: SimKnobs, log: readonly SimOp[], options: CrashPointOptions = {}): Generator<CrashPoint> {
  const mutating = log.filter(isMutatingOp).map((op) => op.index);
  const eligible = mutating.filter((i) => i >= (options.firstOp ?? 0));
  const chosen = options.crashPoints === 'end' ? eligible.slice(-1) : eligible;
  const folding = emptyState(knobs);
  let folded = 0;
  let nextMutating = 0;
  for (const afterOp of chosen) {
    for (; folded <= afterOp; folded++) {
      const op = log[folded];
      if (op !== undefined) applyOp(folding, op);
    }
    while (nextMutating < mutating.length && (mutating[nextMutating] as number) <= afterOp) nextMutating++;
    yield { afterOp, contextEndOp: mutating[nextMutating] ?? log.length - 1, space: crashSpace(folding) };
  }
}

export function crashPointsOf(knobs: SimKnobs, log: readonly SimOp[], options: CrashPointOptions = {}): CrashPoint[] {
  return [...crashPointsAlong(knobs, log, options)];
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
  /** The crash states to visit here, distinct by image; built as they are taken (they hold bytes). */
  states(): Iterable<CrashState>;
}

export interface CrashPlan {
  readonly points: readonly PlannedPoint[];
  /** Points in all crash spaces together (what exhaustive exploration must visit). */
  readonly spaceTotal: number;
  /** True when every point of every space is visited (the spaces fit in the budget). */
  readonly exhaustive: boolean;
}

const sumCapped = (a: number, b: number): number => Math.min(Number.MAX_SAFE_INTEGER, a + b);

/**
 * The budget of each point (by position), by water filling: spaces smaller than an even share of
 * what is left are visited whole, the rest share what they leave. When every space fits, each gets
 * its whole size.
 */
function budgetsOf(totals: readonly number[], maxStates: number): number[] {
  // Stryker disable next-line ArrayDeclaration: the array sized ahead; the loop below sets every index either way
  const budgets = new Array<number>(totals.length).fill(0);
  // A shortcut: when the spaces fit, water filling gives each its whole size too (the smallest
  // space left never exceeds an even share of what is left), so `false` here is equivalent.
  if (totals.reduce(sumCapped, 0) <= maxStates) return [...totals];
  let remaining = maxStates;
  const bySize = totals.map((total, index) => ({ total, index })).sort((a, b) => a.total - b.total);
  bySize.forEach(({ total, index }, i) => {
    const share = Math.max(1, Math.floor(remaining / (bySize.length - i)));
    budgets[index] = Math.min(total, share);
    remaining = Math.max(0, remaining - (budgets[index] as number));
  });
  return budgets;
}

function plannedPoint(point: CrashPoint, budget: number, seed: number): PlannedPoint {
  // Stryker disable next-line ArithmeticOperator: only a seed that differs by point and repeats by run is promised; seed - afterOp is one too
  return { point, states: () => crashStatesOf(point.space, { maxStates: Math.max(1, budget), seed: seed + point.afterOp }) };
}

/**
 * The crash states to visit at each point. When the spaces together exceed the budget, some space
 * gets less than its size, so the plan is exhaustive exactly when they fit.
 */
export function planCrashStates(points: readonly CrashPoint[], maxStates: number, seed: number): CrashPlan {
  const totals = points.map((p) => p.space.total);
  const spaceTotal = totals.reduce(sumCapped, 0);
  const budgets = budgetsOf(totals, maxStates);
  return { points: points.map((point, i) => plannedPoint(point, budgets[i] ?? 1, seed)), spaceTotal, exhaustive: spaceTotal <= maxStates };
}

export interface CrashStream {
  /** How many crash points the log has. */
  readonly pointCount: number;
  readonly spaceTotal: number;
  readonly exhaustive: boolean;
  /** Crash-space points the plan visits at most: each point's budget, summed. */
  readonly budgetTotal: number;
  /** The points in log order, each with its states; every call folds the log again. */
  points(): Generator<PlannedPoint>;
}

export interface CrashStreamOptions extends CrashPointOptions {
  /** Called as the first pass sizes each point: (points so far, space points so far). */
  readonly onSized?: (points: number, spaceTotal: number) => void;
}

/** planCrashStates for a log too large to hold its crash points at once (see the header). */
export function planCrashStream(knobs: SimKnobs, log: readonly SimOp[], maxStates: number, seed: number, options: CrashStreamOptions = {}): CrashStream {
  const totals: number[] = [];
  let spaceTotal = 0;
  for (const point of crashPointsAlong(knobs, log, options)) {
    totals.push(point.space.total);
    spaceTotal = sumCapped(spaceTotal, point.space.total);
    options.onSized?.(totals.length, spaceTotal);
  }
  const budgets = budgetsOf(totals, maxStates);
  return {
    pointCount: totals.length,
    spaceTotal,
    exhaustive: spaceTotal <= maxStates,
    // A sampled space always yields both of its extremes, whatever its budget.
    budgetTotal: budgets.map((budget, i) => (budget >= (totals[i] ?? 0) ? budget : Math.max(budget, 2))).reduce(sumCapped, 0),
    points: function* () {
      let i = 0;
      for (const point of crashPointsAlong(knobs, log, options)) yield plannedPoint(point, budgets[i++] ?? 1, seed);
    },
  };
}
