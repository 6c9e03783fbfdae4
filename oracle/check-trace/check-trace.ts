// `walref check-trace`: checks an action trace (docs/trace-format.md) against model/, the
// executable abstract model that shares no code with src/, with no TLC needed. The TLC route
// (`npm run spec:trace`, spec/TraceWal.tla) asks the same question; test/spec/trace-verdicts
// checks that both give the verdicts recorded in spec/traces/expected.json.
//
// The model is nondeterministic where the trace is silent: which crash state a crash left (how
// many unsynced records survived, a stray frame, a segment header's base), and whether a begin
// rotated the segment. So the checker keeps the SET of model states consistent with the lines
// read so far, takes every model step each line allows, and keeps those whose outcome agrees
// with every field the line reports. A trace is accepted when the set never empties. When it
// does, the report names the line and the property: for a Recover (openWal returned), the recovery
// invariants of model/invariants.ts that every candidate recovery violates (DurabilityInv,
// PrefixInv, ...); for any other line, the model action whose outcome it contradicts.

import { match } from 'ts-pattern';
import { z } from 'zod';
import {
  Abort,
  AbortOpen,
  Append,
  Arm,
  Begin,
  CheckpointMarker,
  Commit,
  CommitOpen,
  Crash,
  Flush,
  Fsync,
  FsyncFail,
  initialState,
  Poison,
  Record,
  Recover,
  Close,
  TruncateUpTo,
  violatedInvariants,
  writtenLsn,
  type CommittedTx,
  type ModelState,
  type Recovery,
  type Step,
} from '../../model/index.js';

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
  z.object({ action: z.literal('TruncateUpTo'), fenceLsn: lsn, removedSegments: z.array(z.string()) }),
  z.object({ action: z.literal('Poison'), reason: z.string() }),
  z.object({ action: z.literal('Close') }),
  z.object({ action: z.literal('Begin'), beginLsn: lsn }),
  z.object({ action: z.literal('Append'), txBeginLsn: lsn, lsn, event: z.string() }),
  z.object({ action: z.literal('AppendBatch'), txBeginLsn: lsn, lsn, events: z.array(z.string()) }),
  z.object({ action: z.literal('WalCommit'), txBeginLsn: lsn, commitLsn: lsn }),
  z.object({ action: z.literal('WalAbort'), txBeginLsn: lsn, abortLsn: lsn }),
]);

export type TraceLine = z.infer<typeof traceLineSchema>;

export type TraceVerdict =
  | { readonly ok: true; readonly lines: number; readonly candidates: number }
  | { readonly ok: false; readonly line: number; readonly property: string; readonly message: string };

/** Model states kept at most between lines; more are cut (in a stable order), never silently: see `truncated`. */
const MAX_CANDIDATES = 512;

function sameTxs(a: readonly CommittedTx[], b: readonly { beginLsn: number; commitLsn: number; events: readonly string[] }[]): boolean {
  return a.length === b.length && a.every((t, i) => {
    const o = b[i];
    return o !== undefined && t.beginLsn === o.beginLsn && t.commitLsn === o.commitLsn && t.events.length === o.events.length && t.events.every((e, j) => e === o.events[j]);
  });
}

function taken<T>(step: Step<T>): { state: ModelState; value: T } | null {
  if (!step.enabled || !step.outcome.ok) return null;
  return { state: step.state, value: step.outcome.value };
}

/** Every way the process can go down before a Recover that does not follow a Close: the crash choices. */
function crashes(state: ModelState): ModelState[] {
  const out: ModelState[] = [];
  const begins = state.log.slice(0, state.attemptedCount).flatMap((r) => (r.kind === 'TxBegin' ? [r.lsn - 1] : []));
  const floors = [0, ...new Set(begins)];
  for (let kept = state.syncedCount; kept <= state.attemptedCount; kept++) {
    const strays = [null, ...state.log.slice(kept + 1, state.attemptedCount).map((r) => r.lsn)];
    for (const strayLsn of strays) {
      for (const floorLsn of floors) {
        const step = Crash(state, { keptCount: kept, strayLsn, floorLsn });
        if (step.enabled) out.push(step.state);
      }
    }
  }
  return out;
}

/** A clean close: a healthy WAL keeps everything; a poisoned one anything between synced and written. */
function closes(state: ModelState): ModelState[] {
  const out: ModelState[] = [];
  const low = state.walPoisoned === null ? state.log.length : state.syncedCount;
  const high = state.walPoisoned === null ? state.log.length : state.writtenCount;
  for (let kept = low; kept <= high; kept++) {
    const step = Close(state, { keptCount: kept });
    if (step.enabled) out.push(step.state);
  }
  return out;
}

interface LineResult {
  readonly next: ModelState[];
  /** Why the line fits no candidate: the property and a sentence. */
  readonly why: { property: string; message: string } | null;
}

/**
 * truncateUpTo removes whole sealed segments at or below its fence. The model has no segments, so
 * a recovery may find any prefix of the disk gone whose records are all at or below the highest
 * fence a truncation removed segments with, ending where a segment may end (before a TxBegin).
 */
function truncatedDisks(down: ModelState, truncatedFence: number): ModelState[] {
  const disk = down.down?.disk ?? [];
  const out = [down];
  if (down.down === null || truncatedFence <= 0) return out;
  for (let cut = 1; cut < disk.length; cut++) {
    const last = disk[cut - 1];
    if (last === undefined || last.lsn > truncatedFence) break;
    if (disk[cut]?.kind !== 'TxBegin' && disk[cut]?.kind !== 'Checkpoint') continue;
    out.push({ ...down, down: { ...down.down, disk: disk.slice(cut) } });
  }
  return out;
}

function stepLine(states: readonly ModelState[], line: TraceLine, first: boolean, truncatedFence: number): LineResult {
  const next: ModelState[] = [];
  let why: { property: string; message: string } | null = null;
  const mismatch = (property: string, message: string): void => {
    why ??= { property, message };
  };
  if (line.action === 'Recover' && first) {
    if (line.nextLsn !== 1 || line.durableLsn !== 0 || line.transactions.length > 0) {
      return { next: [], why: { property: 'Init', message: 'a trace starts with the Recover of an empty directory (nextLsn 1, durableLsn 0, no transactions)' } };
    }
    return { next: [initialState(line.sync ?? 'per-commit')], why: null };
  }
  for (const state of states) {
    match(line)
      .with({ action: 'Recover' }, (line) => {
        const downs = (state.down !== null ? [state] : crashes(state)).flatMap((down) => truncatedDisks(down, truncatedFence));
        const recoveries: ModelState[] = [];
        for (const down of downs) {
          const fenced = line.checkpointLsn === undefined || line.checkpointLsn === null ? down : { ...down, snapshotLsn: line.checkpointLsn };
          const recovered = taken(Recover(fenced));
          if (recovered === null) continue;
          recoveries.push(fenced);
          const r = recovered.value;
          if (sameTxs(r.replay.transactions, line.transactions) && r.nextLsn === line.nextLsn && r.durableLsn === line.durableLsn) next.push(recovered.state);
        }
        if (next.length === 0) {
          const violated = recoveryViolations(recoveries, line);
          mismatch(violated, `no crash state the model allows recovers exactly these ${line.transactions.length} transactions with nextLsn ${line.nextLsn} and durableLsn ${line.durableLsn}`);
        }
      })
      .with({ action: 'Arm' }, () => {
        const r = taken(Arm(state));
        if (r === null) mismatch('Arm', 'the model refuses arm() here (armed already, poisoned, or down)');
        else next.push(r.state);
      })
      .with({ action: 'Record' }, (line) => {
        const r = taken(Record(state, line.event));
        if (r === null) mismatch('Record', 'the process is down');
        else next.push(r.state);
      })
      .with({ action: 'Commit' }, (line) => {
        for (const rotated of line.wrote ? [false, true] : [false]) {
          const r = taken(Commit(state, { rotated }));
          if (r === null) {
            mismatch('Commit', 'the model refuses commit() here (not armed, or poisoned)');
            continue;
          }
          const v = r.value;
          if (!line.wrote && v.wrote === 'no') next.push(r.state);
          else if (line.wrote && v.wrote === 'yes' && v.beginLsn === line.beginLsn && v.commitLsn === line.commitLsn) next.push(r.state);
          else mismatch('Commit', v.wrote === 'yes' ? `the model commits LSNs ${v.beginLsn}..${v.commitLsn} with wrote=true` : 'the model commits nothing (no event was recorded)');
        }
      })
      .with({ action: 'Abort' }, (line) => {
        const r = taken(Abort(state));
        if (r === null) mismatch('Abort', 'the model refuses abort() here');
        else if (r.value !== line.hadEvents) mismatch('Abort', `the model says hadEvents=${String(r.value)}`);
        else next.push(r.state);
      })
      .with({ action: 'Flush' }, (line) => {
        const r = taken(Flush(state));
        if (r === null) mismatch('Flush', 'the model refuses flush() here (poisoned or down)');
        else if (writtenLsn(r.state) !== line.writtenLsn || r.state.durableLsn !== line.durableLsn) {
          mismatch('Flush', `after flush the model has writtenLsn ${writtenLsn(r.state)} and durableLsn ${r.state.durableLsn} under the ${state.policy} policy`);
        } else next.push(r.state);
      })
      .with({ action: 'Fsync' }, (line) => {
        if (line.ok) {
          const r = taken(Fsync(state, 'wal'));
          if (r === null) mismatch('Fsync', 'the model runs no fsync here (poisoned or down)');
          else if (r.state.durableLsn !== line.durableLsn) mismatch('DurabilityInv', `an fsync makes everything written durable: durableLsn ${r.state.durableLsn}`);
          else next.push(r.state);
        } else {
          let any = false;
          for (const call of ['flush', 'forceFsync', 'groupSync'] as const) {
            const step = FsyncFail(state, call, 'wal');
            if (!step.enabled) continue;
            any = true;
            if (step.state.durableLsn === line.durableLsn) next.push(step.state);
            else mismatch('FsyncFail', `a failed fsync never advances the durable LSN (fsyncgate): it stays ${step.state.durableLsn}, the line says ${line.durableLsn}`);
          }
          if (!any) mismatch('FsyncFail', 'the model runs no fsync here (nothing to sync, poisoned or down)');
        }
      })
      .with({ action: 'CheckpointMarker' }, (line) => {
        const r = taken(CheckpointMarker(state, line.snapshotLsn));
        if (r === null) mismatch('CheckpointMarker', `the model refuses a checkpoint marker for snapshot LSN ${line.snapshotLsn} here`);
        else if (r.value !== line.lsn) mismatch('CheckpointMarker', `the model writes the marker at LSN ${r.value}`);
        else next.push(r.state);
      })
      .with({ action: 'TruncateUpTo' }, (line) => {
        const r = taken(TruncateUpTo(state, line.fenceLsn));
        if (r === null) mismatch('TruncateUpTo', `the host may only truncate what its snapshot covers (snapshot LSN ${state.snapshotLsn}), and not when poisoned`);
        else next.push(r.state);
      })
      .with({ action: 'Poison' }, (line) => {
        if (state.down !== null) mismatch('Poison', 'the process is down');
        else if (state.walPoisoned !== null || state.recorder.poisoned !== null) next.push(state);
        else {
          const r = taken(Poison(state, line.reason));
          if (r !== null) next.push(r.state);
        }
      })
      .with({ action: 'Close' }, () => {
        const closed = closes(state);
        if (closed.length === 0) mismatch('Close', 'the process is down');
        next.push(...closed);
      })
      .with({ action: 'Begin' }, (line) => {
        for (const rotated of [false, true]) {
          const r = taken(Begin(state, { rotated }));
          if (r === null) mismatch('Begin', 'the model refuses begin() here (poisoned or down)');
          else if (r.value !== line.beginLsn) mismatch('Begin', `the model begins at LSN ${r.value}`);
          else next.push(r.state);
        }
      })
      .with({ action: 'Append' }, { action: 'AppendBatch' }, (line) => {
        const events = line.action === 'Append' ? [line.event] : line.events;
        const r = taken(Append(state, line.txBeginLsn, events));
        if (r === null) mismatch(line.action, `the model refuses to append to transaction ${line.txBeginLsn} (not open, poisoned or down)`);
        else if (r.value !== line.lsn) mismatch(line.action, `the model appends at LSN ${r.value}`);
        else next.push(r.state);
      })
      .with({ action: 'WalCommit' }, { action: 'WalAbort' }, (line) => {
        const r = taken(line.action === 'WalCommit' ? CommitOpen(state, line.txBeginLsn) : AbortOpen(state, line.txBeginLsn));
        const reported = line.action === 'WalCommit' ? line.commitLsn : line.abortLsn;
        if (r === null) mismatch(line.action, `the model refuses to close transaction ${line.txBeginLsn} (not open, poisoned or down)`);
        else if (r.value !== reported) mismatch(line.action, `the model closes it at LSN ${r.value}`);
        else next.push(r.state);
      })
      .exhaustive();
  }
  return { next, why };
}

/**
 * The recovery invariants every candidate recovery would violate if it had reported what the line
 * says (a hypothetical Recovery built from the line), or 'TraceMatch' when each one is violated by
 * only some candidates.
 */
function recoveryViolations(downs: readonly ModelState[], line: Extract<TraceLine, { action: 'Recover' }>): string {
  const perCandidate: string[][] = [];
  for (const down of downs) {
    if (down.down === null) continue;
    const recovered = taken(Recover(down));
    if (recovered === null) continue;
    const claimed: Recovery = {
      ...recovered.value,
      replay: { ...recovered.value.replay, transactions: line.transactions.map((t) => ({ beginLsn: t.beginLsn, commitLsn: t.commitLsn, events: t.events })) },
      nextLsn: line.nextLsn,
      durableLsn: line.durableLsn,
    };
    const hypothetical: ModelState = { ...recovered.state, recoveries: [...down.recoveries.slice(-1), claimed] };
    perCandidate.push(violatedInvariants(hypothetical));
  }
  const [firstSet, ...others] = perCandidate;
  const names = (firstSet ?? []).filter((name) => others.every((set) => set.includes(name)));
  return names.length === 0 ? 'TraceMatch' : names.join(', ');
}

function dedupe(states: readonly ModelState[]): ModelState[] {
  const seen = new Set<string>();
  const out: ModelState[] = [];
  for (const state of states) {
    const key = JSON.stringify([state.log.length, state.writtenCount, state.attemptedCount, state.syncedCount, state.durableLsn, state.nextLsn, state.walPoisoned, state.recorder, state.down?.disk.length ?? -1, state.down?.maxSurvivingLsn ?? -1, state.openedAtLsn, state.snapshotLsn]);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(state);
  }
  return out.slice(0, MAX_CANDIDATES);
}

/** Checks a whole trace, given as ndjson text. */
/** `Recover` was called `Open` in earlier traces (docs/trace-format.md); both are accepted. */
function formerNames(json: unknown): unknown {
  if (typeof json !== 'object' || json === null || !('action' in json) || json.action !== 'Open') return json;
  return { ...json, action: 'Recover' };
}

export function checkTraceText(text: string): TraceVerdict {
  let states: ModelState[] = [];
  let count = 0;
  let truncatedFence = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] ?? '').trim();
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
      const issue = parsed.error.issues[0];
      return { ok: false, line: lineNo, property: 'TraceFormat', message: `not a trace event: ${issue?.path.join('.') || 'action'} ${issue?.message ?? 'is invalid'}` };
    }
    if (count === 0 && parsed.data.action !== 'Recover') return { ok: false, line: lineNo, property: 'Init', message: 'a trace starts with Recover' };
    const result = stepLine(states, parsed.data, count === 0, truncatedFence);
    if (parsed.data.action === 'TruncateUpTo' && parsed.data.removedSegments.length > 0) truncatedFence = Math.max(truncatedFence, parsed.data.fenceLsn);
    count++;
    if (result.next.length === 0) {
      const why = result.why ?? { property: parsed.data.action, message: 'no model step matches' };
      return { ok: false, line: lineNo, property: why.property, message: `${parsed.data.action}: ${why.message}` };
    }
    states = dedupe(result.next);
  }
  if (count === 0) return { ok: false, line: 1, property: 'TraceFormat', message: 'the trace is empty' };
  return { ok: true, lines: count, candidates: states.length };
}

/** Reads and checks a trace file; a file that cannot be read is an Error for the caller. */
export async function checkTraceFile(path: string): Promise<TraceVerdict> {
  const { readFile } = await import('node:fs/promises');
  return checkTraceText(await readFile(path, 'utf8'));
}
