// The model's replay: one forward sweep over logical records (no bytes). A transaction's events
// are held until its TxCommit and released then; TxAbort drops them, and a transaction still
// open at the end is dropped. Records at or below the checkpoint LSN are already in the host's snapshot.

import type { CommittedTx, LogRecord, Lsn, ModelEvent, ModelReplay } from './state.js';
import { lastLsnOf } from './state.js';

export function replayLog(records: readonly LogRecord[], checkpointLsn: Lsn): ModelReplay {
  const pending = new Map<Lsn, ModelEvent[]>();
  const transactions: CommittedTx[] = [];
  let checkpointObserved: Lsn | null = null;
  for (const record of records) {
    if (record.lsn <= checkpointLsn) continue;
    switch (record.kind) {
      case 'TxBegin':
        pending.set(record.lsn, []);
        break;
      case 'MutationBatch':
        pending.get(record.txBeginLsn)?.push(...record.events);
        break;
      case 'TxCommit': {
        const events = pending.get(record.txBeginLsn);
        pending.delete(record.txBeginLsn);
        if (events !== undefined) transactions.push({ beginLsn: record.txBeginLsn, commitLsn: record.lsn, events });
        break;
      }
      case 'TxAbort':
        pending.delete(record.txBeginLsn);
        break;
      case 'Checkpoint':
        checkpointObserved = record.snapshotLsn;
        break;
    }
  }
  return { transactions, maxLsn: lastLsnOf(records), checkpointObserved };
}

/**
 * TxBegin LSNs of transactions in `records` that replay must never release: aborted or left open,
 * that is every one that did not commit (an aborted one never commits).
 */
export function unreleasedBegins(records: readonly LogRecord[]): Lsn[] {
  const uncommitted = new Set<Lsn>();
  for (const record of records) {
    if (record.kind === 'TxBegin') uncommitted.add(record.lsn);
    if (record.kind === 'TxCommit') uncommitted.delete(record.txBeginLsn);
  }
  return [...uncommitted].sort((a, b) => a - b);
}
