// `walref crash-test`, end to end, as three modules with data between them:
//   capture (capture.ts: strace → text; strace-parse.ts: text → calls; syscall-history.ts: calls → op log)
//   enumeration (crash-sim: crash-points.ts plans the crash states of that op log, with the one
//     fault model and the one enumerator walref uses on itself)
//   checking (disk.ts materialises each state in a fresh directory; check.ts runs the program's
//     own checker on it with the ids acknowledged before that crash point).
// The result is data; cli/crash-test.ts prints it (text, --json, --html).

import { mkdirSync, mkdtempSync, realpathSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { crashPointsOf, planCrashStates, type CrashPlan } from '../../crash-sim/crash-points.js';
import type { CrashState } from '../../crash-sim/crash-states.js';
import type { SimKnobs } from '../../crash-sim/knobs.js';
import { captureWorkload, type Capture } from './capture.js';
import { pool, runCheck, type CheckOutcome } from './check.js';
import { describeCrashState } from './describe.js';
import { materialise, readInitialImage } from './disk.js';
import { CrashTestError } from './errors.js';
import { buildSyscallHistory, type InitialImage, type SyscallHistory, type Unmodelled } from './syscall-history.js';
import { parseTrace, type ParsedTrace } from './strace-parse.js';

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

interface Job {
  readonly afterOp: number;
  readonly state: CrashState;
  readonly ids: readonly string[];
  readonly description: string;
  readonly weight: number;
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
}

export async function captureRun(dir: string, workload: string): Promise<CapturedRun> {
  const dataDir = prepareDataDir(dir);
  const initial = readInitialImage(dataDir);
  const workDir = mkdtempSync(join(tmpdir(), 'walref-crash-test-'));
  try {
    const capture = await captureWorkload(workload, workDir);
    return { dataDir, initial, capture, parsed: parseTrace(capture.trace, { stdoutPath: capture.stdoutPath }) };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** The op log of a captured run under the given knobs. */
export function historyOf(run: CapturedRun, knobs: SimKnobs): SyscallHistory {
  return buildSyscallHistory(run.parsed.calls, { dataDir: run.dataDir, stdoutPath: run.capture.stdoutPath, cwd: run.capture.cwd, knobs, initial: run.initial });
}

export async function crashTest(options: CrashTestOptions): Promise<CrashTestResult> {
  return checkCaptured(await captureRun(options.dir, options.workload), options);
}

/** Enumerates and checks the crash states of a captured run (options.dir and .workload unused). */
export async function checkCaptured(run: CapturedRun, options: Omit<CrashTestOptions, 'dir' | 'workload'>): Promise<CrashTestResult> {
  const history = historyOf(run, options.knobs);
  // Crash points: the initial image (op 0) and after every call that changed something.
  const plan = planCrashStates(crashPointsOf(options.knobs, history.ops), options.maxStates, options.seed);
  const jobs = jobsOf(plan, history);
  const workDir = mkdtempSync(join(tmpdir(), 'walref-crash-test-'));
  try {
    const started = performance.now();
    const checked = await checkJobs(jobs, join(workDir, 'states'), options);
    const checkMs = performance.now() - started;
    const violations = groupViolations(checked);
    return {
      crashPoints: plan.points.length,
      crashStates: jobs.length,
      exhaustive: plan.exhaustive,
      spaceTotal: plan.spaceTotal,
      violations,
      violationCount: checked.filter((s) => !s.ok).length,
      unmodelled: history.unmodelled,
      notes: history.notes,
      unparsedLines: run.parsed.unparsed.length,
      history,
      acks: history.acks.length,
      statesPerSecond: jobs.length / Math.max(checkMs / 1000, 1e-3),
      captureMs: run.capture.durationMs,
      checkMs,
      states: checked,
    };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** One check to run per distinct (image, acknowledged ids) pair, with its one-line description. */
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
      const summary = describeCrashState(state, history.calls, afterOp);
      jobs.push({ afterOp, state, ids, description: summary.text, weight: summary.weight });
    }
  }
  return jobs;
}

/** Materialises each state under `statesDir` and runs the program's checker on it, over the cores. */
async function checkJobs(jobs: readonly Job[], statesDir: string, options: Omit<CrashTestOptions, 'dir' | 'workload'>): Promise<CheckedState[]> {
  let done = 0;
  mkdirSync(statesDir);
  return pool(jobs, options.jobs ?? availableParallelism(), async (job, index): Promise<CheckedState> => {
    const verdictKey = `${job.state.key}|${job.ids.join(' ')}`;
    let outcome = options.verdicts?.get(verdictKey);
    if (outcome === undefined) {
      const stateDir = join(statesDir, String(index));
      materialise(job.state, stateDir);
      const raw = await runCheck(options.check, stateDir, job.ids, options.timeoutMs);
      // The state directory differs for every state: a reason naming it would never group.
      outcome = { ...raw, reason: raw.reason.split(stateDir).join('<state dir>') };
      rmSync(stateDir, { recursive: true, force: true });
      options.verdicts?.set(verdictKey, outcome);
    }
    done++;
    options.onProgress?.(done, jobs.length);
    const { afterOp, ids, description, weight } = job;
    return { afterOp, key: job.state.key, ids, description, weight, ok: outcome.ok, reason: outcome.reason, state: options.keepStates === true ? job.state : null };
  });
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
