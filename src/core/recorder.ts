// The recorder state machine: the host's view of the WAL (lora_wal's WalRecorder). arm() opens a
// query's critical section without touching the log; record() buffers events in memory; commit()
// turns a non-empty buffer into TxBegin + one MutationBatch + TxCommit, and an empty one into
// nothing at all (a read-only query allocates no LSN and costs no fsync). Misuse poisons, and a
// poisoned recorder refuses everything except record(), which is a silent no-op so the host can
// finish unwinding before it looks at poisoned().

import type { WalErrorInfo } from './errors.js';

/**
 * Events recorded since arm(), newest first, as a persistent list: record() is O(1) without
 * mutating the previous state, where copying an array would make a query of n events cost n².
 */
export type EventList = { readonly event: Uint8Array; readonly previous: EventList; readonly count: number } | null;

export interface RecorderState {
  readonly armed: boolean;
  readonly buffer: EventList;
  readonly poisoned: string | null;
}

export const initialRecorderState: RecorderState = { armed: false, buffer: null, poisoned: null };

/** The buffered events in the order they were recorded. */
export function bufferedEvents(list: EventList): Uint8Array[] {
  // Stryker disable next-line ArrayDeclaration: an empty array grows to the same length as the loop fills it from its last index down
  const events = new Array<Uint8Array>(list?.count ?? 0);
  for (let node = list; node !== null; node = node.previous) events[node.count - 1] = node.event;
  return events;
}

export type RecorderStep<T> =
  | { readonly ok: true; readonly state: RecorderState; readonly value: T }
  | { readonly ok: false; readonly state: RecorderState; readonly error: WalErrorInfo };

function poisonWith(state: RecorderState, reason: string): RecorderStep<never> {
  const poisoned = state.poisoned ?? reason;
  return { ok: false, state: { ...state, poisoned, armed: false, buffer: null }, error: { code: 'Poisoned', reason: poisoned } };
}

const refusePoisoned = (state: RecorderState, reason: string): RecorderStep<never> => ({
  ok: false,
  state,
  error: { code: 'Poisoned', reason },
});

export function arm(state: RecorderState): RecorderStep<void> {
  if (state.poisoned !== null) return refusePoisoned(state, state.poisoned);
  if (state.armed) return poisonWith(state, 'arm() called while already armed');
  return { ok: true, state: { ...state, armed: true, buffer: null }, value: undefined };
}

/** Never fails: outside an armed query it poisons; when poisoned it does nothing. */
export function record(state: RecorderState, event: Uint8Array): RecorderState {
  if (state.poisoned !== null) return state;
  if (!state.armed) return poisonWith(state, 'record() called outside an armed query').state;
  return { ...state, buffer: { event, previous: state.buffer, count: (state.buffer?.count ?? 0) + 1 } };
}

/**
 * Ends the query. The value is the events to write as one transaction, or null when there are
 * none, in which case the caller writes nothing and reports "no".
 */
export function commit(state: RecorderState): RecorderStep<readonly Uint8Array[] | null> {
  if (state.poisoned !== null) return refusePoisoned(state, state.poisoned);
  if (!state.armed) return poisonWith(state, 'commit() called without an armed query');
  const events = state.buffer === null ? null : bufferedEvents(state.buffer);
  return { ok: true, state: { ...state, armed: false, buffer: null }, value: events };
}

/**
 * Drops the query's events. Tolerates "not armed" because hosts call it on unwind paths. The
 * value says whether the live store may have seen mutations, so the host can quarantine it.
 */
export function abort(state: RecorderState): RecorderStep<boolean> {
  if (state.poisoned !== null) return refusePoisoned(state, state.poisoned);
  return { ok: true, state: { ...state, armed: false, buffer: null }, value: state.buffer !== null };
}

/** Any failure below the recorder (write, flush, fsync) or a host decision poisons it for good. */
export function poison(state: RecorderState, reason: string): RecorderState {
  return state.poisoned === null ? { ...state, poisoned: reason, armed: false, buffer: null } : state;
}
