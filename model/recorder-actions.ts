// The recorder's actions: Arm, Record, Commit, Abort, Poison (DESIGN.md "Recorder"). A poisoned
// recorder refuses everything; Record is then a silent no-op so the host can finish unwinding.

import { appendTransaction, rotate } from './append.js';
import type { Lsn, ModelEvent, ModelState } from './state.js';
import { recorderPoisoned } from './state.js';
import { disabled, fail, succeed, type Step } from './step.js';

/**
 * Host misuse poisons the recorder and, through it, the log: the WAL cannot know what the host's
 * live store now holds, so it refuses everything until a reopen recovers from disk.
 */
function poisonRecorder(state: ModelState, reason: string): ModelState {
  const poisoned = state.recorder.poisoned ?? reason;
  return { ...state, recorder: { armed: false, buffer: [], poisoned }, walPoisoned: state.walPoisoned ?? poisoned };
}

export function Arm(state: ModelState): Step<void> {
  if (state.down !== null) return disabled('the process is down');
  if (recorderPoisoned(state) !== null) return fail(state, 'Poisoned');
  if (state.recorder.armed) return fail(poisonRecorder(state, 'arm() while armed'), 'Poisoned');
  return succeed({ ...state, recorder: { ...state.recorder, armed: true, buffer: [] } }, undefined);
}

export function Record(state: ModelState, event: ModelEvent): Step<void> {
  if (state.down !== null) return disabled('the process is down');
  // Stryker disable next-line ConditionalExpression: a poisoned recorder is always disarmed and empty (poisonRecorder; Arm refuses it), so the line below would return an equal state, keeping the first reason.
  if (recorderPoisoned(state) !== null) return succeed(state, undefined);
  if (!state.recorder.armed) return succeed(poisonRecorder(state, 'record() outside an armed query'), undefined);
  return succeed({ ...state, recorder: { ...state.recorder, buffer: [...state.recorder.buffer, event] } }, undefined);
}

export type CommitResult = { readonly wrote: 'no' } | { readonly wrote: 'yes'; readonly beginLsn: Lsn; readonly commitLsn: Lsn };

export interface CommitEnvironment {
  /** Whether begin() rotated the segment first (the environment observes it; see append.ts). */
  readonly rotated?: boolean;
}

/**
 * An empty buffer commits nothing: "no", no LSN allocated. Otherwise TxBegin, MutationBatch and
 * TxCommit get three consecutive LSNs and the transaction joins the committed history; nothing
 * is written to the OS until a flush.
 */
export function Commit(state: ModelState, environment: CommitEnvironment = {}): Step<CommitResult> {
  if (state.down !== null) return disabled('the process is down');
  if (recorderPoisoned(state) !== null) return fail(state, 'Poisoned');
  if (!state.recorder.armed) return fail(poisonRecorder(state, 'commit() without an armed query'), 'Poisoned');
  const events = state.recorder.buffer;
  const disarmed: ModelState = { ...state, recorder: { ...state.recorder, armed: false, buffer: [] } };
  if (events.length === 0) {
    if (environment.rotated === true) return disabled('an empty commit never begins a transaction, so it cannot rotate');
    return succeed(disarmed, { wrote: 'no' });
  }
  const base = environment.rotated === true ? rotate(disarmed) : disarmed;
  const appended = appendTransaction(base, events, 'TxCommit');
  const committed = [...appended.state.committed, { beginLsn: appended.beginLsn, commitLsn: appended.closeLsn, events }];
  return succeed({ ...appended.state, committed }, { wrote: 'yes', beginLsn: appended.beginLsn, commitLsn: appended.closeLsn });
}

/** Drops the buffer, writes nothing, and says whether the live store may have seen mutations. */
export function Abort(state: ModelState): Step<boolean> {
  if (state.down !== null) return disabled('the process is down');
  if (recorderPoisoned(state) !== null) return fail(state, 'Poisoned');
  const hadEvents = state.recorder.buffer.length > 0;
  return succeed({ ...state, recorder: { ...state.recorder, armed: false, buffer: [] } }, hadEvents);
}

/** The host quarantines the recorder. */
export function Poison(state: ModelState, reason: string): Step<void> {
  if (state.down !== null) return disabled('the process is down');
  return succeed(poisonRecorder(state, reason), undefined);
}
