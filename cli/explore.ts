// `walref explore <workload.json> [--json] [--max-states N] [--seed S] [--crash-points every-op|end]
//  [--html report.html]`: runs a workload (docs/workload.md) through the real WAL on crash-sim's
// simulated file system, explores its crash states and checks each recovery with the oracle.
// Exit code 0 when no property is violated, 1 on any violation, 2 on a bad workload or argument.
//
// --html hands the result to html-report.ts's renderHtmlReport, loaded only when asked for.

import { parseArgs } from 'node:util';
import { z } from 'zod';
import { describeArgumentIssue } from './args.js';
import { exploreWorkload, type ExploreResult } from '../oracle/explore/explore.js';
import { describeKnobs } from '../crash-sim/knobs.js';
import { formatViolation } from '../oracle/explore/recovery-oracle.js';
import { parseWorkloadText, type Workload } from '../oracle/explore/workload.js';
import { writeTextFile } from '../src/fs/host-files.js';
import { nodeFileSystem } from '../src/fs/node-fs.js';
import { openWal } from '../src/open-wal.js';
import { ExitCode, type CliIo } from './io.js';
import { spaceTotalText } from './format-space.js';

export const EXPLORE_USAGE = `usage: walref explore <workload.json> [--json] [--max-states N] [--seed S]
                      [--crash-points every-op|end] [--html report.html]

Runs the workload through the real WAL on a simulated file system, crashes it after every
file-system operation (or only at the end), recovers every crash state the fault knobs allow
(exhaustively up to --max-states, default 20000, sampled by --seed beyond) and checks PrefixInv,
DurabilityInv, AtomicityInv, NoReuseInv, IdempotenceInv and ExactnessInv (spec/Wal.tla's names).
Exit code 1 on any violation.
The workload format is documented in docs/workload.md.
`;

const countSchema = z
  .string()
  .regex(/^\d+$/, 'must be a positive integer')
  .transform(Number)
  .refine((n) => Number.isSafeInteger(n) && n > 0, 'must be a positive integer');

const argsSchema = z.object({
  workload: z.string({ error: 'is required: the workload file to explore' }).min(1, 'must not be empty'),
  json: z.boolean(),
  maxStates: countSchema,
  seed: z
    .string()
    .regex(/^\d+$/, 'must be a non-negative integer')
    .transform(Number)
    .refine((n) => Number.isSafeInteger(n), 'must be at most 2^53 - 1'),
  crashPoints: z.enum(['every-op', 'end']),
  html: z.string().min(1).optional(),
});

function summary(path: string, result: ExploreResult): string {
  const lines = [
    `walref explore ${path}`,
    `knobs: ${describeKnobs(result.knobs)}`,
    `workload: ${result.steps.length} steps, ${result.operations} file-system operations, ${result.crashPoints} crash points`,
    `crash states: ${result.crashStates} distinct, ${result.exhaustive ? 'exhaustive' : 'sampled'} (${spaceTotalText(result.spaceTotal)} points in all crash spaces)`,
    `recovered prefixes: ${result.distinctRecoveredPrefixes} distinct`,
    `speed: ${Math.round(result.statesPerSecond)} crash states/s (${(result.durationMs / 1000).toFixed(2)} s)`,
  ];
  const failed = result.steps.filter((s) => !s.ok);
  for (const step of failed) lines.push(`step #${step.index} ${step.description} failed: ${step.error ?? '?'}`);
  if (result.violationCount === 0) lines.push('violations: none');
  else {
    lines.push(`violations: ${result.violationCount} (the simplest ${result.violations.length} below)`);
    for (const v of result.violations) lines.push(formatViolation(v));
  }
  return lines.join('\n') + '\n';
}

function jsonSummary(result: ExploreResult): string {
  return (
    JSON.stringify({
      crashStates: result.crashStates,
      exhaustive: result.exhaustive,
      violations: result.violations.map(({ property, crashAfterOp, message, counterexample }) => ({ property, crashAfterOp, message, counterexample })),
      violationCount: result.violationCount,
      distinctRecoveredPrefixes: result.distinctRecoveredPrefixes,
      statesPerSecond: Math.round(result.statesPerSecond),
      durationMs: Math.round(result.durationMs),
      crashPoints: result.crashPoints,
      spaceTotal: result.spaceTotal,
      operations: result.operations,
      knobs: result.knobs,
      steps: result.steps.map(({ index, description, ok, error }) => ({ index, description, ok, error })),
    }) + '\n'
  );
}


type ExploreArgs = z.infer<typeof argsSchema>;

/** The arguments, or the exit code when there is nothing to explore (--help, or a usage error already reported). */
function parseExploreArgs(argv: string[], io: CliIo): ExploreArgs | number {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        'max-states': { type: 'string' },
        seed: { type: 'string' },
        'crash-points': { type: 'string' },
        html: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help === true) {
      io.stdout(EXPLORE_USAGE);
      return ExitCode.Ok;
    }
    if (positionals.length > 1) throw new Error(`unexpected argument "${positionals[1] ?? ''}"`);
    const result = argsSchema.safeParse({
      workload: positionals[0],
      json: values.json === true,
      maxStates: values['max-states'] ?? '20000',
      seed: values.seed ?? '1',
      crashPoints: values['crash-points'] ?? 'every-op',
      ...(values.html === undefined ? {} : { html: values.html }),
    });
    if (!result.success) throw new Error(describeArgumentIssue(result.error, ['workload']));
    return result.data;
  } catch (error) {
    io.stderr(`walref explore: ${error instanceof Error ? error.message : String(error)}\n${EXPLORE_USAGE}`);
    return ExitCode.UsageOrIo;
  }
}

/** The workload file, read and validated, or the exit code after reporting why it cannot be. */
function readWorkload(path: string, io: CliIo): Workload | number {
  let text: string;
  try {
    text = new TextDecoder().decode(nodeFileSystem.readFile(path));
  } catch (error) {
    io.stderr(`walref explore: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.UsageOrIo;
  }
  const workload = parseWorkloadText(text);
  if (!workload.ok) {
    io.stderr(`walref explore: ${path}: ${workload.error}\n`);
    return ExitCode.UsageOrIo;
  }
  return workload.workload;
}

export async function runExplore(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseExploreArgs(argv, io);
  if (typeof parsed === 'number') return parsed;
  const workload = readWorkload(parsed.workload, io);
  if (typeof workload === 'number') return workload;
  let result: ExploreResult;
  try {
    result = await exploreWorkload(workload, {
      openWal,
      maxStates: parsed.maxStates,
      seed: parsed.seed,
      crashPoints: parsed.crashPoints,
      // The report lists every crash state with its bytes (html-report.ts REPORT_ALL_DETAILS).
      details: parsed.html === undefined ? 0 : Number.MAX_SAFE_INTEGER,
    });
  } catch (error) {
    // The workload could not even start (openWal failed on an empty directory): a WAL problem.
    io.stderr(`walref explore: ${parsed.workload}: the workload could not run: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.LogProblem;
  }
  io.stdout(parsed.json ? jsonSummary(result) : summary(parsed.workload, result));
  if (parsed.html !== undefined) {
    const { renderHtmlReport } = await import('./html-report.js');
    try {
      writeTextFile(parsed.html, renderHtmlReport(result, workload));
    } catch (error) {
      io.stderr(`walref explore: cannot write ${parsed.html}: ${error instanceof Error ? error.message : String(error)}\n`);
      return ExitCode.UsageOrIo;
    }
  }
  return result.violationCount === 0 ? ExitCode.Ok : ExitCode.LogProblem;
}
