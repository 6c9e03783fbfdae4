// The one frame walk of the presentations: `walref dump` lists what is physically in each segment
// with it, and the crash-state picture and the HTML report find the frames of a segment's
// page-cache bytes with it. It makes no judgement: whether an undecodable frame is a torn tail or
// corruption is replay's decision (src/core/replay.ts), which the dump prints after the listing.

import { decodeFrame, readU32 } from '../src/core/codec.js';
import type { DecodeFailureCause, HeaderFailureCause } from '../src/core/errors.js';
import { SEGMENT_HEADER_BYTES, SEGMENT_HEADER_PREFIX_BYTES } from '../src/core/format.js';
import type { SegmentHeader, WalRecord } from '../src/core/records.js';
import { endKindAt, type EndKind } from '../src/core/replay-end.js';
import { decodeSegmentHeader, segmentHeaderBytesAt } from '../src/core/segment-header.js';

/** One step of the walk over a segment's frames. */
export type FrameStep =
  | { readonly kind: 'record'; readonly offsetBytes: number; readonly frameBytes: number; readonly record: WalRecord }
  | {
      readonly kind: 'undecodable';
      readonly offsetBytes: number;
      readonly remainingBytes: number;
      readonly cause: DecodeFailureCause;
      /** What the spot holds: zeros, a stale frame, or a torn one (docs/format.md "Where a segment's frames end"). */
      readonly end: EndKind;
    };

/** Where a segment's frames start and the salt they carry, read from its header bytes (null: no header to go by). */
export function frameLayoutOf(bytes: Uint8Array): { readonly headerBytes: number; readonly salt: number } | null {
  if (bytes.length < SEGMENT_HEADER_PREFIX_BYTES) return null;
  const headerBytes = segmentHeaderBytesAt(bytes);
  if (headerBytes !== SEGMENT_HEADER_BYTES) return { headerBytes, salt: 0 };
  return bytes.length < SEGMENT_HEADER_BYTES ? null : { headerBytes, salt: readU32(bytes, 28) };
}

export type WalkEntry =
  | { readonly kind: 'segment'; readonly segment: string; readonly sizeBytes: number; readonly header: SegmentHeader }
  | { readonly kind: 'bad-header'; readonly segment: string; readonly sizeBytes: number; readonly cause: HeaderFailureCause }
  | (FrameStep & { readonly segment: string });

/**
 * The frames of a segment's bytes after its header, in file order, up to and including the first
 * one that does not decode: nothing after it can be located reliably without guessing where the
 * next frame starts.
 */
export function* walkFrames(bytes: Uint8Array): Generator<FrameStep> {
  const layout = frameLayoutOf(bytes);
  if (layout === null) return;
  let offsetBytes = layout.headerBytes;
  // Every decoded frame is at least FRAME_HEADER_BYTES + FRAME_BODY_BYTES_MIN long, so the loop
  // advances on each step and ends after at most bytes.length / 17 iterations.
  while (offsetBytes < bytes.length) {
    const frame = decodeFrame(bytes, offsetBytes, layout.salt);
    if (!frame.ok) {
      const end = endKindAt(bytes.subarray(offsetBytes), frame.cause, layout.salt !== 0);
      yield { kind: 'undecodable', offsetBytes, remainingBytes: bytes.length - offsetBytes, cause: frame.cause, end };
      return;
    }
    yield { kind: 'record', offsetBytes, frameBytes: frame.frameBytes, record: frame.record };
    offsetBytes += frame.frameBytes;
  }
}

/** The records of the whole frames at the start of `bytes` (a segment's), stopping at the first bad one. */
export function wholeFrames(bytes: Uint8Array): Extract<FrameStep, { kind: 'record' }>[] {
  const frames: Extract<FrameStep, { kind: 'record' }>[] = [];
  for (const step of walkFrames(bytes)) if (step.kind === 'record') frames.push(step);
  return frames;
}

/**
 * One segment's header and records in file order. A segment whose header does not decode is
 * listed and skipped.
 */
export function* walkSegment(segment: { readonly name: string; readonly id: number; readonly bytes: Uint8Array }): Generator<WalkEntry> {
  const { name, bytes } = segment;
  const header = decodeSegmentHeader(bytes, segment.id);
  if (!header.ok) {
    yield { kind: 'bad-header', segment: name, sizeBytes: bytes.length, cause: header.cause };
    return;
  }
  yield { kind: 'segment', segment: name, sizeBytes: bytes.length, header: header.header };
  for (const step of walkFrames(bytes)) yield { ...step, segment: name };
}
