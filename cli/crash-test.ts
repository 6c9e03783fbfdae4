// `walref crash-test ...` and `walref crash-test merge ...`: the CLI glue of oracle/crash-test
// (docs/oracle.md). Arguments are checked in crash-test-args.ts; outputs are drawn from the report
// in crash-test-format.ts; everything else is in oracle/crash-test/. Exit 0: no violation; 1:
// violations; 2: bad arguments or a workload, strace, directory, capture or shard problem (one
// line naming it).

import { describeKnobs } from '../crash-sim/knobs.js';
import { obtainRun } from '../oracle/crash-test/capture-store.js';
import { CrashTestError } from '../oracle/crash-test/errors.js';
import { reportOf } from '../oracle/crash-test/report.js';
import { checkCaptured, type CrashTestEvent, type CrashTestResult } from '../oracle/crash-test/run.js';
import { CRASH_TEST_USAGE, parseCrashTestArgs, type CrashTestArgs } from './crash-test-args.js';
import { crashTestJson, crashTestText } from './crash-test-format.js';
import { runCrashTestMerge } from './crash-test-merge.js';
import { writeCrashTestReport } from './crash-test-report.js';
import { ExitCode, type CliIo } from './io.js';
import { PhaseProgress } from './phase-progress.js';

export { CRASH_TEST_USAGE } from './crash-test-args.js';

function parsedOrExit(argv: readonly string[], io: CliIo): CrashTestArgs | number {
  try {
    const parsed = parseCrashTestArgs(argv);
    if (parsed !== 'help') return parsed;
    io.stdout(CRASH_TEST_USAGE);
    return ExitCode.Ok;
  } catch (error) {
    const message = error instanceof CrashTestError ? error.message : error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    io.stderr(`walref crash-test: ${message}\n${CRASH_TEST_USAGE}`);
    return ExitCode.UsageOrIo;
  }
}

/** The run's outputs: the report on standard output (text or --json), and the --html file. */
function output(args: CrashTestArgs, result: CrashTestResult, io: CliIo): number {
  const report = reportOf(result);
  io.stdout(args.json ? crashTestJson(report) : crashTestText(report));
  if (args.html !== undefined) {
    try {
      const workload = args.workload ?? `the workload of ${args.fromCapture ?? ''}`;
      writeCrashTestReport(args.html, result, { title: `walref crash-test: ${workload}`, knobs: describeKnobs(args.knobs) });
    } catch (error) {
      io.stderr(`walref crash-test: cannot write ${args.html}: ${error instanceof Error ? error.message : String(error)}\n`);
      return ExitCode.UsageOrIo;
    }
  }
  return result.violationCount === 0 ? ExitCode.Ok : ExitCode.LogProblem;
}

/** Captures (or loads) the run, checks it and writes its outputs while its scratch directory still holds the snapshot the states read from. */
async function run(args: CrashTestArgs, io: CliIo, progress: PhaseProgress): Promise<number> {
  const onEvent = (event: CrashTestEvent): void => progress.update(event);
  const captured = await obtainRun({
    dir: args.dir,
    ...(args.workload === undefined ? {} : { workload: args.workload }),
    ...(args.fromCapture === undefined ? {} : { fromCapture: args.fromCapture }),
    ...(args.saveCapture === undefined ? {} : { saveCapture: args.saveCapture }),
    ...(args.init === undefined ? {} : { init: args.init }),
    ...(args.failFsync === undefined ? {} : { failFsync: args.failFsync }),
    onEvent,
  });
  try {
    const result = await checkCaptured(captured, {
      check: args.check,
      knobs: args.knobs,
      maxStates: args.maxStates,
      seed: args.seed,
      timeoutMs: args.timeoutMs,
      shard: args.shard,
      ...(args.jobs === undefined ? {} : { jobs: args.jobs }),
      keepStates: args.html !== undefined,
      onEvent,
    });
    progress.end();
    return output(args, result, io);
  } finally {
    captured.dispose();
  }
}

export async function runCrashTest(argv: string[], io: CliIo): Promise<number> {
  if (argv[0] === 'merge') return runCrashTestMerge(argv.slice(1), io);
  const args = parsedOrExit(argv, io);
  if (typeof args === 'number') return args;
  const progress = new PhaseProgress({ write: io.stderr, tty: process.stderr.isTTY === true, now: () => performance.now() }, { quiet: args.quiet });
  try {
    return await run(args, io, progress);
  } catch (error) {
    progress.end();
    if (error instanceof CrashTestError) {
      io.stderr(`walref crash-test: ${error.code}: ${error.message}\n`);
      return ExitCode.UsageOrIo;
    }
    throw error;
  }
}
