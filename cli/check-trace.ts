// `walref check-trace <trace.ndjson>`: the native checker of an action trace (docs/trace-format.md)
// against model/, in oracle/check-trace. Exit 0: accepted; 1: rejected, with the line and the
// property broken; 2: no such file or bad arguments.

import { parseArgs } from 'node:util';
import { z } from 'zod';
import { describeArgumentIssue } from './args.js';
import { checkTraceFile, type TraceVerdict } from '../oracle/check-trace/check-trace.js';
import { ExitCode, type CliIo } from './io.js';

export const CHECK_TRACE_USAGE = `usage: walref check-trace <trace.ndjson> [--json]

Checks an action trace (docs/trace-format.md) against walref's executable model (model/), with no
TLC needed: exit 0 when some behaviour of the model explains every line, 1 when a line breaks it
(the line number and the property are printed), 2 when the file cannot be read.
`;

const argsSchema = z.object({ file: z.string({ error: 'is required: the trace file to check' }).min(1, 'must not be empty'), json: z.boolean() });

export async function runCheckTrace(argv: string[], io: CliIo): Promise<number> {
  let parsed: z.infer<typeof argsSchema>;
  try {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
    if (values.help === true) {
      io.stdout(CHECK_TRACE_USAGE);
      return ExitCode.Ok;
    }
    if (positionals.length > 1) throw new Error(`unexpected argument "${positionals[1] ?? ''}"`);
    const result = argsSchema.safeParse({ file: positionals[0], json: values.json === true });
    if (!result.success) throw new Error(describeArgumentIssue(result.error, ['file']));
    parsed = result.data;
  } catch (error) {
    io.stderr(`walref check-trace: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n${CHECK_TRACE_USAGE}`);
    return ExitCode.UsageOrIo;
  }
  let verdict: TraceVerdict;
  try {
    verdict = await checkTraceFile(parsed.file);
  } catch (error) {
    io.stderr(`walref check-trace: cannot read ${parsed.file}: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.UsageOrIo;
  }
  if (parsed.json) io.stdout(`${JSON.stringify({ file: parsed.file, ...verdict })}\n`);
  else if (verdict.ok) io.stdout(`accepted: ${parsed.file} (${verdict.lines} lines; ${verdict.candidates} model states fit)\n`);
  else io.stdout(`rejected: ${parsed.file}:${verdict.line}: ${verdict.property}: ${verdict.message}\n`);
  return verdict.ok ? ExitCode.Ok : ExitCode.LogProblem;
}
