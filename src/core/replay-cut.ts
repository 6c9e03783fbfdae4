// The cut of the point-in-time policy: replay stopped at the first damage that is not a torn tail
// (a bad frame or header in a sealed segment, a damaged header with frames behind it), and
// everything after it is cut: the rest of that segment and every later segment. Replay still reads
// the cut bytes for whole frames, only to count their LSNs (a reopened WAL must not hand out an
// LSN the cut part holds while it is on disk), and reports what it cut.

import type { DecodeFailureCause, HeaderFailureCause } from './errors.js';
import type { Lsn } from './records.js';
import type { CutReport } from './replay-outcome.js';
import { ANY_SALT, ReplayScan } from './replay-scan.js';
import type { ReplayTear } from './replay-tear.js';

export class ReplayCut {
  private readonly cutSegments: string[] = [];
  private droppedBytes = 0;
  private maxLsnSeen = 0;
  /** The scan of the segment being fed: the damaged one's (a torn spot's, when one was started) or a later one's. */
  private scanner: { push(bytes: Uint8Array): void };
  private spot: ReplayTear | null;

  /** `salt`: the damaged segment's (0 for v1, ANY_SALT when its header is unreadable); later segments are scanned for any frame. */
  constructor(
    private readonly at: { readonly segment: string; readonly segmentId: number; readonly offsetBytes: number },
    private readonly lsn: Lsn | null,
    private readonly cause: DecodeFailureCause | HeaderFailureCause,
    spot: ReplayTear | null = null,
    salt: number = ANY_SALT,
  ) {
    this.spot = spot;
    this.scanner = spot ?? new ReplayScan(salt, at.offsetBytes);
  }

  /** The bytes after the cut, in order, segment by segment. */
  push(bytes: Uint8Array): void {
    this.scanner.push(bytes);
  }

  /** The segment being fed ended; `sizeBytes` is its length (for the damaged one, counted from 0). */
  endSegment(sizeBytes: number, cutFromBytes: number): void {
    if (this.spot !== null) {
      this.maxLsnSeen = Math.max(this.maxLsnSeen, this.spot.finish().maxLsn);
      this.spot = null;
    } else if (this.scanner instanceof ReplayScan) {
      this.scanner.finish();
      this.maxLsnSeen = Math.max(this.maxLsnSeen, this.scanner.maxLsn);
    }
    this.droppedBytes += sizeBytes - cutFromBytes;
  }

  /** A later segment starts: it is cut whole. */
  beginSegment(name: string): void {
    this.cutSegments.push(name);
    this.scanner = new ReplayScan(ANY_SALT, 0);
  }

  /** The highest LSN among whole frames in the cut bytes. */
  get maxLsn(): Lsn {
    return this.maxLsnSeen;
  }

  report(): CutReport {
    return {
      segment: this.at.segment,
      segmentId: this.at.segmentId,
      offsetBytes: this.at.offsetBytes,
      lsn: this.lsn,
      cause: this.cause,
      cutSegments: [...this.cutSegments],
      droppedBytes: this.droppedBytes,
    };
  }
}
