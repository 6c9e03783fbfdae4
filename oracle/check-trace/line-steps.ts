// One trace line over one candidate model state: every model step the line allows, kept when its
// outcome agrees with every field the line reports. The actions are an exhaustive match, one small
// function each; the model is nondeterministic where the line is silent (whether a begin rotated,
// which call a failed fsync struck, what a crash kept), and each choice is tried.

import { match } from 'ts-pattern';
import {
  Abort,
  AbortOpen,
  Append,
  Arm,
  Begin,
  CheckpointMarker,
  Commit,
  CommitOpen,
  Flush,
  Fsync,
  FsyncFail,
  Poison,
  Record,
  Recover,
  TruncateUpTo,
  writtenLsn,
  type CommittedTx,
  type ModelState,
} from '../../model/index.js';
import type { TraceLine } from './action-trace.js';
import { closes, crashes, recoveryViolations, taken, truncatedDisks } from './crash-candidates.js';

/** What one line did to the candidates so far: the states it leads to, and the first reason one did not fit. */
export class LineOutcome {
  readonly next: ModelState[] = [];
  why: { property: string; message: string } | null = null;

  keep(state: ModelState): void {
    this.next.push(state);
  }

  mismatch(property: string, message: string): void {
    this.why ??= { property, message };
  }
}

/** Trace facts that outlive one line: the highest LSN a truncation removed segments up to. */
export interface TraceContext {
  readonly truncatedUpTo: number;
}

type Line<A extends TraceLine['action']> = Extract<TraceLine, { action: A }>;

function sameTxs(a: readonly CommittedTx[], b: readonly { beginLsn: number; commitLsn: number; events: readonly string[] }[]): boolean {
  // The lengths are compared first, so b[i] is there for every i.
  return a.length === b.length && a.every((t, i) => {
    const o = b[i] as (typeof b)[number];
    return t.beginLsn === o.beginLsn && t.commitLsn === o.commitLsn && t.events.length === o.events.length && t.events.every((e, j) => e === o.events[j]);
  });
}

/** Takes every step `line` allows from `state` into `out`. */
export function stepLine(state: ModelState, line: TraceLine, context: TraceContext, out: LineOutcome): void {
  match(line)
    .with({ action: 'Recover' }, (l) => recoverLine(state, l, context, out))
    .with({ action: 'Arm' }, () => simple(out, taken(Arm(state)), 'Arm', 'the model refuses arm() here (armed already, poisoned, or down)'))
    .with({ action: 'Record' }, (l) => recordLine(state, l, out))
    .with({ action: 'Commit' }, (l) => commitLine(state, l, out))
    .with({ action: 'Abort' }, (l) => abortLine(state, l, out))
    .with({ action: 'Flush' }, (l) => flushLine(state, l, out))
    .with({ action: 'Fsync' }, (l) => (l.ok ? fsyncLine(state, l, out) : failedFsyncLine(state, l, out)))
    .with({ action: 'CheckpointMarker' }, (l) => checkpointMarkerLine(state, l, out))
    .with({ action: 'TruncateUpTo' }, (l) => {
      const r = taken(TruncateUpTo(state, l.upToLsn));
      simple(out, r, 'TruncateUpTo', `the host may only truncate what its snapshot covers (checkpoint LSN ${state.checkpointLsn}), and not when poisoned`);
    })
    .with({ action: 'Poison' }, (l) => poisonLine(state, l, out))
    .with({ action: 'Close' }, () => {
      const closed = closes(state);
      if (closed.length === 0) out.mismatch('Close', 'the process is down');
      for (const c of closed) out.keep(c);
    })
    .with({ action: 'Begin' }, (l) => beginLine(state, l, out))
    .with({ action: 'Append' }, { action: 'AppendBatch' }, (l) => appendLine(state, l, out))
    .with({ action: 'WalCommit' }, { action: 'WalAbort' }, (l) => closeTxLine(state, l, out))
    .exhaustive();
}

function simple(out: LineOutcome, r: { state: ModelState } | null, property: string, refused: string): void {
  if (r === null) out.mismatch(property, refused);
  else out.keep(r.state);
}

/** A Record line says the event was buffered: in an armed query of a healthy recorder, nowhere else. */
function recordLine(state: ModelState, line: Line<'Record'>, out: LineOutcome): void {
  if (state.down !== null) out.mismatch('Record', 'the process is down');
  // A poisoned recorder has poisoned the log too (model/ poisonRecorder): the log's poison covers both.
  else if (!state.recorder.armed || state.walPoisoned !== null) {
    out.mismatch('Record', 'record() buffers an event only in an armed query of a healthy recorder; here it would poison or do nothing');
  } else simple(out, taken(Record(state, line.event)), 'Record', 'the model refuses record() here');
}

function recoverLine(state: ModelState, line: Line<'Recover'>, context: TraceContext, out: LineOutcome): void {
  // The sync policy is fixed for a whole trace, as the spec's SyncPolicy constant is.
  if (line.sync !== undefined && line.sync !== null && line.sync !== state.policy) {
    out.mismatch('SyncPolicy', `the trace reopens under ${line.sync} after running under ${state.policy}; a trace keeps one sync policy (the spec's SyncPolicy constant)`);
    return;
  }
  const downs = (state.down !== null ? [state] : crashes(state)).flatMap((down) => truncatedDisks(down, context.truncatedUpTo));
  const recoveries: ModelState[] = [];
  const before = out.next.length;
  for (const down of downs) {
    const fenced = line.checkpointLsn === undefined || line.checkpointLsn === null ? down : { ...down, checkpointLsn: line.checkpointLsn };
    const recovered = taken(Recover(fenced));
    if (recovered === null) continue;
    recoveries.push(fenced);
    const r = recovered.value;
    if (sameTxs(r.replay.transactions, line.transactions) && r.nextLsn === line.nextLsn && r.durableLsn === line.durableLsn) out.keep(recovered.state);
  }
  if (out.next.length === before && out.why === null) {
    out.mismatch(
      recoveryViolations(recoveries, line),
      `no crash state the model allows recovers exactly these ${line.transactions.length} transactions with nextLsn ${line.nextLsn} and durableLsn ${line.durableLsn}`,
    );
  }
}

function commitLine(state: ModelState, line: Line<'Commit'>, out: LineOutcome): void {
  for (const rotated of line.wrote ? [false, true] : [false]) {
    const r = taken(Commit(state, { rotated }));
    if (r === null) {
      out.mismatch('Commit', 'the model refuses commit() here (not armed, or poisoned)');
      continue;
    }
    const v = r.value;
    if (!line.wrote && v.wrote === 'no') out.keep(r.state);
    else if (line.wrote && v.wrote === 'yes' && v.beginLsn === line.beginLsn && v.commitLsn === line.commitLsn) out.keep(r.state);
    else out.mismatch('Commit', v.wrote === 'yes' ? `the model commits LSNs ${v.beginLsn}..${v.commitLsn} with wrote=true` : 'the model commits nothing (no event was recorded)');
  }
}

function abortLine(state: ModelState, line: Line<'Abort'>, out: LineOutcome): void {
  const r = taken(Abort(state));
  if (r === null) out.mismatch('Abort', 'the model refuses abort() here');
  else if (r.value !== line.hadEvents) out.mismatch('Abort', `the model says hadEvents=${String(r.value)}`);
  else out.keep(r.state);
}

function flushLine(state: ModelState, line: Line<'Flush'>, out: LineOutcome): void {
  const r = taken(Flush(state));
  if (r === null) out.mismatch('Flush', 'the model refuses flush() here (poisoned or down)');
  else if (writtenLsn(r.state) !== line.writtenLsn || r.state.durableLsn !== line.durableLsn) {
    out.mismatch('Flush', `after flush the model has writtenLsn ${writtenLsn(r.state)} and durableLsn ${r.state.durableLsn} under the ${state.policy} policy`);
  } else out.keep(r.state);
}

function fsyncLine(state: ModelState, line: Line<'Fsync'>, out: LineOutcome): void {
  const r = taken(Fsync(state, 'wal'));
  if (r === null) out.mismatch('Fsync', 'the model runs no fsync here (poisoned or down)');
  else if (r.state.durableLsn !== line.durableLsn) out.mismatch('DurabilityInv', `an fsync makes everything written durable: durableLsn ${r.state.durableLsn}`);
  else out.keep(r.state);
}

function failedFsyncLine(state: ModelState, line: Line<'Fsync'>, out: LineOutcome): void {
  let any = false;
  for (const call of ['flush', 'forceFsync', 'groupSync'] as const) {
    const step = FsyncFail(state, call, 'wal');
    if (!step.enabled) continue;
    any = true;
    if (step.state.durableLsn === line.durableLsn) out.keep(step.state);
    else out.mismatch('FsyncFail', `a failed fsync never advances the durable LSN (fsyncgate): it stays ${step.state.durableLsn}, the line says ${line.durableLsn}`);
  }
  if (!any) out.mismatch('FsyncFail', 'the model runs no fsync here (nothing to sync, poisoned or down)');
}

function checkpointMarkerLine(state: ModelState, line: Line<'CheckpointMarker'>, out: LineOutcome): void {
  const r = taken(CheckpointMarker(state, line.snapshotLsn));
  if (r === null) out.mismatch('CheckpointMarker', `the model refuses a checkpoint marker for snapshot LSN ${line.snapshotLsn} here`);
  else if (r.value !== line.lsn) out.mismatch('CheckpointMarker', `the model writes the marker at LSN ${r.value}`);
  else out.keep(r.state);
}

function poisonLine(state: ModelState, line: Line<'Poison'>, out: LineOutcome): void {
  if (state.down !== null) out.mismatch('Poison', 'the process is down');
  // Poisoned already (a failed write or fsync, or the host; the recorder's poison is the log's too):
  // the line reports that poison, and the state stays as it is.
  else if (state.walPoisoned !== null) out.keep(state);
  else {
    const r = taken(Poison(state, line.reason));
    if (r !== null) out.keep(r.state);
  }
}

function beginLine(state: ModelState, line: Line<'Begin'>, out: LineOutcome): void {
  for (const rotated of [false, true]) {
    const r = taken(Begin(state, { rotated }));
    if (r === null) out.mismatch('Begin', 'the model refuses begin() here (poisoned or down)');
    else if (r.value !== line.beginLsn) out.mismatch('Begin', `the model begins at LSN ${r.value}`);
    else out.keep(r.state);
  }
}

function appendLine(state: ModelState, line: Line<'Append'> | Line<'AppendBatch'>, out: LineOutcome): void {
  const events = line.action === 'Append' ? [line.event] : line.events;
  const r = taken(Append(state, line.txBeginLsn, events));
  if (r === null) out.mismatch(line.action, `the model refuses to append to transaction ${line.txBeginLsn} (not open, poisoned or down)`);
  else if (r.value !== line.lsn) out.mismatch(line.action, `the model appends at LSN ${r.value}`);
  else out.keep(r.state);
}

function closeTxLine(state: ModelState, line: Line<'WalCommit'> | Line<'WalAbort'>, out: LineOutcome): void {
  const r = taken(line.action === 'WalCommit' ? CommitOpen(state, line.txBeginLsn) : AbortOpen(state, line.txBeginLsn));
  const reported = line.action === 'WalCommit' ? line.commitLsn : line.abortLsn;
  if (r === null) out.mismatch(line.action, `the model refuses to close transaction ${line.txBeginLsn} (not open, poisoned or down)`);
  else if (r.value !== reported) out.mismatch(line.action, `the model closes it at LSN ${r.value}`);
  else out.keep(r.state);
}
