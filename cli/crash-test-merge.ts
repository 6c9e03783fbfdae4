// `walref crash-test merge <report.json>... [--json]`: the --json reports of a run's shards as one
// report (oracle/crash-test/merge.ts), printed as text or JSON. Exit 0: every shard is there and
// no violation; 1: violations; 2: a file that is not a report, shards of different runs
// (ShardMismatch), or shards missing (the report is printed, then one line names them).

import { parseArgs } from 'node:util';
import { CrashTestError } from '../oracle/crash-test/errors.js';
import { mergeReports, type NamedReport } from '../oracle/crash-test/merge.js';
import { reportSchema, type CrashTestReport } from '../oracle/crash-test/report.js';
import { readTextFile } from '../src/fs/host-files.js';
import { crashTestJson, crashTestText } from './crash-test-format.js';
import { ExitCode, type CliIo } from './io.js';

/** One report file, read and checked; a BadReport error names the file and what is wrong. */
function readReport(path: string): NamedReport {
  const firstLine = (error: unknown): string => (error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error));
  let text: string;
  try {
    text = readTextFile(path);
  } catch (error) {
    throw new CrashTestError('BadReport', `cannot read ${path}: ${firstLine(error)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CrashTestError('BadReport', `${path} is not a JSON file: ${firstLine(error)}`);
  }
  const parsed = reportSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CrashTestError('BadReport', `${path} is not a walref crash-test --json report: ${issue === undefined ? 'invalid' : `${issue.path.join('.') || 'it'}: ${issue.message}`}`);
  }
  return { name: path, report: parsed.data as CrashTestReport };
}

export async function runCrashTestMerge(argv: readonly string[], io: CliIo): Promise<number> {
  let files: string[];
  let json: boolean;
  try {
    const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { json: { type: 'boolean' } } });
    if (positionals.length === 0) throw new Error('merge needs at least one report file (the --json output of each shard)');
    files = positionals;
    json = values.json === true;
  } catch (error) {
    io.stderr(`walref crash-test merge: ${error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)}\n`);
    return ExitCode.UsageOrIo;
  }
  let merged: CrashTestReport;
  try {
    merged = mergeReports(files.map(readReport));
  } catch (error) {
    if (!(error instanceof CrashTestError)) throw error;
    io.stderr(`walref crash-test merge: ${error.code}: ${error.message}\n`);
    return ExitCode.UsageOrIo;
  }
  io.stdout(json ? crashTestJson(merged) : crashTestText(merged));
  const missing = merged.shards?.missing ?? [];
  if (merged.violationCount > 0) return ExitCode.LogProblem;
  if (missing.length > 0) {
    io.stderr(`walref crash-test merge: IncompleteShards: no report for shard${missing.length === 1 ? '' : 's'} ${missing.map((k) => `${k}/${merged.shards?.n ?? '?'}`).join(', ')}: the run is not complete\n`);
    return ExitCode.UsageOrIo;
  }
  return ExitCode.Ok;
}
