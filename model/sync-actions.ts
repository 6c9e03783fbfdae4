// Flush, Fsync and their failures (DESIGN.md "Sync policies"), named as in spec/Wal.tla:
//   per-commit: flush writes and fsyncs, the durable LSN advances at every flush;
//   group:      flush only writes; Fsync by the background flusher writes, fsyncs, advances;
//   none:       flush only writes; only Fsync asked for by the host (forceFsync()) advances the
//               durable LSN.
// An fsync runs only when something written is not yet durable, and a write only when records
// are buffered, so a fault aimed at them can only strike then. Any failure poisons the log.

import type { ModelState } from './state.js';
import { lastLsnOf, recorderPoisoned } from './state.js';
import { disabled, fail, succeed, type Step } from './step.js';

/** Who calls: the recorder refuses when it is poisoned itself; the WAL only when the log is. */
export type Caller = 'recorder' | 'wal';

function refusal(state: ModelState, caller: Caller): string | null {
  // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: only compared with null, and a poisoned recorder always poisons the log too (poisonRecorder), so both sides are null together
  return caller === 'recorder' ? recorderPoisoned(state) : state.walPoisoned;
}

function writeAll(state: ModelState): ModelState {
  return { ...state, writtenCount: state.log.length, attemptedCount: state.log.length };
}

function syncAll(state: ModelState): ModelState {
  const written = writeAll(state);
  return { ...written, syncedCount: written.writtenCount, durableLsn: Math.max(written.durableLsn, lastLsnOf(written.log)) };
}

export function Flush(state: ModelState, caller: Caller = 'recorder'): Step<void> {
  if (state.down !== null) return disabled('the process is down');
  if (refusal(state, caller) !== null) return fail(state, 'Poisoned');
  return succeed(state.policy === 'per-commit' ? syncAll(state) : writeAll(state), undefined);
}

/**
 * Who runs an fsync: the host through the recorder or the Wal (forceFsync(), whatever the policy),
 * or the group policy's background flusher (its fsync returning is what advances the durable LSN).
 */
export type FsyncBy = Caller | 'flusher';

/** The spec's Fsync: write what is pending, fsync, advance the durable LSN. */
export function Fsync(state: ModelState, by: FsyncBy = 'recorder'): Step<void> {
  if (state.down !== null) return disabled('the process is down');
  if (by === 'flusher') {
    if (state.policy !== 'group') return disabled('only the group policy has a background flusher');
    if (state.walPoisoned !== null) return disabled('a poisoned WAL has no running flusher');
  } else if (refusal(state, by) !== null) return fail(state, 'Poisoned');
  return succeed(syncAll(state), undefined);
}

export type SyncingCall = 'flush' | 'forceFsync' | 'groupSync';

function callFsyncs(state: ModelState, call: SyncingCall): boolean {
  return call !== 'flush' || state.policy === 'per-commit';
}

/**
 * The fsync of `call` fails (EIO): the records were handed to the OS, but nothing new is durable,
 * the durable LSN stays, and the log is poisoned for good (never retried as if safe).
 */
export function FsyncFail(state: ModelState, call: SyncingCall, caller: Caller = 'recorder'): Step<void> {
  if (state.down !== null) return disabled('the process is down');
  if (call === 'groupSync' && state.policy !== 'group') return disabled('only the group policy has a background flusher');
  if (!callFsyncs(state, call)) return disabled(`${call} does not fsync under ${state.policy}`);
  // Stryker disable next-line ConditionalExpression: a poisoned recorder always poisons the log too (poisonRecorder), so for the flusher the log's poison and the caller's refusal are null together
  if ((call === 'groupSync' ? state.walPoisoned : refusal(state, caller)) !== null) return disabled('a poisoned WAL runs no fsync');
  if (state.log.length === state.syncedCount) return disabled('nothing to fsync');
  const written = writeAll(state);
  const poisoned = { ...written, walPoisoned: `fsync failed during ${call}` };
  return call === 'groupSync' ? succeed(poisoned, undefined) : fail(poisoned, 'IoError');
}

/**
 * The write of `call` fails (ENOSPC or short): the file is cut back to the last whole frame, so
 * none of the buffered records reached the page cache, and the log is poisoned. The cut is not
 * synced, so a crash may still persist part of the failed write (see `attemptedCount`).
 */
export function WriteFail(state: ModelState, call: SyncingCall, caller: Caller = 'recorder'): Step<void> {
  if (state.down !== null) return disabled('the process is down');
  if (call === 'groupSync' && state.policy !== 'group') return disabled('only the group policy has a background flusher');
  // Stryker disable next-line ConditionalExpression: as in FsyncFail, the log's poison and the caller's refusal are null together for the flusher
  if ((call === 'groupSync' ? state.walPoisoned : refusal(state, caller)) !== null) return disabled('a poisoned WAL runs no write');
  if (state.log.length === state.writtenCount) return disabled('nothing to write');
  const poisoned = { ...state, attemptedCount: state.log.length, walPoisoned: `write failed during ${call}` };
  return call === 'groupSync' ? succeed(poisoned, undefined) : fail(poisoned, 'IoError');
}
