// The abstract state of walref, as spec/Wal.tla states it: no bytes, no frames, no segments.
// A record is a logical value with an LSN; the log is a list of them with two boundaries, what
// has been handed to the OS (`writtenCount`) and what is on stable storage (`syncedCount`).
// The history variables (`committed`, `aborted`, `recoveries`) exist only so the invariants in
// invariants.ts can be stated over one state, the way TLA+ states them.

export type Lsn = number;

export type SyncPolicy = 'per-commit' | 'group' | 'none';

/** Events are opaque payloads; the model keeps them as strings (the tests encode them as UTF-8). */
export type ModelEvent = string;

export type LogRecord =
  | { readonly kind: 'TxBegin'; readonly lsn: Lsn }
  | { readonly kind: 'MutationBatch'; readonly lsn: Lsn; readonly txBeginLsn: Lsn; readonly events: readonly ModelEvent[] }
  | { readonly kind: 'TxCommit'; readonly lsn: Lsn; readonly txBeginLsn: Lsn }
  | { readonly kind: 'TxAbort'; readonly lsn: Lsn; readonly txBeginLsn: Lsn }
  | { readonly kind: 'Checkpoint'; readonly lsn: Lsn; readonly snapshotLsn: Lsn };

export interface CommittedTx {
  readonly beginLsn: Lsn;
  readonly commitLsn: Lsn;
  readonly events: readonly ModelEvent[];
}

export interface RecorderModel {
  /** True between arm() and the matching commit() / abort(). */
  readonly armed: boolean;
  /** Events recorded since arm(), oldest first. */
  readonly buffer: readonly ModelEvent[];
  /** Why the recorder refuses everything (host misuse or poison()), or null. */
  readonly poisoned: string | null;
}

/** What replay returns for a log: the model's answer, computed from logical records only. */
export interface ModelReplay {
  readonly transactions: readonly CommittedTx[];
  /** The highest LSN of the intact log (0 when empty). */
  readonly maxLsn: Lsn;
  /** The snapshot LSN of the newest checkpoint marker above the checkpoint LSN, or null. */
  readonly checkpointObserved: Lsn | null;
}

/** The history at the moment the process went down, kept for the invariants. */
export interface HistoryAtCrash {
  readonly log: readonly LogRecord[];
  readonly committed: readonly CommittedTx[];
  readonly aborted: readonly Lsn[];
  /** The durable LSN acknowledged to the host before the crash. */
  readonly durableLsn: Lsn;
}

/** A process that went down (crash, or close for a reopen) and has not been recovered yet. */
export interface DownState {
  readonly cause: 'crash' | 'close';
  readonly before: HistoryAtCrash;
  /** The intact prefix of the log that the crash state holds. */
  readonly disk: readonly LogRecord[];
  /**
   * The highest LSN that survived anywhere on disk: intact prefix, stray frame after a torn one,
   * or the LSN just below the newest surviving segment header's base.
   */
  readonly maxSurvivingLsn: Lsn;
}

/** One recovery as it happened: the crash it followed and what the reopened WAL reported. */
export interface Recovery extends DownState {
  /** The checkpoint LSN the recovery replayed above. */
  readonly checkpointLsn: Lsn;
  readonly replay: ModelReplay;
  readonly nextLsn: Lsn;
  readonly durableLsn: Lsn;
}

export interface ModelState {
  readonly policy: SyncPolicy;
  readonly recorder: RecorderModel;
  /** Why the log refuses everything after a failed write or fsync, or null while healthy. */
  readonly walPoisoned: string | null;
  /** Every record this process appended, after the intact records it recovered. */
  readonly log: readonly LogRecord[];
  /** How many records of `log` (a prefix) were handed to the OS. */
  readonly writtenCount: number;
  /**
   * How many records of `log` (a prefix, at least the written ones) a write has tried to hand to
   * the OS. A failed write is cut back in the page cache, but the cut itself is not synced, so a
   * crash may still persist whole frames of it: those records may survive a crash, never a reopen.
   */
  readonly attemptedCount: number;
  /** How many records of `log` (a prefix of the written ones) are on stable storage. */
  readonly syncedCount: number;
  /** The durable LSN the WAL reports (acknowledges) to the host. */
  readonly durableLsn: Lsn;
  /**
   * Everything at or below this LSN was settled when the WAL was last opened: on disk and made
   * durable by open, in the host's snapshot, or a stray frame open cut off (never to be replayed).
   * Open reports it as its durable LSN (nextLsn - 1).
   */
  readonly openedAtLsn: Lsn;
  readonly nextLsn: Lsn;
  /**
   * The host's checkpoint LSN, the replay fence: its snapshot holds everything at or below it, and
   * it passes it to the next open. Checkpoint markers raise it (their payload is a snapshot LSN).
   */
  readonly checkpointLsn: Lsn;
  /** The snapshot LSN (payload) of the newest checkpoint marker in the log; a marker may not go below it. */
  readonly lastSnapshotLsn: Lsn | null;
  /** History: transactions whose TxCommit is in `log`, in commit order. */
  readonly committed: readonly CommittedTx[];
  /** History: TxBegin LSNs of transactions that were aborted or lost their TxCommit in a crash. */
  readonly aborted: readonly Lsn[];
  /** Non-null between Crash (or a close for reopen) and Recover: every other action is disabled. */
  readonly down: DownState | null;
  /** History: the last two recoveries, newest last (IdempotenceInv compares them). */
  readonly recoveries: readonly Recovery[];
}

/** The LSN of the last record in `records`, or 0 for none. */
export function lastLsnOf(records: readonly LogRecord[]): Lsn {
  return records[records.length - 1]?.lsn ?? 0;
}

/** The highest LSN that is settled: the last record on stable storage, or what open settled. */
export function syncedLsn(state: ModelState): Lsn {
  return Math.max(state.openedAtLsn, lastLsnOf(state.log.slice(0, state.syncedCount)));
}

/** The LSN of the last record handed to the OS. */
export function writtenLsn(state: ModelState): Lsn {
  return lastLsnOf(state.log.slice(0, state.writtenCount));
}

/** The recorder refuses when it was misused or poisoned, or when the log beneath it failed. */
export function recorderPoisoned(state: ModelState): string | null {
  return state.recorder.poisoned ?? state.walPoisoned;
}
