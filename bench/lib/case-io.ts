// The protocol between the orchestrator (bench/run.ts) and a case: the orchestrator starts
// `node --import tsx bench/cases/<name>.ts '<json params>'` in a fresh process, and the case
// prints exactly one JSON line (a CaseResult) as the last line of its standard output. One
// process per case keeps each measurement free of the previous case's heap, JIT state and open
// files, and lets a case measure its own peak RSS.

import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** What every case is told: where to put its files and how long to measure. */
export const baseParamsSchema = z.object({
  /** A directory on the benchmark disk that the case owns and removes when done. */
  dataDir: z.string().min(1),
  /** How long the measured loop runs, after warm-up. */
  durationMs: z.number().int().positive(),
  /** Operations run before the clock starts, so the file exists and the JIT has settled. */
  warmupOps: z.number().int().nonnegative(),
});
export type BaseParams = z.infer<typeof baseParamsSchema>;

/** One case's figures. `value` is the headline figure in `unit`; `details` carries the rest. */
export const caseResultSchema = z.object({
  case: z.string(),
  value: z.number(),
  unit: z.string(),
  ops: z.number(),
  elapsedMs: z.number(),
  details: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
});
export type CaseResult = z.infer<typeof caseResultSchema>;

/**
 * What a case prints instead of figures when the code it measures does not exist in this tree
 * (for example a streaming replay before it lands): the orchestrator shows the reason in the
 * table rather than failing the whole run.
 */
export const caseUnavailableSchema = z.object({ case: z.string(), unavailable: z.string() });
export type CaseUnavailable = z.infer<typeof caseUnavailableSchema>;

export const caseOutputSchema = z.union([caseResultSchema, caseUnavailableSchema]);
export type CaseOutput = z.infer<typeof caseOutputSchema>;

/** Parses the JSON params the orchestrator passed as the first argument. */
export function readParams<Schema extends z.ZodType>(schema: Schema): z.infer<Schema> {
  const raw = process.argv[2];
  if (raw === undefined) {
    throw new Error(`usage: node --import tsx ${process.argv[1] ?? 'case.ts'} '<json params>'`);
  }
  return schema.parse(JSON.parse(raw));
}

/** Prints the result line the orchestrator reads. Nothing may be printed after it. */
export function emitResult(result: CaseResult): void {
  process.stdout.write(JSON.stringify(caseResultSchema.parse(result)) + '\n');
}

/** Prints the line that says this case cannot run in this tree, and why. */
export function emitUnavailable(caseName: string, reason: string): void {
  process.stdout.write(JSON.stringify(caseUnavailableSchema.parse({ case: caseName, unavailable: reason })) + '\n');
}

/**
 * Creates a fresh, empty directory for one case under the data directory and returns its path.
 * The pid keeps two processes from ever sharing files even if an earlier run was killed.
 */
export function freshCaseDir(dataDir: string, caseName: string): string {
  const dir = join(dataDir, `${caseName}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function removeCaseDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Peak resident set size of this process so far, in MiB (Linux reports maxRSS in KiB). */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
