// Explores every crash state of a workload: runs it once through the real WAL on the simulator,
// then crashes it after EVERY file-system operation that changes what a crash could leave
// (writes, truncates, fsyncs, creates, renames, unlinks, directory fsyncs) — or only at the end,
// with `crashPoints: 'end'` — enumerates the crash states at each point, recovers each one with
// a fresh openWal, and checks it with the oracle.
//
// At a crash point the host is taken to know everything that happened before the next
// file-system operation was issued: the transactions whose commit had returned, and the highest
// durable LSN the WAL had acknowledged (read through the simulator's probe at every operation).
// That is the most the host could have been promised at that instant, so Durability is checked
// against the strongest claim.
//
// Budget: `maxStates` bounds the crash-space points visited over all crash points together. When
// the spaces fit, everything is visited (exhaustive); otherwise each crash point gets an even
// share and larger spaces are sampled by seed. States equal in image and in what the host knew
// are checked once.

import type { SimKnobs } from '../../crash-sim/knobs.js';
import { crashPointsOf, planCrashStates, type CrashPlan, type CrashPoint } from '../../crash-sim/crash-points.js';
import type { CrashState } from '../../crash-sim/crash-states.js';
import { describeOp } from '../../crash-sim/describe-op.js';
import { segmentIdOf, segmentImages } from './disk-format.js';
import { expectedReplay, type ExpectedReplay } from './expected-replay.js';
import { BYTE_CLASS_NAMES, type ByteClassName } from '../../crash-sim/file-crash.js';
import { describeTxs, type HistoryStep, type ReplayedTx } from './explore-history.js';
import { buildLayout, type Layout } from './layout.js';
import { acknowledgedDurableLsn, acknowledgedEpoch, crashContext, heldEpoch, hostSession, type CrashContext } from './crash-context.js';
import { checkRecovery, type Violation } from './recovery-oracle.js';
import { recoverCrashState } from './recover-crash-state.js';
import { runWorkload, type WorkloadRun } from './run-workload.js';
import { filesIn } from '../../crash-sim/sim-query.js';
import { stateAfter } from '../../crash-sim/apply-op.js';
import type { OpenWalLike, RecoveryPolicyLike } from './wal-api.js';
import { WORKLOAD_SEGMENT_TARGET_BYTES, type Workload } from './workload.js';

export interface ExploreOptions {
  readonly openWal: OpenWalLike;
  /** Crash-space points visited at most, over all crash points (default 20 000). */
  readonly maxStates?: number;
  /** Seed for sampling (default 1). */
  readonly seed?: number;
  /** Crash after every mutating operation (default) or only at the end of the workload. */
  readonly crashPoints?: 'every-op' | 'end';
  /** Crash states during or right after each recovery to recover again (default 4; 0: off). */
  readonly idempotenceStates?: number;
  /** How many crash states to describe in `details` besides violating ones (default 0). */
  readonly details?: number;
  /** How many violations to return, simplest first (default 20); `violationCount` has them all. */
  readonly maxViolations?: number;
  /** The recovery policy every recovery of a crash state runs under, and the oracle expects (default tolerate-torn-tail). */
  readonly recovery?: RecoveryPolicyLike;
}

export interface CrashFileDetail {
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly cacheBytes: Uint8Array;
  /** One class per byte over max(on-disk size, page-cache size). */
  readonly classes: readonly ByteClassName[];
}

/** One explored crash state, for reports (issue 7's HTML report and the demo). */
export interface CrashStateDetail {
  readonly crashAfterOp: number;
  readonly op: string;
  readonly step: string | null;
  readonly key: string;
  readonly survival: string;
  readonly files: readonly CrashFileDetail[];
  readonly acknowledgedDurableLsn: number;
  readonly expected: readonly ReplayedTx[];
  readonly recovered: readonly ReplayedTx[] | null;
  readonly error: string | null;
  readonly violations: readonly Violation['property'][];
}

export interface ExploreResult {
  /** Distinct crash states recovered and checked. */
  readonly crashStates: number;
  /** True when every point of every crash space was visited. */
  readonly exhaustive: boolean;
  /** The simplest violations (earliest crash point, fewest bytes lost), up to maxViolations. */
  readonly violations: readonly Violation[];
  readonly violationCount: number;
  /** How many different transaction lists recovery produced. */
  readonly distinctRecoveredPrefixes: number;
  readonly statesPerSecond: number;
  readonly durationMs: number;
  readonly crashPoints: number;
  /** Points in all crash spaces together (what exhaustive exploration must visit). */
  readonly spaceTotal: number;
  readonly knobs: SimKnobs;
  readonly steps: readonly HistoryStep[];
  readonly operations: number;
  readonly details: readonly CrashStateDetail[];
}

const MAX_VIOLATING_DETAILS = 50;

function operationsText(run: WorkloadRun, crashAfterOp: number): string {
  const lines: string[] = [];
  for (const step of run.history.steps) {
    if (step.startOp > crashAfterOp) break;
    const during = step.endOp > crashAfterOp;
    lines.push(`  #${step.index} ${step.description}${during ? '  <- crash during this step' : step.ok ? '' : `  -> ${step.error ?? 'failed'}`}`);
  }
  const op = run.log[crashAfterOp];
  if (op !== undefined) lines.push(`  crash right after op ${crashAfterOp}: ${describeOp(op)}`);
  return lines.join('\n');
}

/** Checks each clean reopen of the workload (no crash) against the expected replay. */
function checkReopens(run: WorkloadRun, layout: Layout): Violation[] {
  const violations: Violation[] = [];
  for (const session of run.history.sessions.slice(1)) {
    const state = stateAfter(run.knobs, run.log, session.startOp);
    const segments = filesIn(state, run.history.dir).filter((s) => segmentIdOf(s.name) !== null);
    const expected = expectedReplay(segments, layout, session.startOp, session.checkpointLsn);
    const same =
      expected.failure === null &&
      expected.transactions.length === session.recovered.length &&
      expected.transactions.every((t, i) => describeTxs([t]) === describeTxs(session.recovered.slice(i, i + 1)));
    if (!same) {
      violations.push({
        property: 'ExactnessInv',
        crashAfterOp: null,
        message: `the clean reopen starting session ${session.session} replayed something else than the log holds`,
        counterexample: `operations:\n${operationsText(run, session.startOp)}\nexpected: ${expected.failure ?? describeTxs(expected.transactions)}\nreplayed: ${describeTxs(session.recovered)}`,
        weight: 0,
      });
    }
  }
  return violations;
}

function detailOf(run: WorkloadRun, point: CrashPoint, state: CrashState, context: CrashContext, expected: ExpectedReplay, recovered: readonly ReplayedTx[] | null, error: string | null, violations: readonly Violation[]): CrashStateDetail {
  const op = run.log[point.afterOp];
  const step = run.history.steps.find((s) => s.startOp <= point.afterOp && point.afterOp < s.endOp);
  return {
    crashAfterOp: point.afterOp,
    op: op === undefined ? '' : describeOp(op),
    step: step?.description ?? null,
    key: state.key,
    survival: state.describe(),
    files: [...state.files.values()].map((f) => ({
      path: f.path,
      bytes: f.bytes,
      cacheBytes: f.cacheBytes,
      classes: [...f.classes].map((c) => BYTE_CLASS_NAMES[c] ?? 'lost'),
    })),
    acknowledgedDurableLsn: context.acknowledgedDurableLsn,
    expected: expected.transactions,
    recovered,
    error,
    violations: violations.map((v) => v.property),
  };
}

export async function exploreWorkload(workload: Workload, options: ExploreOptions): Promise<ExploreResult> {
  const startedMs = performance.now();
  const seed = options.seed ?? 1;
  const run = await runWorkload(workload, options.openWal);
  const layout = buildLayout(run.history, run.log);
  // Crash points: after every mutating op, with the host's knowledge up to the next one.
  const plan = planCrashStates(crashPointsOf(run.knobs, run.log, { crashPoints: options.crashPoints ?? 'every-op' }), options.maxStates ?? 20_000, seed);
  const checked = await checkCrashStates(run, layout, plan, options, seed);
  const violations: Violation[] = [
    ...layout.problems.map((p): Violation => ({ property: 'Layout', crashAfterOp: null, message: p, counterexample: '', weight: 0 })),
    ...run.history.contractViolations.map((c): Violation => ({ property: 'Contract', crashAfterOp: null, message: c, counterexample: '', weight: 0 })),
    ...checkReopens(run, layout),
    ...checked.violations,
  ];
  const durationMs = performance.now() - startedMs;
  return {
    crashStates: checked.count,
    exhaustive: plan.exhaustive,
    violations: simplestFirst(violations).slice(0, options.maxViolations ?? 20),
    violationCount: violations.length,
    distinctRecoveredPrefixes: checked.prefixes.size,
    statesPerSecond: checked.count / Math.max(durationMs / 1000, 1e-3),
    durationMs,
    crashPoints: plan.points.length,
    spaceTotal: plan.spaceTotal,
    knobs: run.knobs,
    steps: run.history.steps,
    operations: run.log.length,
    details: checked.details,
  };
}

/**
 * The simplest example of each property first (earliest crash point, fewest bytes lost), then the
 * rest in the same order. Findings without a crash point (Layout, Contract, clean reopens) sort
 * as -1, ahead of every crash point.
 */
function simplestFirst(violations: readonly Violation[]): Violation[] {
  const ordered = [...violations].sort((a, b) => (a.crashAfterOp ?? -1) - (b.crashAfterOp ?? -1) || a.weight - b.weight);
  const firstOfEach = ordered.filter((v, i) => ordered.findIndex((w) => w.property === v.property) === i);
  return [...firstOfEach, ...ordered.filter((v) => !firstOfEach.includes(v))];
}

/**
 * Recovers and checks every planned crash state. States equal in image and in what the host knew
 * are checked once.
 */
async function checkCrashStates(
  run: WorkloadRun,
  layout: Layout,
  plan: CrashPlan,
  options: ExploreOptions,
  seed: number,
): Promise<{ count: number; violations: Violation[]; prefixes: Set<string>; details: CrashStateDetail[] }> {
  const checked = new Set<string>();
  const prefixes = new Set<string>();
  const violations: Violation[] = [];
  const details: CrashStateDetail[] = [];
  let violatingDetails = 0;
  for (const { point, states } of plan.points) {
    const session = hostSession(run.history, point.contextEndOp);
    const acknowledged = acknowledgedDurableLsn(run.history, run.log, session, point.contextEndOp);
    const context = crashContext(run.history, session, point.afterOp, point.contextEndOp, acknowledged);
    const contextKey = `${session}|${context.acknowledgedDurableLsn}|${context.checkpointLsn}|${context.committed.length}`;
    for (const crash of states()) {
      const key = `${crash.key}|${contextKey}`;
      if (checked.has(key)) continue;
      checked.add(key);
      // A checkpoint through the MANIFEST that this state holds moves the replay's checkpoint LSN.
      const held = heldEpoch(run.history, crash, point.afterOp);
      const stateContext = held === null ? context : { ...context, checkpointLsn: Math.max(context.checkpointLsn, held.lsn) };
      const expected = expectedReplay(segmentImages(crash, run.history.dir), layout, point.afterOp + 1, stateContext.checkpointLsn, options.recovery);
      const observed = await recoverCrashState(crash, {
        openWal: options.openWal,
        dir: run.history.dir,
        checkpointLsn: context.checkpointLsn,
        segmentTargetBytes: run.workload.options.segmentTargetBytes ?? WORKLOAD_SEGMENT_TARGET_BYTES,
        idempotenceStates: options.idempotenceStates ?? 4,
        seed,
        ...(options.recovery === undefined ? {} : { recovery: options.recovery }),
      });
      if (observed.replayed !== null) prefixes.add(describeTxs(observed.replayed));
      const epochs = run.history.epochs.length === 0 ? {} : { epochs: { held, acknowledged: acknowledgedEpoch(run.history, point.contextEndOp) } };
      const policy = options.recovery === undefined ? {} : { policy: options.recovery };
      const found = checkRecovery({ history: run.history, context: stateContext, state: crash, expected, observed, operations: operationsText(run, point.afterOp), ...epochs, ...policy });
      violations.push(...found);
      const wantDetail = found.length > 0 ? violatingDetails < MAX_VIOLATING_DETAILS : details.length - violatingDetails < (options.details ?? 0);
      if (!wantDetail) continue;
      if (found.length > 0) violatingDetails++;
      details.push(detailOf(run, point, crash, context, expected, observed.replayed, observed.error, found));
    }
  }
  return { count: checked.size, violations, prefixes, details };
}
