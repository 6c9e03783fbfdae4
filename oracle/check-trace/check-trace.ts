// `walref check-trace`: checks an ActionTrace (docs/trace-format.md) against model/, the
// executable abstract model that shares no code with src/, with no TLC needed. The TLC route
// (`npm run spec:trace`, spec/TraceWal.tla) asks the same question; test/spec/trace-verdicts
// checks that both give the verdicts recorded in spec/traces/expected.json.
//
// The model is nondeterministic where the trace is silent: which crash state a crash left (how
// many unsynced records survived, a stray frame, a segment header's base), and whether a begin
// rotated the segment. So the checker keeps the SET of model states consistent with the lines
// read so far (the candidates), takes every model step each line allows (line-steps.ts), and
// keeps those whose outcome agrees with every field the line reports. A trace is accepted when the
// set never empties. When it does, the report names the line and the property: for a Recover
// (openWal returned), the recovery invariants of model/invariants.ts that every candidate
// recovery violates (DurabilityInv, PrefixInv, ...); for any other line, the model action whose
// outcome it contradicts.
//
// The candidates are bounded (maxCandidates, for memory), and a bound never decides a verdict:
// when more distinct candidates fit than the bound allows, the verdict is "inconclusive", naming
// the line and the count, never a rejection of a trace some dropped candidate might explain.

import type { ModelState } from '../../model/index.js';
import { initialState } from '../../model/index.js';
import { parseActionTrace, type ActionTrace } from './action-trace.js';
import { LineOutcome, stepLine } from './line-steps.js';

export type TraceVerdict =
  | { readonly verdict: 'accepted'; readonly ok: true; readonly lines: number; readonly candidates: number; readonly peakCandidates: number }
  | { readonly verdict: 'rejected'; readonly ok: false; readonly line: number; readonly property: string; readonly message: string }
  | { readonly verdict: 'inconclusive'; readonly ok: false; readonly line: number; readonly reason: string };

export interface CheckTraceOptions {
  /**
   * Distinct model states kept at most between lines (default DEFAULT_MAX_CANDIDATES). A trace
   * that needs more is reported inconclusive, never rejected.
   */
  readonly maxCandidates?: number;
}

/**
 * The default bound on candidates. Each candidate holds the model's log (shared structure, a few
 * hundred bytes per record at most), so the bound keeps a long trace's memory to tens of megabytes.
 * Candidates multiply only where a line is silent about a choice (rotation, crash kept counts,
 * truncation cuts) and collapse at every Recover; walref's own traces keep a few dozen.
 */
export const DEFAULT_MAX_CANDIDATES = 16_384;

/** A key for a model state: candidates with equal keys behave the same on every later line. */
export function candidateKey(state: ModelState): string {
  return JSON.stringify([
    state.log.length,
    state.writtenCount,
    state.attemptedCount,
    state.syncedCount,
    state.durableLsn,
    state.nextLsn,
    state.walPoisoned,
    state.recorder,
    state.down === null ? null : [state.down.disk.length, state.down.maxSurvivingLsn],
    state.openedAtLsn,
    state.checkpointLsn,
  ]);
}

function distinct(states: readonly ModelState[]): ModelState[] {
  const seen = new Set<string>();
  return states.filter((state) => {
    const key = candidateKey(state);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Checks a whole ActionTrace. */
export function checkActionTrace(trace: ActionTrace, options: CheckTraceOptions = {}): TraceVerdict {
  const maxCandidates = options.maxCandidates ?? DEFAULT_MAX_CANDIDATES;
  let states: ModelState[] = [];
  let peakCandidates = 0;
  let truncatedUpTo = 0;
  for (const [index, { lineNo, line }] of trace.entries()) {
    if (index === 0) {
      // The parser made sure the first line is a Recover: of an empty directory, or the trace is not walref's.
      if (line.action !== 'Recover' || line.nextLsn !== 1 || line.durableLsn !== 0 || line.transactions.length > 0) {
        return { verdict: 'rejected', ok: false, line: lineNo, property: 'Init', message: 'a trace starts with the Recover of an empty directory (nextLsn 1, durableLsn 0, no transactions)' };
      }
      states = [initialState(line.sync ?? 'per-commit')];
      peakCandidates = 1;
      continue;
    }
    const out = new LineOutcome();
    for (const state of states) stepLine(state, line, { truncatedUpTo }, out);
    if (line.action === 'TruncateUpTo' && line.removedSegments.length > 0) truncatedUpTo = Math.max(truncatedUpTo, line.upToLsn);
    if (out.next.length === 0) {
      // Stryker disable next-line StringLiteral: every line's step names its mismatch when it keeps no state, so the fallback's words are never shown
      const why = out.why ?? { property: line.action, message: 'no model step matches' };
      return { verdict: 'rejected', ok: false, line: lineNo, property: why.property, message: `${line.action}: ${why.message}` };
    }
    states = distinct(out.next);
    peakCandidates = Math.max(peakCandidates, states.length);
    if (states.length > maxCandidates) {
      return {
        verdict: 'inconclusive',
        ok: false,
        line: lineNo,
        reason: `${states.length} distinct model states fit the trace after this line, more than the bound of ${maxCandidates} (--max-candidates); nothing was rejected`,
      };
    }
  }
  return { verdict: 'accepted', ok: true, lines: trace.length, candidates: states.length, peakCandidates };
}

/** Checks a whole trace, given as ndjson text. */
export function checkTraceText(text: string, options: CheckTraceOptions = {}): TraceVerdict {
  const parsed = parseActionTrace(text);
  if (!parsed.ok) return { verdict: 'rejected', ok: false, line: parsed.line, property: parsed.property, message: parsed.message };
  return checkActionTrace(parsed.trace, options);
}

/** Reads and checks a trace file; a file that cannot be read is an Error for the caller. */
export async function checkTraceFile(path: string, options: CheckTraceOptions = {}): Promise<TraceVerdict> {
  const { readFile } = await import('node:fs/promises');
  return checkTraceText(await readFile(path, 'utf8'), options);
}
