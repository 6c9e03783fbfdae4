// Snapshot epochs: the checkpoint protocol through the MANIFEST as spec/Manifest.tla states it,
// at the level the host sees. No files, no renames: an epoch is a snapshot LSN and the events the
// snapshot holds, and the history says which epochs were renamed in (committed, or in flight past
// the rename) and which one the host was told is committed. The checkpoint test
// (test/model/snapshot-epochs.test.ts and test/crash-recovery/checkpoint-crashes.test.ts) evaluates the two
// invariants on every recovery from a crash state around a checkpoint.
//
// Which snapshot LSNs a host may name (Checkpoint's refusals) is stated from the log alone: a
// durable commit at or above the fence, after which no transaction was open, committed since the
// last open; or the LSN the last open recovered up to, or the fence that open replayed above. A
// checkpoint marker's LSN is none of these by the marker's word alone (CheckpointMarker takes the
// host's word for any LSN); an LSN inside a transaction of this session is FenceSplitsTransaction.

import type { CommittedTx, LogRecord, Lsn, ModelEvent, ModelState } from './state.js';
import { disabled, fail, succeed, type Step } from './step.js';
import { sessionOpenBegins } from './low-level-actions.js';

/** One epoch: the MANIFEST's live snapshot, as the host reads it back. */
export interface Epoch {
  /** 0 before the first checkpoint: no MANIFEST, the empty snapshot at LSN 0. */
  readonly epoch: number;
  readonly snapshotLsn: Lsn;
  /** The events of every transaction committed at or below snapshotLsn, in commit order. */
  readonly snapshot: readonly ModelEvent[];
}

export const NO_EPOCH: Epoch = { epoch: 0, snapshotLsn: 0, snapshot: [] };

export interface EpochHistory {
  /** Every epoch whose rename was issued, in order; epoch 0 first. */
  readonly renamed: readonly Epoch[];
  /** The newest epoch whose checkpoint returned to the host (0 for none). */
  readonly acked: number;
}

export const initialEpochHistory: EpochHistory = { renamed: [NO_EPOCH], acked: 0 };

/** What a recovery reported: the live snapshot it found (or none) and the transactions it replayed. */
export interface EpochRecovery {
  readonly epoch: number;
  readonly snapshotLsn: Lsn;
  /** The snapshot's events as read back, or null when it could not be read (BadSnapshot, BadManifest). */
  readonly snapshot: readonly ModelEvent[] | null;
  readonly transactions: readonly CommittedTx[];
}

/** The events of the transactions committed at or below `lsn`, in commit order. */
export function snapshotEvents(committed: readonly CommittedTx[], lsn: Lsn): ModelEvent[] {
  return committed.filter((tx) => tx.commitLsn <= lsn).flatMap((tx) => tx.events);
}

/** The records of this session: those above the LSN the last open recovered up to. */
const sessionRecords = (state: ModelState): readonly LogRecord[] => state.log.filter((r) => r.lsn > state.openedAtLsn);

/** The begin LSNs of this session's transactions open right after the record at `lsn`. */
function openAfter(state: ModelState, lsn: Lsn): Set<Lsn> {
  const open = new Set<Lsn>();
  for (const record of sessionRecords(state)) {
    if (record.lsn > lsn) break;
    if (record.kind === 'TxBegin') open.add(record.lsn);
    if (record.kind === 'TxCommit' || record.kind === 'TxAbort') open.delete(record.txBeginLsn);
  }
  return open;
}

const isSessionCommit = (state: ModelState, lsn: Lsn): boolean => sessionRecords(state).some((r) => r.lsn === lsn && r.kind === 'TxCommit');

/**
 * Whether `lsn` falls inside a transaction of this session: one still open that began at or below
 * it, or a commit with a transaction open across it.
 */
function splitsTransaction(state: ModelState, lsn: Lsn): boolean {
  if (sessionOpenBegins(state).some((begin) => begin <= lsn)) return true;
  return isSessionCommit(state, lsn) && openAfter(state, lsn).size > 0;
}

/** The fence the last open replayed above (0 before any recovery): markers of this session do not move it. */
const openFenceLsn = (state: ModelState): Lsn => state.recoveries[state.recoveries.length - 1]?.checkpointLsn ?? 0;

/**
 * The snapshot LSNs the WAL accepts now, as the host would find them. The test picks among them
 * (and a few it must refuse).
 */
export function acceptedSnapshotLsns(state: ModelState): Lsn[] {
  const floor = Math.max(state.checkpointLsn, state.lastSnapshotLsn ?? 0);
  const fence = openFenceLsn(state);
  const candidates = new Set<Lsn>([fence, state.openedAtLsn]);
  for (const record of sessionRecords(state)) if (record.kind === 'TxCommit') candidates.add(record.lsn);
  return [...candidates]
    // Every candidate is the fence, the LSN the last open recovered up to, or a commit of this
    // session, in that order and so ascending (the fence is at or below where the open recovered
    // to, and this session's commits are above it); what is left is the durable ones at or above
    // the floor that split no transaction.
    .filter((lsn) => lsn >= floor && lsn <= state.durableLsn && !splitsTransaction(state, lsn));
}

/** Why `lsn` is refused: inside a transaction (once durable and at or above the floor), or anything else. */
function refusal(state: ModelState, lsn: Lsn): 'FenceSplitsTransaction' | 'InvalidArgument' {
  const floor = Math.max(state.checkpointLsn, state.lastSnapshotLsn ?? 0);
  // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator: `lsn >= floor` cannot change the code: a transaction still open began above the floor (a checkpoint inside it was refused), so an LSN below the floor splits none
  const checked = Number.isSafeInteger(lsn) && lsn >= floor && lsn <= state.durableLsn;
  return checked && splitsTransaction(state, lsn) ? 'FenceSplitsTransaction' : 'InvalidArgument';
}

/**
 * wal.checkpoint(lsn) that ran to its end: the snapshot holds every transaction committed at or
 * below `lsn`, the fence of every later open is `lsn`, and a marker follows in the log. A refused
 * LSN changes nothing: FenceSplitsTransaction inside a transaction, InvalidArgument otherwise.
 */
export function Checkpoint(state: ModelState, lsn: Lsn): Step<Lsn> {
  if (state.down !== null) return disabled('the process is down');
  if (state.walPoisoned !== null) return fail(state, 'Poisoned');
  if (!acceptedSnapshotLsns(state).includes(lsn)) return fail(state, refusal(state, lsn));
  const markerLsn = state.nextLsn;
  return succeed(
    {
      ...state,
      log: [...state.log, { kind: 'Checkpoint', lsn: markerLsn, snapshotLsn: lsn }],
      nextLsn: markerLsn + 1,
      lastSnapshotLsn: lsn,
      checkpointLsn: lsn,
    },
    markerLsn,
  );
}

/** The history after a checkpoint's rename was issued. */
export function EpochRenamed(history: EpochHistory, epoch: Epoch): EpochHistory {
  return { ...history, renamed: [...history.renamed, epoch] };
}

/** The history after the checkpoint returned to the host. */
export function EpochAcknowledged(history: EpochHistory, epoch: number): EpochHistory {
  return { ...history, acked: epoch };
}

const sameEvents = (a: readonly ModelEvent[], b: readonly ModelEvent[]): boolean => a.length === b.length && a.every((e, i) => e === b[i]);

/**
 * Recovery sees exactly one epoch, whole: the epoch it found is one whose rename was issued, the
 * snapshot it read holds exactly that epoch's events, and the transactions it replayed continue
 * the snapshot with no hole and no overlap: the first replayed commit is the first one committed
 * above the snapshot's LSN, and every replayed one is a committed one above it, in commit order.
 * (Prefix and durability of the replayed transactions are PrefixInv and DurabilityInv.)
 */
export function OneEpochInv(history: EpochHistory, committed: readonly CommittedTx[], recovery: EpochRecovery): boolean {
  const epoch = history.renamed.find((e) => e.epoch === recovery.epoch && e.snapshotLsn === recovery.snapshotLsn);
  if (epoch === undefined || recovery.snapshot === null || !sameEvents(recovery.snapshot, epoch.snapshot)) return false;
  const above = committed.filter((tx) => tx.commitLsn > epoch.snapshotLsn);
  return recovery.transactions.every((tx, i) => {
    const expected = above[i];
    return expected !== undefined && expected.commitLsn === tx.commitLsn && expected.beginLsn === tx.beginLsn && sameEvents(expected.events, tx.events);
  });
}

/** An epoch whose checkpoint returned to the host is never lost: recovery finds it or a newer one. */
export function EpochDurabilityInv(history: EpochHistory, recovery: EpochRecovery): boolean {
  return recovery.epoch >= history.acked;
}
