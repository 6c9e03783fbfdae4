// `walref crash-test --dir <data dir> --workload '<cmd>' --check '<cmd>' [knobs] [--max-states N]
//  [--seed S] [--timeout-ms T] [--jobs J] [--json] [--html report.html]`: the CLI glue of
// oracle/crash-test (docs/oracle.md). Arguments are checked here with zod; everything else is in
// oracle/crash-test/run.ts. Exit 0: no violation; 1: violations; 2: bad arguments or a workload,
// strace or directory problem (one line naming it).

import { parseArgs } from 'node:util';
import { z } from 'zod';
import { describeArgumentIssue } from './args.js';
import { describeKnobs, resolveKnobs, type SimKnobs } from '../crash-sim/knobs.js';
import { writeCrashTestReport } from './crash-test-report.js';
import { CrashTestError } from '../oracle/crash-test/errors.js';
import { crashTest, type CrashTestResult } from '../oracle/crash-test/run.js';
import { ExitCode, type CliIo } from './io.js';
import { progressBar } from './progress.js';

export const CRASH_TEST_USAGE = `usage: walref crash-test --dir <data dir> --workload '<command>' --check '<command>'
         [--sector-bytes N] [--ordered | --unordered] [--safe-append | --unsafe-append]
         [--dir-sync | --no-dir-sync] [--mkdir-sync | --no-mkdir-sync]
         [--max-states N] [--seed S] [--timeout-ms T] [--jobs J] [--json] [--html report.html]

Runs the workload (a shell command line) under strace, turns its file-system calls under --dir
into a crash-sim history, enumerates the crash states the fault model allows after every call
(exhaustively up to --max-states, default 1000, sampled by --seed beyond), writes each into a fresh
directory and runs '<check> <state dir> <acked id>...' on it (timeout --timeout-ms, default 30000;
--jobs checks at once, default one per core). The workload acknowledges durable operations by
printing 'ACK <id>' lines on its standard output. Exit code 1 on any violation.
Knob defaults: ordered, safe append, dirSync, no mkdirSync, 512-byte sectors. See docs/oracle.md.
`;

const positiveInt = z
  .string()
  .regex(/^\d+$/, 'must be a positive integer')
  .transform(Number)
  .refine((n) => Number.isSafeInteger(n) && n > 0, 'must be a positive integer');

const argsSchema = z.object({
  dir: z.string({ error: 'is required' }).min(1, 'must not be empty'),
  workload: z.string({ error: 'is required' }).min(1, 'must not be empty'),
  check: z.string({ error: 'is required' }).min(1, 'must not be empty'),
  sectorBytes: positiveInt,
  maxStates: positiveInt,
  seed: z
    .string()
    .regex(/^\d+$/, 'must be a non-negative integer')
    .transform(Number)
    .refine((n) => Number.isSafeInteger(n), 'must be at most 2^53 - 1'),
  timeoutMs: positiveInt,
  jobs: positiveInt.optional(),
  json: z.boolean(),
  html: z.string().min(1, 'must name a file').optional(),
});

/** A pair of opposite flags: --x on, --no-x (or the named opposite) off, default otherwise. */
function pair(values: Record<string, unknown>, on: string, off: string, fallback: boolean): boolean {
  if (values[on] === true && values[off] === true) throw new Error(`--${on} and --${off} contradict each other`);
  return values[on] === true ? true : values[off] === true ? false : fallback;
}

/** Modelled calls: the op log without its initial image and the acknowledgement marks. */
function callCount(result: CrashTestResult): number {
  return result.history.ops.filter((op) => op.kind !== 'mark' && op.kind !== 'crash').length;
}

/** "1 group", "3 groups": the summary is read by people, so it counts in words that agree. */
function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function summary(result: CrashTestResult, knobs: string): string {
  const lines = [
    `walref crash-test`,
    `knobs: ${knobs}`,
    `workload: ${countOf(callCount(result), 'file-system call')} under --dir, ${countOf(result.acks, 'acknowledgement')}, ${countOf(result.crashPoints, 'crash point')}`,
    `crash states: ${result.crashStates} checked, ${result.exhaustive ? 'exhaustive' : 'sampled'} (${result.spaceTotal} points in all crash spaces)`,
    `speed: ${result.statesPerSecond.toFixed(1)} crash states/s (capture ${(result.captureMs / 1000).toFixed(2)} s, checks ${(result.checkMs / 1000).toFixed(2)} s)`,
  ];
  for (const note of result.notes) lines.push(`note: ${note}`);
  if (result.unparsedLines > 0) lines.push(`note: ${result.unparsedLines} strace lines could not be read`);
  for (const u of result.unmodelled) lines.push(`unmodelled: ${u.reason} (trace line ${u.line}: ${u.call})`);
  if (result.violations.length === 0) lines.push('violations: none');
  else {
    lines.push(`violations: ${countOf(result.violationCount, 'crash state')} in ${countOf(result.violations.length, 'group')}`);
    for (const v of result.violations) {
      lines.push(`  ${v.count} × ${v.reason}`);
      lines.push(`    e.g. ${v.example} → ${v.reason}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function jsonSummary(result: CrashTestResult): string {
  return `${JSON.stringify({
    crashPoints: result.crashPoints,
    crashStates: result.crashStates,
    exhaustive: result.exhaustive,
    violations: result.violations.map((v) => ({ reason: v.reason, count: v.count, example: v.example, ids: v.exampleIds })),
    violationCount: result.violationCount,
    calls: callCount(result),
    acks: result.acks,
    statesPerSecond: Math.round(result.statesPerSecond * 10) / 10,
    unmodelled: result.unmodelled,
    notes: result.notes,
  })}\n`;
}

type CrashTestArgs = z.infer<typeof argsSchema> & { readonly knobs: SimKnobs };

/** The arguments and the knobs they set, or the exit code when there is nothing to run (--help, or a usage error already reported). */
function parseCrashTestArgs(argv: string[], io: CliIo): CrashTestArgs | number {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        dir: { type: 'string' },
        workload: { type: 'string' },
        check: { type: 'string' },
        'sector-bytes': { type: 'string' },
        ordered: { type: 'boolean' },
        unordered: { type: 'boolean' },
        'safe-append': { type: 'boolean' },
        'unsafe-append': { type: 'boolean' },
        'dir-sync': { type: 'boolean' },
        'no-dir-sync': { type: 'boolean' },
        'mkdir-sync': { type: 'boolean' },
        'no-mkdir-sync': { type: 'boolean' },
        'max-states': { type: 'string' },
        seed: { type: 'string' },
        'timeout-ms': { type: 'string' },
        jobs: { type: 'string' },
        json: { type: 'boolean' },
        html: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help === true) {
      io.stdout(CRASH_TEST_USAGE);
      return ExitCode.Ok;
    }
    if (positionals.length > 0) throw new Error(`unexpected argument "${positionals[0] ?? ''}"`);
    const result = argsSchema.safeParse({
      dir: values.dir,
      workload: values.workload,
      check: values.check,
      sectorBytes: values['sector-bytes'] ?? '512',
      maxStates: values['max-states'] ?? '1000',
      seed: values.seed ?? '1',
      timeoutMs: values['timeout-ms'] ?? '30000',
      ...(values.jobs === undefined ? {} : { jobs: values.jobs }),
      json: values.json === true,
      ...(values.html === undefined ? {} : { html: values.html }),
    });
    if (!result.success) throw new Error(describeArgumentIssue(result.error, []));
    const parsed = result.data;
    const knobs = resolveKnobs({
      sectorBytes: parsed.sectorBytes,
      ordered: !pair(values, 'unordered', 'ordered', false),
      safeAppend: !pair(values, 'unsafe-append', 'safe-append', false),
      dirSync: pair(values, 'dir-sync', 'no-dir-sync', true),
      mkdirSync: pair(values, 'mkdir-sync', 'no-mkdir-sync', false),
    });
    return { ...parsed, knobs };
  } catch (error) {
    io.stderr(`walref crash-test: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n${CRASH_TEST_USAGE}`);
    return ExitCode.UsageOrIo;
  }
}

export async function runCrashTest(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCrashTestArgs(argv, io);
  if (typeof parsed === 'number') return parsed;
  const { knobs } = parsed;
  const tty = process.stderr.isTTY === true && !parsed.json;
  let result: CrashTestResult;
  try {
    result = await crashTest({
      dir: parsed.dir,
      workload: parsed.workload,
      check: parsed.check,
      knobs,
      maxStates: parsed.maxStates,
      seed: parsed.seed,
      timeoutMs: parsed.timeoutMs,
      ...(parsed.jobs === undefined ? {} : { jobs: parsed.jobs }),
      keepStates: parsed.html !== undefined,
      ...(tty ? { onProgress: (done: number, total: number) => io.stderr(`\r${progressBar(done, total, 'crash states checked')}${done === total ? '\n' : ''}`) } : {}),
    });
  } catch (error) {
    if (error instanceof CrashTestError) {
      io.stderr(`walref crash-test: ${error.code}: ${error.message}\n`);
      return ExitCode.UsageOrIo;
    }
    throw error;
  }
  io.stdout(parsed.json ? jsonSummary(result) : summary(result, describeKnobs(knobs)));
  if (parsed.html !== undefined) {
    try {
      writeCrashTestReport(parsed.html, result, { title: `walref crash-test: ${parsed.workload}`, knobs: describeKnobs(knobs) });
    } catch (error) {
      io.stderr(`walref crash-test: cannot write ${parsed.html}: ${error instanceof Error ? error.message : String(error)}\n`);
      return ExitCode.UsageOrIo;
    }
  }
  return result.violationCount === 0 ? ExitCode.Ok : ExitCode.LogProblem;
}
