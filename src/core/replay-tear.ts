// A torn spot and the scan behind it. When replay meets bytes in the active segment that do not
// decode (or a torn header), it stops taking records there but reads the rest of the segment
// with a ReplayScan (replay-scan.ts): whether whole frames follow decides a torn header's fate
// (the decision table's framesAfter fact), is reported with a torn tail, and their LSNs count
// toward maxLsn.

import type { DecodeFailureCause, HeaderFailureCause } from './errors.js';
import type { FramesAfter } from './replay-decision.js';
import type { TornTail } from './replay-outcome.js';
import { ReplayScan } from './replay-scan.js';

export type Tear =
  /** The segment's header is torn: nothing in the segment can be read as records. */
  | { readonly at: 'header'; readonly cause: HeaderFailureCause }
  /** A frame at offsetBytes does not decode. */
  | { readonly at: 'frame'; readonly offsetBytes: number; readonly cause: DecodeFailureCause };

export class ReplayTear {
  private readonly scanner = new ReplayScan();

  constructor(readonly tear: Tear) {}

  /** The first byte that does not belong to a whole frame. */
  get offsetBytes(): number {
    return this.tear.at === 'header' ? 0 : this.tear.offsetBytes;
  }

  /** Feeds the segment's bytes after the torn spot, in order. */
  push(bytes: Uint8Array): void {
    this.scanner.push(bytes);
  }

  /** Whether whole frames were found behind the torn spot so far. */
  framesAfter(): FramesAfter {
    return this.scanner.framesFound > 0 ? 'some' : 'none';
  }

  /** The segment ended: the scan's final findings. */
  finish(): { readonly framesAfter: FramesAfter; readonly maxLsn: number } {
    this.scanner.finish();
    return { framesAfter: this.framesAfter(), maxLsn: this.scanner.maxLsn };
  }

  /** The torn tail report of a segment that held `segmentBytes` bytes in all. */
  report(segment: { readonly name: string; readonly id: number }, segmentBytes: number): TornTail {
    return {
      segment: segment.name,
      segmentId: segment.id,
      offsetBytes: this.offsetBytes,
      droppedBytes: segmentBytes - this.offsetBytes,
      cause: this.tear.cause,
      validFramesAfter: this.framesAfter() === 'some',
      headerTorn: this.tear.at === 'header',
    };
  }
}
