// `walref crash-test`, end to end, as three modules with data between them:
//   capture (capture.ts: strace → lines, read while the workload runs; strace-parse.ts: lines →
//     calls; syscall-history.ts: calls → op log), after a snapshot of --dir (disk.ts)
//   enumeration (crash-sim: crash-points.ts plans the crash states of that op log as a stream,
//     with the one fault model and the one enumerator walref uses on itself)
//   checking (check-stream.ts takes the states as they are planned; disk.ts materialises each in a
//     fresh directory from the snapshot; check.ts runs the program's own checker on it with the
//     ids acknowledged before that crash point).
// Everything crash-test writes lives in one work directory (the snapshot, the trace, the state
// directories), removed by CapturedRun.dispose(). Every long phase reports progress (onEvent).
// The result is data; cli/crash-test.ts prints it (text, --json, --html).

import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { planCrashStream } from '../../crash-sim/crash-points.js';
import type { CrashState } from '../../crash-sim/crash-states.js';
import { DEFAULT_KNOBS, type SimKnobs } from '../../crash-sim/knobs.js';
import { capturePaths, captureWorkload, runInit, straceVersion, type Capture } from './capture.js';
import { runCheck, type CheckOutcome } from './check.js';
import { jobsOf, poolStream, type CheckJob, type JobCounts } from './check-stream.js';
import { materialise, readInitialImage, snapshotDataDir } from './disk.js';
import { CrashTestError } from './errors.js';
import type { CrashTestEvent } from './progress-event.js';
import { SyscallHistoryBuilder, type InitialImage, type SyscallHistory, type Unmodelled } from './syscall-history.js';
import { TraceParser } from './strace-parse.js';

export type { CrashTestEvent } from './progress-event.js';

export interface CrashTestOptions {
  /** The data directory the workload writes under; created empty when missing. */
  readonly dir: string;
  readonly workload: string;
  readonly check: string;
  readonly knobs: SimKnobs;
  /** Crash-space points visited at most, over all crash points (each costs one check run). */
  readonly maxStates: number;
  readonly seed: number;
  /** Per check run. */
  readonly timeoutMs: number;
  /** Checks running at once (default: the number of cores). */
  readonly jobs?: number;
  /** Called after every check with (checks done, crash states the plan visits at most). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Progress of every phase (capture, plan, check), as counts. */
  readonly onEvent?: (event: CrashTestEvent) => void;
  /** A shell command run before the trace to fill --dir (its writes are the durable initial state). */
  readonly init?: string;
  /** Keep every checked state (files and verdict) for the HTML report. */
  readonly keepStates?: boolean;
  /**
   * Verdicts by (image, acknowledged ids), shared across runs of the same capture under different
   * knobs: the checker is a function of the state directory and its arguments, so a state seen
   * under one knob setting is not checked again under another.
   */
  readonly verdicts?: Map<string, CheckOutcome>;
}

export interface CheckedState {
  readonly afterOp: number;
  readonly key: string;
  readonly ids: readonly string[];
  readonly description: string;
  readonly weight: number;
  readonly ok: boolean;
  readonly reason: string;
  readonly state: CrashState | null;
}

export interface ViolationGroup {
  readonly reason: string;
  readonly count: number;
  /** The simplest state showing it: fewest calls lost, then the earliest crash point. */
  readonly example: string;
  /** The ids the example's checker was told to expect. */
  readonly exampleIds: readonly string[];
}

export interface CrashTestResult {
  readonly crashPoints: number;
  /** Distinct (image, acknowledged ids) pairs checked. */
  readonly crashStates: number;
  readonly exhaustive: boolean;
  readonly spaceTotal: number;
  readonly violations: readonly ViolationGroup[];
  readonly violationCount: number;
  readonly unmodelled: readonly Unmodelled[];
  readonly notes: readonly string[];
  /** Trace lines crash-test could not read (a sign of an unusual strace). */
  readonly unparsedLines: number;
  readonly history: SyscallHistory;
  readonly acks: number;
  readonly statesPerSecond: number;
  readonly captureMs: number;
  readonly checkMs: number;
  readonly states: readonly CheckedState[];
}

function prepareDataDir(dir: string): string {
  try {
    if (!statSync(dir).isDirectory()) throw new CrashTestError('BadDataDir', `--dir ${dir} is not a directory`);
  } catch (error) {
    if (error instanceof CrashTestError) throw error;
    mkdirSync(dir, { recursive: true });
  }
  return realpathSync(dir);
}

/** A workload run once under strace: enough to check it under any number of knob settings. */
export interface CapturedRun {
  readonly dataDir: string;
  /** Where crash-test keeps everything it writes for this run (snapshot, trace, state directories). */
  readonly workDir: string;
  /** The snapshot of --dir taken before the trace, read on demand. */
  readonly snapshotDir: string;
  readonly initial: InitialImage;
  readonly capture: Capture;
  /** Trace lines crash-test could not read: how many, and the first of them. */
  readonly parsed: { readonly unparsed: readonly { readonly line: number; readonly text: string }[]; readonly unparsedCount: number };
  /** The op log (the same under every knob setting: historyOf gives it its knobs). */
  readonly history: SyscallHistory;
  /** Removes the work directory; the run cannot be checked afterwards. */
  dispose(): void;
}

export interface CaptureRunOptions {
  /** A shell command run before the trace to fill --dir. */
  readonly init?: string;
  readonly onEvent?: (event: CrashTestEvent) => void;
  /** Keep the trace file in the work directory (Capture.tracePath). */
  readonly keepTrace?: boolean;
}

export async function captureRun(dir: string, workload: string, options: CaptureRunOptions = {}): Promise<CapturedRun> {
  const dataDir = prepareDataDir(dir);
  if (straceVersion() === null) throw new CrashTestError('StraceMissing', 'strace is not installed: install it (apt-get install -y strace) to run crash-test');
  const workDir = mkdtempSync(join(tmpdir(), 'walref-crash-test-'));
  const dispose = (): void => rmSync(workDir, { recursive: true, force: true });
  try {
    // A checker may run as another user (PostgreSQL refuses root): it must reach its state
    // directory, never list the work directory.
    chmodSync(workDir, 0o711);
    if (options.init !== undefined) await runInit(options.init);
    const snapshotDir = join(workDir, 'initial');
    snapshotDataDir(dataDir, snapshotDir);
    const initial = readInitialImage(snapshotDir);
    const captureDir = join(workDir, 'capture');
    mkdirSync(captureDir);
    const { stdoutPath, cwd } = capturePaths(captureDir);
    const builder = new SyscallHistoryBuilder({ dataDir, stdoutPath, cwd, knobs: DEFAULT_KNOBS, initial });
    const parser = new TraceParser({ stdoutPath }, (call) => {
      builder.add(call);
      options.onEvent?.({ phase: 'capture', calls: builder.counts.calls, ops: builder.counts.ops });
    });
    const capture = await captureWorkload(workload, captureDir, { onLine: (line) => parser.line(line), ...(options.keepTrace === true ? { keepTrace: true } : {}) });
    parser.finish();
    const parsed = { unparsed: parser.unparsed, unparsedCount: parser.unparsedCount };
    return { dataDir, workDir, snapshotDir, initial, capture, parsed, history: builder.finish(), dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}

/** The op log of a captured run under the given knobs. */
export function historyOf(run: CapturedRun, knobs: SimKnobs): SyscallHistory {
  return { ...run.history, knobs };
}

export async function crashTest(options: CrashTestOptions): Promise<CrashTestResult> {
  const run = await captureRun(options.dir, options.workload, {
    ...(options.init === undefined ? {} : { init: options.init }),
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
  });
  try {
    return await checkCaptured(run, options);
  } finally {
    run.dispose();
  }
}

let statesDirs = 0;

/** Enumerates and checks the crash states of a captured run (options.dir and .workload unused). */
export async function checkCaptured(run: CapturedRun, options: Omit<CrashTestOptions, 'dir' | 'workload'>): Promise<CrashTestResult> {
  const history = historyOf(run, options.knobs);
  // Crash points: the initial image (op 0) and after every call that changed something.
  const plan = planCrashStream(options.knobs, history.ops, options.maxStates, options.seed, {
    onSized: (crashPoints, spaceTotal) => options.onEvent?.({ phase: 'plan', crashPoints, spaceTotal }),
  });
  const statesDir = join(run.workDir, `states-${statesDirs++}`);
  mkdirSync(statesDir, { mode: 0o711 });
  try {
    const started = performance.now();
    const counts: JobCounts = { drawn: 0, jobs: 0 };
    const checked = await poolStream(jobsOf(plan.points(), history, counts), options.jobs ?? availableParallelism(), async (job, index) => {
      const result = await checkJob(job, index, statesDir, run.snapshotDir, options);
      options.onProgress?.(index + 1, plan.budgetTotal);
      options.onEvent?.({ phase: 'check', done: counts.drawn, total: plan.budgetTotal, checked: counts.jobs });
      return result;
    });
    const checkMs = performance.now() - started;
    const violations = groupViolations(checked);
    return {
      crashPoints: plan.pointCount,
      crashStates: checked.length,
      exhaustive: plan.exhaustive,
      spaceTotal: plan.spaceTotal,
      violations,
      violationCount: checked.filter((s) => !s.ok).length,
      unmodelled: history.unmodelled,
      notes: history.notes,
      unparsedLines: run.parsed.unparsedCount,
      history,
      acks: history.acks.length,
      statesPerSecond: checked.length / Math.max(checkMs / 1000, 1e-3),
      captureMs: run.capture.durationMs,
      checkMs,
      states: checked,
    };
  } finally {
    rmSync(statesDir, { recursive: true, force: true });
  }
}

/** Materialises one state under `statesDir` and runs the program's checker on it (or reuses a verdict). */
async function checkJob(job: CheckJob, index: number, statesDir: string, snapshotDir: string, options: Omit<CrashTestOptions, 'dir' | 'workload'>): Promise<CheckedState> {
  const verdictKey = `${job.state.key}|${job.ids.join(' ')}`;
  let outcome = options.verdicts?.get(verdictKey);
  if (outcome === undefined) {
    const stateDir = join(statesDir, String(index));
    try {
      materialise(job.state, stateDir, snapshotDir);
      const raw = await runCheck(options.check, stateDir, job.ids, options.timeoutMs);
      // The state directory differs for every state: a reason naming it would never group.
      outcome = { ...raw, reason: raw.reason.split(stateDir).join('<state dir>') };
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
    options.verdicts?.set(verdictKey, outcome);
  }
  const { afterOp, ids, description, weight } = job;
  return { afterOp, key: job.state.key, ids, description, weight, ok: outcome.ok, reason: outcome.reason, state: options.keepStates === true ? job.state : null };
}

/** The failed checks grouped by the checker's reason, most frequent first, each with its simplest example. */
function groupViolations(checked: readonly CheckedState[]): ViolationGroup[] {
  const groups = new Map<string, CheckedState[]>();
  for (const state of checked) {
    if (state.ok) continue;
    const reason = state.reason === '' ? 'the check failed without output' : state.reason;
    const group = groups.get(reason) ?? [];
    group.push(state);
    groups.set(reason, group);
  }
  const violations = [...groups].map(([reason, states]): ViolationGroup => {
    const simplest = [...states].sort((a, b) => a.weight - b.weight || a.afterOp - b.afterOp)[0] as CheckedState;
    return { reason, count: states.length, example: simplest.description, exampleIds: simplest.ids };
  });
  return violations.sort((a, b) => b.count - a.count);
}
