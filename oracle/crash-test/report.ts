// A crash-test run as data that outlives it: what `walref crash-test --json` prints, what the
// library's crashTest() returns, and what `walref crash-test merge` reads back (checked with zod:
// a report file is input like any other). docs/oracle.md §7 lists the fields.

import { z } from 'zod';
import type { SimKnobs } from '../../crash-sim/knobs.js';
import type { CallFate } from './describe.js';
import type { CrashTestResult } from './run.js';
import type { Shard } from './shard.js';
import type { Unmodelled } from './syscall-history.js';

export const REPORT_FORMAT = 'walref-crash-test-report';

/** One group of violations: the checker's reason, how many states gave it, and the simplest of them. */
export interface ViolationReport {
  readonly reason: string;
  readonly count: number;
  /** The simplest state's one-line description: `crash after fsync#9(.): rename#6(a → b) lost, …`. */
  readonly example: string;
  /** The ids its checker was told were acknowledged. */
  readonly ids: readonly string[];
  /** The call it crashed right after. */
  readonly crashAfter: { readonly index: number; readonly call: string };
  /** Every call not yet durable at that point, with its op-log index and what became of it. */
  readonly calls: readonly CallFate[];
  /** Calls lost or torn in the example (what "simplest" minimises). */
  readonly weight: number;
  /** What the checker said about the example beyond the reason, if anything. */
  readonly detail?: string;
}

/** Which shards a merged report holds (merge.ts). */
export interface ShardCoverage {
  readonly n: number;
  readonly present: readonly number[];
  readonly missing: readonly number[];
  readonly duplicated: readonly number[];
  /** Every shard 1..n is here exactly once. */
  readonly complete: boolean;
}

export interface CrashTestReport {
  readonly format: typeof REPORT_FORMAT;
  readonly version: 1;
  readonly crashPoints: number;
  /** Distinct crash states checked (by this shard, or by all the merged shards). */
  readonly crashStates: number;
  /** Distinct crash states in the plan, over all shards. */
  readonly plannedStates: number;
  /** Every point of every crash space was checked: the plan is exhaustive and every shard of it is here. */
  readonly exhaustive: boolean;
  /** The plan covers every point of every crash space (they fit in maxStates). */
  readonly planExhaustive: boolean;
  readonly spaceTotal: number;
  /** This report's share of the plan; a merged report says which shards it holds in `shards`. */
  readonly shard: Shard;
  readonly shards?: ShardCoverage;
  readonly seed: number;
  readonly maxStates: number;
  readonly knobs: SimKnobs;
  /** The capture checked (capture-file.ts): shards of one capture share it. */
  readonly captureDigest: string;
  readonly violations: readonly ViolationReport[];
  readonly violationCount: number;
  /** File-system calls under --dir that the workload made. */
  readonly calls: number;
  readonly acks: number;
  readonly statesPerSecond: number;
  readonly captureMs: number;
  readonly checkMs: number;
  readonly unmodelled: readonly Unmodelled[];
  readonly notes: readonly string[];
  readonly unparsedLines: number;
}

/** Modelled calls: the op log without its initial image and the acknowledgement marks. */
export function callCount(result: CrashTestResult): number {
  return result.history.ops.filter((op) => op.kind !== 'mark' && op.kind !== 'crash').length;
}

export function reportOf(result: CrashTestResult): CrashTestReport {
  return {
    format: REPORT_FORMAT,
    version: 1,
    crashPoints: result.crashPoints,
    crashStates: result.crashStates,
    plannedStates: result.plannedStates,
    exhaustive: result.exhaustive,
    planExhaustive: result.planExhaustive,
    spaceTotal: result.spaceTotal,
    shard: result.shard,
    seed: result.seed,
    maxStates: result.maxStates,
    knobs: result.knobs,
    captureDigest: result.captureDigest,
    violations: result.violations.map((v) => ({
      reason: v.reason,
      count: v.count,
      example: v.example,
      ids: v.exampleIds,
      crashAfter: v.exampleSummary.crashAfter,
      calls: v.exampleSummary.calls,
      weight: v.exampleSummary.weight,
      ...(v.exampleDetail === undefined ? {} : { detail: v.exampleDetail }),
    })),
    violationCount: result.violationCount,
    calls: callCount(result),
    acks: result.acks,
    statesPerSecond: Math.round(result.statesPerSecond * 10) / 10,
    captureMs: Math.round(result.captureMs),
    checkMs: Math.round(result.checkMs),
    unmodelled: result.unmodelled,
    notes: result.notes,
    unparsedLines: result.unparsedLines,
  };
}

const count = z.number().int().nonnegative();
const callFate = z.object({
  index: count,
  call: z.string(),
  fate: z.enum(['lost', 'kept', 'torn']),
  sectors: z.object({ kept: count, of: count }).optional(),
});

/** A report as read from a file: every field the merge uses, checked. */
export const reportSchema = z.object({
  format: z.literal(REPORT_FORMAT),
  version: z.literal(1),
  crashPoints: count,
  crashStates: count,
  plannedStates: count,
  exhaustive: z.boolean(),
  planExhaustive: z.boolean(),
  spaceTotal: count,
  shard: z.object({ k: z.number().int().positive(), n: z.number().int().positive() }).refine((s) => s.k <= s.n, 'k is above n'),
  shards: z.object({ n: count, present: z.array(count), missing: z.array(count), duplicated: z.array(count), complete: z.boolean() }).optional(),
  seed: count,
  maxStates: count,
  knobs: z.object({ sectorBytes: count, ordered: z.boolean(), safeAppend: z.boolean(), dirSync: z.boolean(), mkdirSync: z.boolean().optional() }),
  captureDigest: z.string(),
  violations: z.array(
    z.object({
      reason: z.string(),
      count: count,
      example: z.string(),
      ids: z.array(z.string()),
      crashAfter: z.object({ index: count, call: z.string() }),
      calls: z.array(callFate),
      weight: count,
      detail: z.string().optional(),
    }),
  ),
  violationCount: count,
  calls: count,
  acks: count,
  statesPerSecond: z.number().nonnegative(),
  captureMs: z.number().nonnegative(),
  checkMs: z.number().nonnegative(),
  unmodelled: z.array(z.object({ line: count, call: z.string(), reason: z.string() })),
  notes: z.array(z.string()),
  unparsedLines: count,
});
