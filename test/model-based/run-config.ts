// The knobs of one model-based run and the run budget, default and deep (WALREF_DEEP=1).

import fc from 'fast-check';
import { expect } from 'vitest';
import { mutationRunCap } from '../property-seed.js';
import type { RunConfig } from './world.js';

const deep = process.env['WALREF_DEEP'] !== undefined && process.env['WALREF_DEEP'] !== '' && process.env['WALREF_DEEP'] !== '0';
const deepRuns = Number(process.env['WALREF_DEEP_RUNS'] ?? '');

/**
 * The command-list bound the pinned counterexamples (planted/pins.ts) were recorded with. A
 * replayPath only replays under the same bound, so pinned runs use it at every depth.
 */
export const PINNED_MAX_COMMANDS = 50;

export const budget = {
  deep,
  /** Runs on crash-sim per sync policy. */
  simRuns: deep ? (Number.isSafeInteger(deepRuns) && deepRuns > 0 ? deepRuns : 10_000) : 300,
  /** Runs on node:fs in a temp directory per sync policy. */
  nodeRuns: deep ? 200 : 30,
  /**
   * Crash states checked at every crash command: the one the run continues from, plus this many
   * more from the same moment, each recovered on its own image and compared with the model.
   */
  extraCrashStates: deep ? 7 : 3,
  /** Concurrency runs (fc.scheduler) and crash states checked per acknowledged commit in each. */
  concurrentRuns: deep ? (Number.isSafeInteger(deepRuns) && deepRuns > 0 ? deepRuns : 3_000) : 60,
  /**
   * The fewest runs each time-limited property must make (assertTimeLimited), whatever the load: a
   * fifth of the default numRuns, which npm test on 2 shared cores makes in under a tenth of the
   * time limit (300 sim runs take about 1.5 s of the 20 s). Deep runs ask for the default counts.
   */
  minSimRuns: deep ? 300 : 60,
  minNodeRuns: deep ? 30 : 6,
  minConcurrentRuns: deep ? 60 : 12,
  /** Commands per run at most. */
  maxCommands: deep ? 100 : PINNED_MAX_COMMANDS,
  /**
   * One run that has not ended after this long is a hang, and fails the property (fast-check's
   * `timeout`). Without it a hung run would sit until the time limit interrupts the property,
   * and an interrupt is not a failure: a hang would pass. Runs take milliseconds, and seconds on
   * the real disk under load.
   */
  runTimeoutMs: 15_000,
  /** fast-check stops starting new runs after this long (deep runs are bounded by time too). */
  timeLimitMs: deep ? Number(process.env['WALREF_DEEP_TIME_MS'] ?? 600_000) : 20_000,
  /** vitest's timeout for one of these tests: the time limit plus room to shrink a failure. */
  get testTimeoutMs(): number {
    return this.timeLimitMs + 120_000;
  },
} as const;

/**
 * Runs a time-limited property: at most `numRuns` runs, stopped by the time limit (budget.timeLimitMs)
 * and a hung run failing (budget.runTimeoutMs), like fc.assert. An interrupt is not a failure, but
 * a property that made fewer than `minRuns` runs fails: a loaded machine that manages one run
 * must not pass for a machine that checked hundreds. Prints the number of runs it made, and
 * returns it. Every time-limited property of the suite goes through here.
 */
export async function assertTimeLimited<Ts>(label: string, property: fc.IAsyncProperty<Ts>, runs: { readonly numRuns: number; readonly minRuns: number }): Promise<number> {
  let details: fc.RunDetails<Ts> | null = null;
  const globalReporter = fc.readConfigureGlobal().reporter as ((d: fc.RunDetails<Ts>) => void) | undefined;
  await fc.assert(property, {
    numRuns: runs.numRuns,
    interruptAfterTimeLimit: budget.timeLimitMs,
    markInterruptAsFailure: false,
    timeout: budget.runTimeoutMs,
    reporter: (made) => {
      details = made;
      if (globalReporter !== undefined) globalReporter(made);
      else if (made.failed) throw new Error(fc.defaultReportMessage(made) ?? `${label}: property failed with seed ${made.seed}`);
    },
  });
  const made = details as fc.RunDetails<Ts> | null;
  const count = made?.numRuns ?? 0;
  const stopped = made?.interrupted === true ? `, stopped by the ${budget.timeLimitMs} ms time limit` : '';
  console.log(`[property runs] ${label}: ${count} of ${runs.numRuns} runs${stopped}`);
  // A mutation run caps every property (WALREF_MUTATION_RUNS): the cap is then all it must make.
  const minRuns = Math.min(runs.minRuns, mutationRunCap() ?? runs.minRuns);
  expect(count, `${label}: ${count} runs made${stopped}, fewer than the ${minRuns} this property must make to mean something`).toBeGreaterThanOrEqual(minRuns);
  return count;
}

/**
 * A scheduler property of test/concurrency at its budget (budget.concurrentRuns, at least a fifth
 * of them), then the evidence that it met what it is about: every count `seen` returns is above 0.
 * A mutation run caps properties at a few runs (test/setup/fast-check-capped.ts), too few to meet
 * every case, so there only the property itself is judged.
 */
export async function assertConcurrentProperty<Ts>(label: string, property: fc.IAsyncProperty<Ts>, seen: () => Readonly<Record<string, number>>): Promise<void> {
  await assertTimeLimited(label, property, { numRuns: budget.concurrentRuns, minRuns: Math.ceil(budget.concurrentRuns / 5) });
  if (mutationRunCap() !== null) return;
  for (const [what, count] of Object.entries(seen())) expect(count, `${label}: runs that saw ${what}`).toBeGreaterThan(0);
}

/**
 * "Large" segments in the simulator are 16 KiB: segment files are preallocated to their target
 * size, the simulator holds every byte of them in memory, and no run writes that much.
 */
const LARGE_SIM_SEGMENT_BYTES = 1 << 14;

export const simConfig = (policy: RunConfig['policy']): fc.Arbitrary<RunConfig> =>
  fc.record({
    policy: fc.constant(policy),
    segmentTargetBytes: fc.constantFrom(64, 128, 512, LARGE_SIM_SEGMENT_BYTES),
    knobs: fc.record({
      sectorBytes: fc.constantFrom(16, 64, 512),
      ordered: fc.boolean(),
      safeAppend: fc.boolean(),
      dirSync: fc.boolean(),
    }),
  });

/** Tiny segments, so that whole queries rotate often and truncation has sealed segments to drop. */
export const segmentConfig: fc.Arbitrary<RunConfig> = fc.record({
  policy: fc.constantFrom('per-commit' as const, 'group' as const, 'none' as const),
  segmentTargetBytes: fc.constantFrom(64, 128),
  knobs: fc.record({
    sectorBytes: fc.constantFrom(16, 64, 512),
    ordered: fc.boolean(),
    safeAppend: fc.boolean(),
    dirSync: fc.boolean(),
  }),
});

/**
 * Tiny segments reused: truncation keeps freed segments for reuse (recycleSegments 1 or 2), so new
 * segments are written over the frames of earlier lives, and payloads are deflated, with events
 * long and repetitive enough that deflating pays.
 */
export const recycleConfig: fc.Arbitrary<RunConfig> = fc.record({
  policy: fc.constantFrom('per-commit' as const, 'group' as const, 'none' as const),
  segmentTargetBytes: fc.constantFrom(96, 192),
  knobs: fc.record({
    sectorBytes: fc.constantFrom(16, 64, 512),
    ordered: fc.boolean(),
    safeAppend: fc.boolean(),
    dirSync: fc.boolean(),
  }),
  recycleSegments: fc.constantFrom(1, 2),
  compression: fc.constant('deflate' as const),
});

export const nodeConfig = (policy: RunConfig['policy']): fc.Arbitrary<RunConfig> =>
  fc.record({
    policy: fc.constant(policy),
    segmentTargetBytes: fc.constantFrom(128, 1 << 20),
    knobs: fc.constant(null),
  });
