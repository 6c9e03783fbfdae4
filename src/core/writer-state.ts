// The writer's state: everything the pure writer needs to decide what to write next. It is a
// plain immutable value; every step in writer.ts returns a new one.

import { emptyPending, type PendingFrames } from './frame-arena.js';
import { OpenBegins } from './open-begins.js';
import type { Lsn } from './records.js';

export type SyncMode = 'per-commit' | 'group' | 'none';

export interface WriterConfig {
  readonly syncMode: SyncMode;
  /** Rotate at the next begin() once the active segment holds at least this many bytes; new segment files are preallocated to it. */
  readonly segmentTargetBytes: number;
  /** Under `group`, a sync is due once this many commits are waiting for one. */
  readonly maxCommits: number | null;
  /** Create segment files at their target size (zeros, synced) before frames go in, and prepare the next one ahead. */
  readonly preallocate: boolean;
  /** How many segments truncateUpTo frees are kept as free files for reuse; the rest are unlinked. */
  readonly recycleSegments: number;
}

/** A sealed segment: never written again; what truncateUpTo needs to decide whether to drop or keep it. */
export interface SealedSegment {
  readonly id: number;
  readonly name: string;
  readonly baseLsn: Lsn;
  /** The highest LSN in the segment; null for a segment that holds no record. */
  readonly lastLsn: Lsn | null;
  /** Its format version: only a v2 segment is kept for reuse (v1 files are unlinked). */
  readonly version: 1 | 2;
  /** Its salt (0 for v1): a later life of the file must get another one. */
  readonly salt: number;
  /** The file's size (at least its target size when it was preallocated). */
  readonly sizeBytes: number;
}

export interface ActiveSegment {
  readonly id: number;
  readonly name: string;
  readonly baseLsn: Lsn;
  /** The salt every frame of the segment carries. */
  readonly salt: number;
  /** Bytes handed to the OS so far (header included): where the next write goes. */
  readonly writtenBytes: number;
  /** The file's size as the writer knows it: a write that stays below it never grows the file. */
  readonly sizeBytes: number;
  /** Whether any record (written or still buffered) belongs to this segment. */
  readonly hasRecords: boolean;
}

/**
 * A free file: a preallocated file, all of it allocated and synced, kept to become a future segment
 * (docs/format.md "Preallocation and reuse"). `preparing` while the writer zero-fills and syncs a
 * fresh one in the background; only a `ready` one is used.
 */
export interface FreeFile {
  readonly name: string;
  readonly number: number;
  readonly sizeBytes: number;
  /** The salt of the segment the file last was, when the writer knows it: the next life must differ. */
  readonly previousSalt: number | null;
  readonly status: 'ready' | 'preparing';
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
  /** Free files, in no particular order. */
  readonly free: readonly FreeFile[];
  /**
   * TxBegin LSNs whose transaction is still open (neither committed nor aborted), oldest first: a
   * persistent set (open-begins.ts), so that a begin or a commit does not copy the others.
   */
  readonly openTransactions: OpenBegins;
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
  readonly active: {
    readonly id: number;
    readonly name: string;
    readonly baseLsn: Lsn;
    readonly salt: number;
    /** Where the writer continues: the end of the live frames. */
    readonly writtenBytes: number;
    readonly sizeBytes: number;
    readonly hasRecords: boolean;
  };
  readonly sealed: readonly SealedSegment[];
  readonly free: readonly FreeFile[];
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
    active: { ...start.active },
    sealed: start.sealed,
    free: start.free,
    openTransactions: OpenBegins.empty(),
    lastSnapshotLsn: start.lastSnapshotLsn,
    commitsSinceFsync: 0,
    poisoned: null,
  };
}
