// The ledger of the skip-corrupted policy: every damaged range replay skipped, and the
// transactions it must never release because of one. A transaction may have lost a record in a
// range when it was open as the range began (its later records may be missing), or when its
// TxBegin's LSN lies between the last good record before the range and the first one after it
// (its TxBegin may have been in the range). Such a transaction is dropped, and any later record
// naming it is passed over instead of being read as a malformed log (rule M5).

import type { DecodeFailureCause, HeaderFailureCause } from './errors.js';
import type { Lsn } from './records.js';

/** A range of a segment that replay skipped under skip-corrupted. */
export interface SkippedRange {
  readonly segment: string;
  readonly segmentId: number;
  readonly offsetBytes: number;
  /** The first byte after the range: a whole frame, or the segment's end. */
  readonly endOffsetBytes: number;
  readonly cause: DecodeFailureCause | HeaderFailureCause;
  /** The LSN of the last good record before the range, or null when none was read. */
  readonly afterLsn: Lsn | null;
  /** The LSN of the first good record after it, or null when none followed. */
  readonly beforeLsn: Lsn | null;
  /** Begin LSNs of the transactions never replayed because of this range, ascending. */
  readonly droppedTransactions: readonly Lsn[];
}

interface OpenRange {
  segment: string;
  segmentId: number;
  offsetBytes: number;
  endOffsetBytes: number;
  cause: DecodeFailureCause | HeaderFailureCause;
  afterLsn: Lsn | null;
  beforeLsn: Lsn | null;
  dropped: Lsn[];
}

export class ReplaySkip {
  private readonly ranges: OpenRange[] = [];

  /**
   * A damaged range starts at `offsetBytes`; `open` are the transactions open at that moment,
   * which are dropped (the caller removes them from its table).
   */
  begin(segment: { readonly name: string; readonly id: number }, offsetBytes: number, cause: SkippedRange['cause'], afterLsn: Lsn, open: readonly Lsn[]): void {
    this.ranges.push({
      segment: segment.name,
      segmentId: segment.id,
      offsetBytes,
      endOffsetBytes: offsetBytes,
      cause,
      afterLsn: afterLsn === 0 ? null : afterLsn,
      beforeLsn: null,
      dropped: [...open],
    });
  }

  /** The range that began last ends at `endOffsetBytes`. */
  end(endOffsetBytes: number): void {
    const last = this.ranges.at(-1);
    if (last !== undefined) last.endOffsetBytes = endOffsetBytes;
  }

  /** A record at `lsn` was read: the first one after a range closes its LSN interval. */
  noteRecord(lsn: Lsn): void {
    const last = this.ranges.at(-1);
    if (last !== undefined && last.beforeLsn === null) last.beforeLsn = lsn;
  }

  /**
   * Whether a record naming the transaction begun at `beginLsn` (not open) belongs to one a range
   * may have damaged; if so it is recorded as dropped and the record must be passed over.
   */
  swallows(beginLsn: Lsn): boolean {
    for (const range of this.ranges) {
      if (range.dropped.includes(beginLsn)) return true;
      const after = range.afterLsn ?? 0;
      if (beginLsn > after && (range.beforeLsn === null || beginLsn < range.beforeLsn)) {
        range.dropped.push(beginLsn);
        return true;
      }
    }
    return false;
  }

  /** The range that began last was a torn tail after all: it is no skipped range. */
  cancelLast(): { readonly cause: SkippedRange['cause'] } | undefined {
    return this.ranges.pop();
  }

  /** Every range of `segment` was part of a torn creation after all. */
  cancelSegment(segment: string): void {
    for (let i = this.ranges.length - 1; i >= 0; i--) if (this.ranges[i]?.segment === segment) this.ranges.splice(i, 1);
  }

  report(): SkippedRange[] {
    return this.ranges.map((r) => ({
      segment: r.segment,
      segmentId: r.segmentId,
      offsetBytes: r.offsetBytes,
      endOffsetBytes: r.endOffsetBytes,
      cause: r.cause,
      afterLsn: r.afterLsn,
      beforeLsn: r.beforeLsn,
      droppedTransactions: [...new Set(r.dropped)].sort((a, b) => a - b),
    }));
  }
}
