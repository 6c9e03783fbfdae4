// `walref crash-test`, end to end, as three modules with data between them:
//   capture (capture.ts: strace → lines, read while the workload runs; strace-parse.ts: lines →
//     calls; syscall-history.ts: calls → op log), after a snapshot of --dir (disk.ts);
//     capture-file.ts / capture-store.ts keep a capture in a file and read it back
//   enumeration (crash-sim: crash-points.ts plans the crash states of that op log as a stream,
//     with the one fault model and the one enumerator walref uses on itself; shard.ts picks a
//     share of them)
//   checking (check-stream.ts takes the states as they are planned; disk.ts materialises each in a
//     directory of state-dirs.ts from the snapshot; checker.ts asks the program's own checker, a
//     command, a function or worker threads, with the ids acknowledged before that crash point).
// Everything crash-test writes for a run lives in one scratch directory (scratch.ts: the snapshot,
// the trace, the state directories), removed by CapturedRun.dispose(), and also on SIGINT and
// SIGTERM. Every long phase reports progress (onEvent). The result is data; report.ts makes the
// report the CLI prints and the library returns.

import { chmodSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { planCrashStream } from '../../crash-sim/crash-points.js';
import type { CrashState } from '../../crash-sim/crash-states.js';
import { DEFAULT_KNOBS, type SimKnobs } from '../../crash-sim/knobs.js';
import { capturePaths, captureWorkload, runInit, straceVersion, type Capture, type CaptureFaults } from './capture.js';
import { captureDigest, captureHeader, manifestOf } from './capture-file.js';
import type { CheckOutcome } from './check.js';
import { jobsOf, poolStream, type CheckJob, type JobCounts } from './check-stream.js';
import { commandChecker, type Checker } from './checker.js';
import type { StateSummary } from './describe.js';
import { materialise, readInitialImage, snapshotDataDir } from './disk.js';
import { CrashTestError } from './errors.js';
import type { CrashTestEvent } from './progress-event.js';
import { scratchDir, withTmpDir, type ScratchDir } from './scratch.js';
import { WHOLE_RUN, type Shard } from './shard.js';
import { StateDirs } from './state-dirs.js';
import { SyscallHistoryBuilder, type InitialImage, type SyscallHistory, type Unmodelled } from './syscall-history.js';
import { TraceParser } from './strace-parse.js';
import { groupViolations, type ViolationGroup } from './violations.js';

export type { CrashTestEvent } from './progress-event.js';
export type { ViolationGroup } from './violations.js';

/** How checkCaptured enumerates and checks the crash states of a captured run. */
export interface CheckOptions {
  /**
   * A check command (one process per state), or a Checker (checker.ts: a function in this thread,
   * or worker threads); a Checker is not closed here.
   */
  readonly check: string | Checker;
  readonly knobs: SimKnobs;
  /** Crash-space points visited at most, over all crash points (each costs one check run). */
  readonly maxStates: number;
  readonly seed: number;
  /** Per check run. */
  readonly timeoutMs: number;
  /** Checks running at once (default: the number of cores). */
  readonly jobs?: number;
  /** Check only this share of the planned states (shard.ts); default: all of them. */
  readonly shard?: Shard;
  /** Called after every check with (crash states taken from the plan, at most how many the plan holds). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Progress of the plan and check phases, as counts. */
  readonly onEvent?: (event: CrashTestEvent) => void;
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
  /** The one-line crash state, and its calls with their fates (describe.ts). */
  readonly summary: StateSummary;
  readonly ok: boolean;
  readonly reason: string;
  readonly detail?: string;
  readonly state: CrashState | null;
}

export interface CrashTestResult {
  readonly crashPoints: number;
  /** Distinct (image, acknowledged ids) pairs checked (in this shard). */
  readonly crashStates: number;
  /** Distinct (image, acknowledged ids) pairs planned, over all shards. */
  readonly plannedStates: number;
  /** Every point of every crash space was checked: the plan is exhaustive and this run is not one shard of several. */
  readonly exhaustive: boolean;
  /** The plan visits every point of every crash space (the spaces fit in maxStates). */
  readonly planExhaustive: boolean;
  readonly shard: Shard;
  readonly seed: number;
  readonly maxStates: number;
  readonly knobs: SimKnobs;
  /** The digest of the capture checked (capture-file.ts), the same for every shard of one capture. */
  readonly captureDigest: string;
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

/** Trace lines crash-test could not read: how many, and the first of them. */
export interface UnparsedLines {
  readonly unparsed: readonly { readonly line: number; readonly text: string }[];
  readonly unparsedCount: number;
}

/** A workload run once under strace (or read from a capture file): enough to check it under any number of knob settings. */
export interface CapturedRun {
  readonly dataDir: string;
  /** Where crash-test keeps everything it writes for this run (snapshot, trace, state directories). */
  readonly scratch: ScratchDir;
  /** The copy of --dir's initial contents, read on demand. */
  readonly snapshotDir: string;
  readonly initial: InitialImage;
  readonly capture: Capture;
  readonly parsed: UnparsedLines;
  /** The op log (the same under every knob setting: historyOf gives it its knobs). */
  readonly history: SyscallHistory;
  /** The workload command line, as given. */
  readonly workload: string;
  /** The digest of its capture file (capture-file.ts), written or not. */
  readonly digest: string;
  /** Removes the scratch directory; the run cannot be checked afterwards. */
  dispose(): void;
}

export interface CaptureRunOptions extends CaptureFaults {
  /** A shell command run before the trace to fill --dir (its writes are the durable initial state). */
  readonly init?: string;
  readonly onEvent?: (event: CrashTestEvent) => void;
}

/** A scratch directory a checker running as another user can pass through (PostgreSQL refuses root), never list. */
export function runScratch(): ScratchDir {
  const scratch = scratchDir();
  chmodSync(scratch.path, 0o711);
  return scratch;
}

/** Parses trace lines into the op log as they come. */
export function historyFeed(options: { dataDir: string; stdoutPath: string; cwd: string; initial: InitialImage; onEvent?: (event: CrashTestEvent) => void }): {
  readonly parser: TraceParser;
  finish(): { history: SyscallHistory; parsed: UnparsedLines };
} {
  const { dataDir, stdoutPath, cwd, initial, onEvent } = options;
  const builder = new SyscallHistoryBuilder({ dataDir, stdoutPath, cwd, knobs: DEFAULT_KNOBS, initial });
  const parser = new TraceParser({ stdoutPath }, (call) => {
    builder.add(call);
    onEvent?.({ phase: 'capture', calls: builder.counts.calls, ops: builder.counts.ops });
  });
  return {
    parser,
    finish: () => {
      parser.finish();
      return { history: builder.finish(), parsed: { unparsed: parser.unparsed, unparsedCount: parser.unparsedCount } };
    },
  };
}

export async function captureRun(dir: string, workload: string, options: CaptureRunOptions = {}): Promise<CapturedRun> {
  const dataDir = prepareDataDir(dir);
  if (straceVersion() === null) throw new CrashTestError('StraceMissing', 'strace is not installed: install it (apt-get install -y strace) to run crash-test');
  const scratch = runScratch();
  try {
    if (options.init !== undefined) await runInit(options.init);
    const snapshotDir = join(scratch.path, 'initial');
    snapshotDataDir(dataDir, snapshotDir);
    const initial = readInitialImage(snapshotDir);
    const captureDir = join(scratch.path, 'capture');
    mkdirSync(captureDir);
    const { stdoutPath, cwd } = capturePaths(captureDir);
    const feed = historyFeed({ dataDir, stdoutPath, cwd, initial, ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }) });
    // The trace is kept (in the scratch directory) for the capture's digest and --save-capture.
    const capture = await captureWorkload(withTmpDir(workload, scratch.tmp), captureDir, { onLine: (line) => feed.parser.line(line), keepTrace: true, ...(options.failFsync === undefined ? {} : { failFsync: options.failFsync }) });
    const { history, parsed } = feed.finish();
    const header = captureHeader(workload, dataDir, capture, history.acks.map((a) => a.id));
    const digest = await captureDigest(header, manifestOf(initial), { path: capture.tracePath ?? '' });
    return { dataDir, scratch, snapshotDir, initial, capture, parsed, history, workload, digest, dispose: () => scratch.remove() };
  } catch (error) {
    scratch.remove();
    throw error;
  }
}

/** The op log of a captured run under the given knobs. */
export function historyOf(run: CapturedRun, knobs: SimKnobs): SyscallHistory {
  return { ...run.history, knobs };
}

let statesDirs = 0;

/** Enumerates and checks the crash states of a captured run (or of one shard of them), as they are planned. */
export async function checkCaptured(run: CapturedRun, options: CheckOptions): Promise<CrashTestResult> {
  const history = historyOf(run, options.knobs);
  // Crash points: the initial image (op 0) and after every call that changed something.
  const plan = planCrashStream(options.knobs, history.ops, options.maxStates, options.seed, {
    onSized: (crashPoints, spaceTotal) => options.onEvent?.({ phase: 'plan', crashPoints, spaceTotal }),
  });
  const shard = options.shard ?? WHOLE_RUN;
  const statesDir = join(run.scratch.path, `states-${statesDirs++}`);
  mkdirSync(statesDir, { mode: 0o711 });
  const dirs = new StateDirs(statesDir);
  const checker = typeof options.check === 'string' ? commandChecker(options.check, run.scratch.tmp) : options.check;
  const started = performance.now();
  const counts: JobCounts = { drawn: 0, jobs: 0 };
  let checks = 0;
  const checked = await poolStream(jobsOf(plan.points(), history, counts, shard), options.jobs ?? availableParallelism(), async (job) => {
    const result = await checkJob(job, dirs, checker, run.snapshotDir, options);
    checks++;
    options.onProgress?.(counts.drawn, plan.budgetTotal);
    options.onEvent?.({ phase: 'check', done: counts.drawn, total: plan.budgetTotal, checked: checks });
    return result;
  });
  const checkMs = performance.now() - started;
  return {
    crashPoints: plan.pointCount,
    crashStates: checked.length,
    plannedStates: counts.jobs,
    exhaustive: plan.exhaustive && shard.n === 1,
    planExhaustive: plan.exhaustive,
    shard,
    seed: options.seed,
    maxStates: options.maxStates,
    knobs: options.knobs,
    captureDigest: run.digest,
    spaceTotal: plan.spaceTotal,
    violations: groupViolations(checked),
    violationCount: checked.filter((s) => !s.ok).length,
    unmodelled: history.unmodelled,
    notes: [...(run.capture.notes ?? []), ...history.notes],
    unparsedLines: run.parsed.unparsedCount,
    history,
    acks: history.acks.length,
    statesPerSecond: checked.length / Math.max(checkMs / 1000, 1e-3),
    captureMs: run.capture.durationMs,
    checkMs,
    states: checked,
  };
}

/** Materialises one state in a directory of `dirs` and asks the checker about it (or reuses a verdict). */
async function checkJob(job: CheckJob, dirs: StateDirs, checker: Checker, snapshotDir: string, options: CheckOptions): Promise<CheckedState> {
  const verdictKey = `${job.state.key}|${job.ids.join(' ')}`;
  let outcome = options.verdicts?.get(verdictKey);
  if (outcome === undefined) {
    const stateDir = dirs.take();
    let reusable = true;
    try {
      materialise(job.state, stateDir, snapshotDir);
      const raw = await checker.check(stateDir, job.ids, options.timeoutMs);
      // A function that timed out may still be running on it (a command's process group is dead).
      reusable = !raw.timedOut || typeof options.check === 'string';
      // The state directory differs for every state: a reason naming it would never group.
      outcome = { ...raw, reason: raw.reason.split(stateDir).join('<state dir>') };
    } finally {
      dirs.give(stateDir, reusable);
    }
    options.verdicts?.set(verdictKey, outcome);
  }
  const detail = outcome.detail === undefined || outcome.ok ? {} : { detail: outcome.detail };
  return { afterOp: job.afterOp, key: job.state.key, ids: job.ids, summary: job.summary, ok: outcome.ok, reason: outcome.reason, ...detail, state: options.keepStates === true ? job.state : null };
}
