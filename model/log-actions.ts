// The log's own actions below the recorder: an explicitly aborted transaction (wal.begin,
// appendBatch, abort), CheckpointMarker and TruncateUpTo. They check only the log's poison:
// a recorder poisoned by host misuse does not stop the WAL's admin paths.

import { appendTransaction, rotate } from './append.js';
import type { Lsn, ModelEvent, ModelState } from './state.js';
import { disabled, fail, succeed, type Step } from './step.js';
import { sessionOpenBegins } from './low-level-actions.js';

export interface BeginEnvironment {
  /** Whether begin() rotated the segment first (see append.ts). */
  readonly rotated?: boolean;
}

/**
 * wal.begin + appendBatch + abort: three consecutive LSNs ending in TxAbort. Replay must drop the
 * transaction, so it joins the aborted history and never the committed one.
 */
export function WalAbort(state: ModelState, events: readonly ModelEvent[], environment: BeginEnvironment = {}): Step<{ beginLsn: Lsn; abortLsn: Lsn }> {
  if (state.down !== null) return disabled('the process is down');
  if (state.walPoisoned !== null) return fail(state, 'Poisoned');
  const base = environment.rotated === true ? rotate(state) : state;
  const appended = appendTransaction(base, events, 'TxAbort');
  return succeed(
    { ...appended.state, aborted: [...appended.state.aborted, appended.beginLsn] },
    { beginLsn: appended.beginLsn, abortLsn: appended.closeLsn },
  );
}

/**
 * The host took a snapshot covering everything up to `snapshotLsn` and records the marker. The
 * snapshot is host state that survives crashes, so it raises the checkpoint LSN of the next replay. A
 * marker may not point past itself nor go below the previous one, nor fall inside a transaction
 * the session still has open (FenceSplitsTransaction).
 */
export function CheckpointMarker(state: ModelState, snapshotLsn: Lsn): Step<Lsn> {
  if (state.down !== null) return disabled('the process is down');
  if (state.walPoisoned !== null) return fail(state, 'Poisoned');
  if (!Number.isSafeInteger(snapshotLsn) || snapshotLsn < 0 || snapshotLsn >= state.nextLsn) return fail(state, 'InvalidArgument');
  if (state.lastSnapshotLsn !== null && snapshotLsn < state.lastSnapshotLsn) return fail(state, 'InvalidArgument');
  // A fence inside a transaction this session still has open: replay would skip its TxBegin and meet its end.
  if (sessionOpenBegins(state).some((begin) => begin <= snapshotLsn)) return fail(state, 'FenceSplitsTransaction');
  const lsn = state.nextLsn;
  return succeed(
    {
      ...state,
      log: [...state.log, { kind: 'Checkpoint', lsn, snapshotLsn }],
      nextLsn: lsn + 1,
      lastSnapshotLsn: snapshotLsn,
      checkpointLsn: Math.max(state.checkpointLsn, snapshotLsn),
    },
    lsn,
  );
}

/**
 * Deletes sealed segments all of whose records are at or below `upToLsn`. Which segments go is
 * invisible here: the host only truncates what its snapshot covers (upToLsn <= checkpointLsn), and
 * replay skips everything at or below the checkpoint LSN anyway, so the recovered transactions
 * cannot tell.
 */
export function TruncateUpTo(state: ModelState, upToLsn: Lsn): Step<void> {
  if (state.down !== null) return disabled('the process is down');
  if (upToLsn > state.checkpointLsn) return disabled('the host only truncates what its snapshot covers');
  if (state.walPoisoned !== null) return fail(state, 'Poisoned');
  if (!Number.isSafeInteger(upToLsn) || upToLsn < 0) return fail(state, 'InvalidArgument');
  return succeed(state, undefined);
}
