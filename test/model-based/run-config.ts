// The knobs of one model-based run and the run budget, default and deep (WALREF_DEEP=1).

import fc from 'fast-check';
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
