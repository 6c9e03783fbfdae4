// Appending records to the model's log. Records go to the WAL's in-memory buffer first (past
// `writtenCount`); only flush, forceFsync, the group sync and rotation hand them to the OS.

import type { LogRecord, Lsn, ModelEvent, ModelState } from './state.js';
import { lastLsnOf } from './state.js';

/**
 * Rotation happens inside begin() when the active segment is large: the old segment is written
 * and fsynced before the new one is created, so every record appended so far becomes durable and
 * the WAL's durable LSN moves. The model has no segment sizes, so the environment says when it
 * happened (the model-based test sees a new segment file appear).
 */
export function rotate(state: ModelState): ModelState {
  return {
    ...state,
    writtenCount: state.log.length,
    attemptedCount: state.log.length,
    syncedCount: state.log.length,
    durableLsn: Math.max(state.durableLsn, lastLsnOf(state.log)),
  };
}

/** Appends one transaction (TxBegin, one MutationBatch, and the closing record) at three consecutive LSNs. */
export function appendTransaction(
  state: ModelState,
  events: readonly ModelEvent[],
  closing: 'TxCommit' | 'TxAbort',
): { state: ModelState; beginLsn: Lsn; closeLsn: Lsn } {
  const beginLsn = state.nextLsn;
  const closeLsn = beginLsn + 2;
  const records: LogRecord[] = [
    { kind: 'TxBegin', lsn: beginLsn },
    { kind: 'MutationBatch', lsn: beginLsn + 1, txBeginLsn: beginLsn, events },
    { kind: closing, lsn: closeLsn, txBeginLsn: beginLsn },
  ];
  return { state: { ...state, log: [...state.log, ...records], nextLsn: closeLsn + 1 }, beginLsn, closeLsn };
}
