// A frame-by-frame walk over segment bytes for `walref dump`: it lists what is physically in each
// segment (header, then every frame that decodes, then the first one that does not). It makes no
// judgement: whether an undecodable frame is a torn tail or corruption is replay's decision
// (src/core/replay.ts), which the dump prints after the listing.

import { decodeFrame } from '../src/core/codec.js';
import type { DecodeFailureCause, HeaderFailureCause } from '../src/core/errors.js';
import { SEGMENT_HEADER_BYTES } from '../src/core/format.js';
import type { SegmentHeader, WalRecord } from '../src/core/records.js';
import { decodeSegmentHeader } from '../src/core/segment-header.js';
import type { SegmentFile } from './read-log.js';

export type WalkEntry =
  | { readonly kind: 'segment'; readonly segment: string; readonly sizeBytes: number; readonly header: SegmentHeader }
  | { readonly kind: 'bad-header'; readonly segment: string; readonly sizeBytes: number; readonly cause: HeaderFailureCause }
  | {
      readonly kind: 'record';
      readonly segment: string;
      readonly offsetBytes: number;
      readonly frameBytes: number;
      readonly record: WalRecord;
    }
  | {
      readonly kind: 'undecodable';
      readonly segment: string;
      readonly offsetBytes: number;
      readonly remainingBytes: number;
      readonly cause: DecodeFailureCause;
    };

/**
 * Yields every segment's header and records in file order. A segment whose header does not decode
 * is listed and skipped; a frame that does not decode ends its segment's listing, because nothing
 * after it can be located reliably without guessing where the next frame starts.
 */
export function* walkSegments(segments: readonly SegmentFile[]): Generator<WalkEntry> {
  for (const segment of segments) {
    const { name, bytes } = segment;
    const header = decodeSegmentHeader(bytes, segment.id);
    if (!header.ok) {
      yield { kind: 'bad-header', segment: name, sizeBytes: bytes.length, cause: header.cause };
      continue;
    }
    yield { kind: 'segment', segment: name, sizeBytes: bytes.length, header: header.header };
    let offsetBytes = SEGMENT_HEADER_BYTES;
    // Every decoded frame is at least FRAME_HEADER_BYTES + FRAME_BODY_BYTES_MIN long, so the loop
    // advances on each step and ends after at most bytes.length / 17 iterations.
    while (offsetBytes < bytes.length) {
      const frame = decodeFrame(bytes, offsetBytes);
      if (!frame.ok) {
        yield { kind: 'undecodable', segment: name, offsetBytes, remainingBytes: bytes.length - offsetBytes, cause: frame.cause };
        break;
      }
      yield { kind: 'record', segment: name, offsetBytes, frameBytes: frame.frameBytes, record: frame.record };
      offsetBytes += frame.frameBytes;
    }
  }
}
