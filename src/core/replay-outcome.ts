// The shapes replay takes and returns. replay.ts re-exports them; the shell, the CLI and the tests
// read them.

import type { Inflate } from './codec.js';
import type { DecodeFailureCause, HeaderFailureCause, RecoveryPolicy } from './errors.js';
import type { Lsn, ReplayedTransaction } from './records.js';
import type { EndKind } from './replay-end.js';
import type { SkippedRange } from './replay-skip.js';

export type { EndKind } from './replay-end.js';
export type { SkippedRange } from './replay-skip.js';

export interface ReplayMachineOptions {
  /** Records at or below it are in the host's snapshot: checked for order, then skipped. */
  readonly checkpointLsn: Lsn;
  /**
   * Copy each event out of the chunk it was decoded from. Needed when the caller reuses chunk
   * buffers, and to keep a long transaction from pinning every chunk it spans; not needed when
   * the bytes outlive the replay (the array form passes whole segments and shares them).
   */
  readonly copyEvents: boolean;
  /** Called once per committed transaction, in commit order, as soon as its TxCommit is read. */
  readonly onTransaction: (transaction: ReplayedTransaction) => void;
  /**
   * Inflates a deflated payload (docs/format.md "Deflated payloads"); the shell passes node:zlib's.
   * Without it, a deflated frame above the checkpoint LSN is a programmer error.
   */
  readonly inflate?: Inflate;
  /**
   * Take the usual frames (TxBegin, a batch stored as it is, TxCommit) through replay's hot path
   * (replay-machine.ts, fastFrames) before the general one; on unless false. The outcome is the
   * same either way: test/src/core/replay.fast-path.test.ts turns it off to check that.
   */
  readonly hotPath?: boolean;
  /** What to do with damage (replay-decision.ts, the columns); 'tolerate-torn-tail' when omitted. */
  readonly policy?: RecoveryPolicy;
}

export interface SegmentStart {
  readonly name: string;
  readonly id: number;
  /** True for the newest segment, the only one a crash can have left half-written. */
  readonly last: boolean;
}

/** Where the active segment stops decoding: the shell truncates it there before appending. */
export interface TornTail {
  readonly segment: string;
  readonly segmentId: number;
  /** The first byte that does not belong to a whole frame (0 with headerTorn). */
  readonly offsetBytes: number;
  /** The segment's length minus offsetBytes: the bytes after the end (a v1 repair cuts them off). */
  readonly droppedBytes: number;
  readonly cause: DecodeFailureCause | HeaderFailureCause;
  /**
   * Whole frames with good checksums were found after the bad spot. A crash on an ordered disk
   * leaves none; finding some hints at corruption (or an unordered disk), and the host decides
   * whether to warn. Their LSNs are counted in maxLsn either way.
   */
  readonly validFramesAfter: boolean;
  /**
   * The active segment's header itself is torn (a crash while the segment was being created). The
   * shell rewrites the header with the baseLsn reported for the segment (maxLsn + 1) and appends
   * after it.
   */
  readonly headerTorn: boolean;
}

/** Where the log ends: the end of the last segment's live frames, and what is there. */
export interface LogEnd {
  readonly segment: string;
  readonly segmentId: number;
  /** The first byte after the last live frame (the header's size when there is none; 0 with a torn header). */
  readonly offsetBytes: number;
  /** What that spot holds: the end of the file, zeros, a stale frame, or a torn frame. */
  readonly kind: EndKind;
}

/** What replay learned about one segment file. */
export interface ReplaySegment {
  readonly name: string;
  readonly id: number;
  /** The format version of its header (1 or 2); the version walref writes for a torn header. */
  readonly version: 1 | 2;
  /** Its salt (0 for v1, and for a torn header). */
  readonly salt: number;
  /** What follows its last live frame. */
  readonly end: EndKind;
  /**
   * How far what recovery must remove behind the end reaches: whole live frames, the beginnings of
   * frames of this life that do not decode (a torn write) as far as their length says, and, in the
   * active segment, every byte up to the last non-zero one (the rest of a frame whose length was
   * lost looks like anything else). At least validBytes, and possibly past the file's end. Recovery
   * cuts the file at validBytes and grows it back with zeros when this is above validBytes.
   */
  readonly liveEndBytes: number;
  /** The file's size: every byte replay was fed for it. */
  readonly sizeBytes: number;
  /** From the header; for a torn header, the base LSN the shell must write (maxLsn + 1). */
  readonly baseLsn: Lsn;
  /** Bytes of the file that hold the header and whole frames: where the writer continues. 0 with a torn header. */
  readonly validBytes: number;
  /** The first and last record LSNs in validBytes; null when it holds no record. */
  readonly firstLsn: Lsn | null;
  readonly lastLsn: Lsn | null;
}

/** Where point-in-time recovery cut the log: the first damage, and everything after it. */
export interface CutReport {
  readonly segment: string;
  readonly segmentId: number;
  /** The first byte cut: where the damage starts (0 for a damaged header). */
  readonly offsetBytes: number;
  /** The last good LSN before the damage, or null when none was read. */
  readonly lsn: Lsn | null;
  readonly cause: DecodeFailureCause | HeaderFailureCause;
  /** The segments after the damaged one, cut whole, in order. */
  readonly cutSegments: readonly string[];
  /** Every byte from the cut to the end of the log. */
  readonly droppedBytes: number;
}

/** What a policy other than the default did: present only when one was asked for. */
export interface PolicyReport {
  readonly policy: RecoveryPolicy;
  /** point-in-time: where the log was cut before a damaged sealed segment or header; null when it was not. */
  readonly cut: CutReport | null;
  /** skip-corrupted: every damaged range skipped, in log order. */
  readonly skipped: readonly SkippedRange[];
}

/** Everything replay returns except the transactions (which the streaming form emits as it goes). */
export interface ReplaySummary {
  /** The highest LSN on disk, committed or not, including whole frames found after a torn spot; 0 when none. */
  readonly maxLsn: Lsn;
  readonly tornTail: TornTail | null;
  /** Where the last segment's live frames end, and what is there; null for an empty directory. */
  readonly end: LogEnd | null;
  /** The snapshot LSN of the newest checkpoint marker above the checkpoint LSN; null when none. */
  readonly checkpointObserved: Lsn | null;
  readonly segments: readonly ReplaySegment[];
  /** Only under a policy other than 'tolerate-torn-tail': what it cut or skipped. */
  readonly policyReport?: PolicyReport;
}

export interface ReplayOutcome extends ReplaySummary {
  /** Committed transactions above the checkpoint LSN, in commit order. */
  readonly transactions: readonly ReplayedTransaction[];
}
