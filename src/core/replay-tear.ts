// The end of a segment's live frames and the scan behind it. When replay meets a spot that is not a
// live frame (or a torn header), it stops taking records there but reads the rest of the segment
// with a ReplayScan (replay-scan.ts): whether live frames follow decides what the end means
// (replay-end.ts; for a torn header, the decision table's framesAfter fact), is reported with a
// torn tail, and their LSNs count toward maxLsn.

import type { DecodeFailureCause, HeaderFailureCause } from './errors.js';
import type { FramesAfter } from './replay-decision.js';
import type { EndKind } from './replay-end.js';
import type { TornTail } from './replay-outcome.js';
import { ReplayScan } from './replay-scan.js';

export type Tear =
  /** The segment's header is torn: nothing in the segment can be read as records. */
  | { readonly at: 'header'; readonly cause: HeaderFailureCause }
  /** The live frames end at offsetBytes; what is there is `kind` (`cause`: why it did not decode; null at the file's end). */
  | { readonly at: 'frame'; readonly offsetBytes: number; readonly kind: EndKind; readonly cause: DecodeFailureCause | null };

export class ReplayTear {
  private readonly scanner: ReplayScan;

  /**
   * @param salt the salt the scan looks for (replay-scan.ts: 0 for v1, ANY_SALT behind a torn header).
   * @param scanStartBytes the segment offset of the first byte the scan will be pushed.
   */
  constructor(
    readonly tear: Tear,
    salt: number,
    scanStartBytes: number,
  ) {
    this.scanner = new ReplayScan(salt, scanStartBytes);
  }

  /** The first byte that does not belong to a whole frame. */
  get offsetBytes(): number {
    return this.tear.at === 'header' ? 0 : this.tear.offsetBytes;
  }

  /** Feeds the segment's bytes behind the spot, in order. */
  push(bytes: Uint8Array): void {
    this.scanner.push(bytes);
  }

  /** Whether whole frames were found behind the spot so far. */
  framesAfter(): FramesAfter {
    return this.scanner.framesFound > 0 ? 'some' : 'none';
  }

  /** The segment ended: the scan's final findings. */
  finish(): { readonly framesAfter: FramesAfter; readonly maxLsn: number; readonly lastFrameEndBytes: number; readonly debrisEndBytes: number } {
    this.scanner.finish();
    return {
      framesAfter: this.framesAfter(),
      maxLsn: this.scanner.maxLsn,
      lastFrameEndBytes: this.scanner.lastFrameEndBytes,
      debrisEndBytes: Math.max(this.scanner.debrisEndBytes, this.spotDebrisEndBytes),
    };
  }

  /** Where the frame beginning at the spot itself claims to end, when it carries the segment's salt (0 otherwise). */
  spotDebrisEndBytes = 0;

  /** The cause a report names for this spot. */
  get cause(): DecodeFailureCause | HeaderFailureCause {
    if (this.tear.at === 'header') return this.tear.cause;
    return this.tear.cause ?? 'truncated-frame-header';
  }

  /** The torn tail report of a segment that held `segmentBytes` bytes in all. */
  report(segment: { readonly name: string; readonly id: number }, segmentBytes: number): TornTail {
    return {
      segment: segment.name,
      segmentId: segment.id,
      offsetBytes: this.offsetBytes,
      droppedBytes: segmentBytes - this.offsetBytes,
      cause: this.cause,
      validFramesAfter: this.framesAfter() === 'some',
      headerTorn: this.tear.at === 'header',
    };
  }
}
