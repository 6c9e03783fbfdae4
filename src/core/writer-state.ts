// The writer's state: everything the pure writer needs to decide what to write next. It is a
// plain immutable value; every step in writer.ts returns a new one.

import { emptyPending, type PendingFrames } from './frame-arena.js';
import type { Lsn } from './records.js';

export type SyncMode = 'per-commit' | 'group' | 'none';

export interface WriterConfig {
  readonly syncMode: SyncMode;
  /** Rotate at the next begin() once the active segment holds at least this many bytes. */
  readonly segmentTargetBytes: number;
  /** Under `group`, a sync is due once this many commits are waiting for one. */
  readonly maxCommits: number | null;
}

/** A sealed segment: never written again; what truncateUpTo needs to decide whether to drop it. */
export interface SealedSegment {
  readonly id: number;
  readonly name: string;
  readonly baseLsn: Lsn;
  /** The highest LSN in the segment; null for a segment that holds no record. */
  readonly lastLsn: Lsn | null;
}

export interface ActiveSegment {
  readonly id: number;
  readonly name: string;
  readonly baseLsn: Lsn;
  /** Bytes handed to the OS so far (header included): where the next write goes. */
  readonly writtenBytes: number;
  /** Whether any record (written or still buffered) belongs to this segment. */
  readonly hasRecords: boolean;
}

export interface WriterState {
  readonly config: WriterConfig;
  /** The LSN the next record gets. Never reused, even across crashes. */
  readonly nextLsn: Lsn;
  /** The highest LSN handed to the OS (written, maybe not yet synced). */
  readonly writtenLsn: Lsn;
  /** The highest LSN known to be on stable storage: an fsync covering it returned OK. */
  readonly durableLsn: Lsn;
  /** Encoded frames not yet handed to the OS. */
  readonly pending: PendingFrames;
  readonly pendingBytes: number;
  readonly active: ActiveSegment;
  /** Sealed segments, oldest first. */
  readonly sealed: readonly SealedSegment[];
  /**
   * TxBegin LSNs whose transaction is still open (neither committed nor aborted). A small array:
   * few transactions are open at once, and copying a few numbers is cheaper than copying a Set.
   */
  readonly openTransactions: readonly Lsn[];
  /** The snapshot LSN of the newest checkpoint marker, on disk or written since open. */
  readonly lastSnapshotLsn: Lsn | null;
  /** Commits since the last sync; under `group` a sync is due at `maxCommits`. */
  readonly commitsSinceFsync: number;
  /** Why the writer refuses everything, or null while it is healthy. */
  readonly poisoned: string | null;
}

/** What open() learned from disk, from which the writer starts. */
export interface WriterStart {
  readonly config: WriterConfig;
  readonly active: { readonly id: number; readonly name: string; readonly baseLsn: Lsn; readonly sizeBytes: number; readonly hasRecords: boolean };
  readonly sealed: readonly SealedSegment[];
  /** The highest LSN that survived on disk anywhere (0 for an empty log). */
  readonly maxLsnOnDisk: Lsn;
  /** The highest LSN in the intact log that open() has just made durable. */
  readonly durableLsn: Lsn;
  readonly lastSnapshotLsn: Lsn | null;
}

export function initialWriterState(start: WriterStart): WriterState {
  return {
    config: start.config,
    nextLsn: start.maxLsnOnDisk + 1,
    writtenLsn: start.durableLsn,
    durableLsn: start.durableLsn,
    pending: emptyPending(),
    pendingBytes: 0,
    active: {
      id: start.active.id,
      name: start.active.name,
      baseLsn: start.active.baseLsn,
      writtenBytes: start.active.sizeBytes,
      hasRecords: start.active.hasRecords,
    },
    sealed: start.sealed,
    openTransactions: [],
    lastSnapshotLsn: start.lastSnapshotLsn,
    commitsSinceFsync: 0,
    poisoned: null,
  };
}
