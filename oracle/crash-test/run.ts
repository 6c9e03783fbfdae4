// `walref crash-test`, end to end, as three modules with data between them:
//   capture (capture.ts: strace → text; strace-parse.ts: text → calls; syscall-history.ts: calls →
//     op log; capture-file.ts / capture-store.ts keep a capture in a file and read it back)
//   enumeration (crash-sim: crash-points.ts plans the crash states of that op log, with the one
//     fault model and the one enumerator walref uses on itself; shard.ts picks a share of them)
//   checking (disk.ts materialises each state in a directory of state-dirs.ts; checker.ts asks
//     the program's own checker, a command, a function or worker threads, with the ids
//     acknowledged before that crash point; describe.ts names the state in one line).
// Working directories are scratch.ts's: removed at the end, also on SIGINT and SIGTERM.
// The result is data; report.ts makes the report the CLI prints and the library returns.

import { mkdirSync, realpathSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { crashPointsOf, planCrashStates, type CrashPlan } from '../../crash-sim/crash-points.js';
import type { CrashState } from '../../crash-sim/crash-states.js';
import type { SimKnobs } from '../../crash-sim/knobs.js';
import { captureWorkload, type Capture, type CaptureFaults } from './capture.js';
import { captureDigest, captureHeader, manifestOf } from './capture-file.js';
import { pool, type CheckOutcome } from './check.js';
import { commandChecker, type Checker } from './checker.js';
import { describeCrashState, type StateSummary } from './describe.js';
import { materialise, readInitialImage } from './disk.js';
import { CrashTestError } from './errors.js';
import { scratchDir, withScratchDir, withTmpDir } from './scratch.js';
import { selectShard, WHOLE_RUN, type Shard } from './shard.js';
import { StateDirs } from './state-dirs.js';
import { buildSyscallHistory, type InitialImage, type SyscallHistory, type Unmodelled } from './syscall-history.js';
import { parseTrace, type ParsedTrace } from './strace-parse.js';
import { groupViolations, type ViolationGroup } from './violations.js';

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
  /** Called after every check with (done, total). */
  readonly onProgress?: (done: number, total: number) => void;
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

export type { ViolationGroup } from './violations.js';

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

interface Job {
  readonly afterOp: number;
  readonly state: CrashState;
  readonly ids: readonly string[];
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
  readonly initial: InitialImage;
  readonly capture: Capture;
  readonly parsed: ParsedTrace;
  /** The workload command line, as given. */
  readonly workload: string;
  /** The digest of its capture file (capture-file.ts), written or not. */
  readonly digest: string;
}

export async function captureRun(dir: string, workload: string, faults: CaptureFaults = {}): Promise<CapturedRun> {
  const dataDir = prepareDataDir(dir);
  const initial = readInitialImage(dataDir);
  return withScratchDir(async (scratch) => {
    const capture = await captureWorkload(withTmpDir(workload, scratch.tmp), scratch.path, faults);
    const parsed = parseTrace(capture.trace, { stdoutPath: capture.stdoutPath });
    const header = captureHeader(workload, dataDir, capture, ackLines(capture.stdout));
    return { dataDir, initial, capture, parsed, workload, digest: captureDigest(header, manifestOf(initial), capture.trace) };
  });
}

/** The ids of the `ACK <id>` lines of a workload's standard output, in order. */
export function ackLines(stdout: string): string[] {
  return stdout.split('\n').flatMap((line) => /^ACK\s+(\S+)\s*$/.exec(line)?.[1] ?? []);
}

/** The op log of a captured run under the given knobs. */
export function historyOf(run: CapturedRun, knobs: SimKnobs): SyscallHistory {
  return buildSyscallHistory(run.parsed.calls, { dataDir: run.dataDir, stdoutPath: run.capture.stdoutPath, cwd: run.capture.cwd, knobs, initial: run.initial });
}

/** Enumerates and checks the crash states of a captured run (or of one shard of them). */
export async function checkCaptured(run: CapturedRun, options: CheckOptions): Promise<CrashTestResult> {
  const history = historyOf(run, options.knobs);
  // Crash points: the initial image (op 0) and after every call that changed something.
  const plan = planCrashStates(crashPointsOf(options.knobs, history.ops), options.maxStates, options.seed);
  const planned = jobsOf(plan, history);
  const shard = options.shard ?? WHOLE_RUN;
  const jobs = selectShard(planned, shard);
  const scratch = scratchDir();
  const checker = typeof options.check === 'string' ? commandChecker(options.check, scratch.tmp) : options.check;
  try {
    const started = performance.now();
    const checked = await checkJobs(jobs, join(scratch.path, 'states'), checker, history.calls, options);
    const checkMs = performance.now() - started;
    const violations = groupViolations(checked);
    return {
      crashPoints: plan.points.length,
      crashStates: jobs.length,
      plannedStates: planned.length,
      exhaustive: plan.exhaustive && shard.n === 1,
      planExhaustive: plan.exhaustive,
      shard,
      seed: options.seed,
      maxStates: options.maxStates,
      knobs: options.knobs,
      captureDigest: run.digest,
      spaceTotal: plan.spaceTotal,
      violations,
      violationCount: checked.filter((s) => !s.ok).length,
      unmodelled: history.unmodelled,
      notes: [...(run.capture.notes ?? []), ...history.notes],
      unparsedLines: run.parsed.unparsed.length,
      history,
      acks: history.acks.length,
      statesPerSecond: jobs.length / Math.max(checkMs / 1000, 1e-3),
      captureMs: run.capture.durationMs,
      checkMs,
      states: checked,
    };
  } finally {
    scratch.remove();
  }
}

/** One check to run per distinct (image, acknowledged ids) pair, in the plan's order (shards split this list). */
function jobsOf(plan: CrashPlan, history: SyscallHistory): Job[] {
  const jobs: Job[] = [];
  const seen = new Set<string>();
  for (const planned of plan.points) {
    const { afterOp, contextEndOp } = planned.point;
    const ids = history.acks.filter((a) => a.opIndex <= contextEndOp).map((a) => a.id);
    for (const state of planned.states()) {
      const key = `${state.key}|${ids.length}`;
      if (seen.has(key)) continue;
      seen.add(key);
      jobs.push({ afterOp, state, ids });
    }
  }
  return jobs;
}

/** Materialises each state under `statesDir` and asks the checker about it, `options.jobs` at once. */
async function checkJobs(jobs: readonly Job[], statesDir: string, checker: Checker, calls: readonly string[], options: CheckOptions): Promise<CheckedState[]> {
  let done = 0;
  const dirs = new StateDirs(statesDir);
  return pool(jobs, options.jobs ?? availableParallelism(), async (job): Promise<CheckedState> => {
    const verdictKey = `${job.state.key}|${job.ids.join(' ')}`;
    let outcome = options.verdicts?.get(verdictKey);
    if (outcome === undefined) {
      const stateDir = dirs.take();
      materialise(job.state, stateDir);
      const raw = await checker.check(stateDir, job.ids, options.timeoutMs);
      // The state directory differs for every state: a reason naming it would never group.
      outcome = { ...raw, reason: raw.reason.split(stateDir).join('<state dir>') };
      // A function that timed out may still be running on it (a command's process group is dead).
      dirs.give(stateDir, !raw.timedOut || typeof options.check === 'string');
      options.verdicts?.set(verdictKey, outcome);
    }
    done++;
    options.onProgress?.(done, jobs.length);
    const summary = describeCrashState(job.state, calls, job.afterOp);
    const detail = outcome.detail === undefined || outcome.ok ? {} : { detail: outcome.detail };
    return { afterOp: job.afterOp, key: job.state.key, ids: job.ids, summary, ok: outcome.ok, reason: outcome.reason, ...detail, state: options.keepStates === true ? job.state : null };
  });
}
