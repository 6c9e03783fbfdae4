// `walref check-trace <trace.ndjson>`: the native checker of an action trace (docs/trace-format.md)
// against model/, in oracle/check-trace. Exit 0: accepted; 1: rejected, with the line and the
// property broken; 2: no such file or bad arguments; 3: inconclusive (more model states fit than
// --max-candidates allows: nothing was rejected).

import { parseArgs } from 'node:util';
import { z } from 'zod';
import { describeArgumentIssue } from './args.js';
import { checkTraceFile, DEFAULT_MAX_CANDIDATES, type TraceVerdict } from '../oracle/check-trace/check-trace.js';
import { ExitCode, type CliIo } from './io.js';

export const CHECK_TRACE_USAGE = `usage: walref check-trace <trace.ndjson> [--json] [--max-candidates N]

Checks an action trace (docs/trace-format.md) against walref's executable model (model/), with no
TLC needed: exit 0 when some behaviour of the model explains every line, 1 when a line breaks it
(the line number and the property are printed), 2 when the file cannot be read, 3 when more model
states fit the trace than --max-candidates (default ${DEFAULT_MAX_CANDIDATES}) allows: inconclusive.
`;

const argsSchema = z.object({
  file: z.string({ error: 'is required: the trace file to check' }).min(1, 'must not be empty'),
  json: z.boolean(),
  maxCandidates: z
    .string()
    .regex(/^\d+$/, 'must be a positive integer')
    .transform(Number)
    .refine((n) => Number.isSafeInteger(n) && n > 0, 'must be a positive integer'),
});

export async function runCheckTrace(argv: string[], io: CliIo): Promise<number> {
  let parsed: z.infer<typeof argsSchema>;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { json: { type: 'boolean' }, 'max-candidates': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help === true) {
      io.stdout(CHECK_TRACE_USAGE);
      return ExitCode.Ok;
    }
    if (positionals.length > 1) throw new Error(`unexpected argument "${positionals[1] ?? ''}"`);
    const result = argsSchema.safeParse({ file: positionals[0], json: values.json === true, maxCandidates: values['max-candidates'] ?? String(DEFAULT_MAX_CANDIDATES) });
    if (!result.success) throw new Error(describeArgumentIssue(result.error, ['file']));
    parsed = result.data;
  } catch (error) {
    io.stderr(`walref check-trace: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n${CHECK_TRACE_USAGE}`);
    return ExitCode.UsageOrIo;
  }
  let verdict: TraceVerdict;
  try {
    verdict = await checkTraceFile(parsed.file, { maxCandidates: parsed.maxCandidates });
  } catch (error) {
    io.stderr(`walref check-trace: cannot read ${parsed.file}: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.UsageOrIo;
  }
  if (parsed.json) io.stdout(`${JSON.stringify({ file: parsed.file, ...verdict })}\n`);
  else io.stdout(`${verdictLine(parsed.file, verdict)}\n`);
  return verdict.verdict === 'accepted' ? ExitCode.Ok : verdict.verdict === 'rejected' ? ExitCode.LogProblem : ExitCode.Inconclusive;
}

function verdictLine(file: string, verdict: TraceVerdict): string {
  if (verdict.verdict === 'accepted') return `accepted: ${file} (${verdict.lines} lines; ${verdict.candidates} model states fit, at most ${verdict.peakCandidates} along the way)`;
  if (verdict.verdict === 'rejected') return `rejected: ${file}:${verdict.line}: ${verdict.property}: ${verdict.message}`;
  return `inconclusive: ${file}:${verdict.line}: ${verdict.reason}`;
}
