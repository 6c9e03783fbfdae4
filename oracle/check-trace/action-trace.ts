// ActionTrace: the history `walref check-trace` checks, an ndjson action trace
// (docs/trace-format.md) read line by line and validated with zod at this trust boundary. Each
// entry keeps its line number in the file, for the verdict.

import { z } from 'zod';

const lsn = z.number().int().nonnegative();
const tx = z.object({ beginLsn: lsn, commitLsn: lsn, events: z.array(z.string()) });

export const traceLineSchema = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('Recover'),
    nextLsn: lsn,
    durableLsn: lsn,
    transactions: z.array(tx),
    sync: z.enum(['per-commit', 'group', 'none']).nullish(),
    checkpointLsn: lsn.nullish(),
  }),
  z.object({ action: z.literal('Arm') }),
  z.object({ action: z.literal('Record'), event: z.string() }),
  z.object({ action: z.literal('Commit'), wrote: z.boolean(), beginLsn: lsn.nullish(), commitLsn: lsn.nullish() }),
  z.object({ action: z.literal('Abort'), hadEvents: z.boolean() }),
  z.object({ action: z.literal('Flush'), writtenLsn: lsn, durableLsn: lsn }),
  z.object({ action: z.literal('Fsync'), ok: z.boolean(), durableLsn: lsn }),
  z.object({ action: z.literal('CheckpointMarker'), lsn, snapshotLsn: lsn }),
  z.object({ action: z.literal('TruncateUpTo'), upToLsn: lsn, removedSegments: z.array(z.string()) }),
  z.object({ action: z.literal('Poison'), reason: z.string() }),
  z.object({ action: z.literal('Close') }),
  z.object({ action: z.literal('Begin'), beginLsn: lsn }),
  z.object({ action: z.literal('Append'), txBeginLsn: lsn, lsn, event: z.string() }),
  z.object({ action: z.literal('AppendBatch'), txBeginLsn: lsn, lsn, events: z.array(z.string()) }),
  z.object({ action: z.literal('WalCommit'), txBeginLsn: lsn, commitLsn: lsn }),
  z.object({ action: z.literal('WalAbort'), txBeginLsn: lsn, abortLsn: lsn }),
]);

export type TraceLine = z.infer<typeof traceLineSchema>;

/** One line of a trace, with its line number in the file (1-based; blank lines count). */
export interface TraceEntry {
  readonly lineNo: number;
  readonly line: TraceLine;
}

/** check-trace's history: the lines of one trace, in order. */
export type ActionTrace = readonly TraceEntry[];

/** Why a text is not an action trace: the line and what is wrong with it. */
export interface TraceFormatError {
  readonly line: number;
  readonly property: 'TraceFormat' | 'Init';
  readonly message: string;
}

/** `Recover` was called `Open` in earlier traces (docs/trace-format.md); both are accepted. */
function formerNames(json: unknown): unknown {
  if (typeof json !== 'object' || json === null || !('action' in json) || json.action !== 'Open') return json;
  return { ...json, action: 'Recover' };
}

/** Reads ndjson text as an action trace: every line an action, the first a Recover. */
export function parseActionTrace(text: string): { readonly ok: true; readonly trace: ActionTrace } | ({ readonly ok: false } & TraceFormatError) {
  const trace: TraceEntry[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    const raw = line.trim();
    if (raw === '') continue;
    const lineNo = i + 1;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return { ok: false, line: lineNo, property: 'TraceFormat', message: 'not JSON' };
    }
    const parsed = traceLineSchema.safeParse(formerNames(json));
    if (!parsed.success) {
      // zod gives every failure at least one issue; the first names the field (none: the action itself).
      const issue = parsed.error.issues[0] as (typeof parsed.error.issues)[number];
      return { ok: false, line: lineNo, property: 'TraceFormat', message: `not a trace event: ${issue.path.join('.') || 'action'} ${issue.message}` };
    }
    if (trace.length === 0 && parsed.data.action !== 'Recover') return { ok: false, line: lineNo, property: 'Init', message: 'a trace starts with Recover' };
    trace.push({ lineNo, line: parsed.data });
  }
  if (trace.length === 0) return { ok: false, line: 1, property: 'TraceFormat', message: 'the trace is empty' };
  return { ok: true, trace };
}
