// Pending frames as a range of an append-only byte arena. Frames are encoded straight into the
// arena, so buffering a record allocates nothing and a flush hands the OS one view of the range:
// no per-frame buffers, no copy to join them. That was a third of the CPU of a group commit.
//
// States stay values. An arena only ever grows at its end (`used`) and never rewrites a byte below
// it, so the range a state refers to never changes under it. Appending from the state at the tip
// of the arena extends it in place; appending from any older state (a fork: tests do that) finds
// the tip moved on and copies its range into a new arena first. A range handed to a write effect
// is therefore safe for as long as anyone holds it, and an arena is collected once nobody does.
//
// A write may carry an end marker after the frames (FRAME_HEADER_BYTES of zeros, so that the
// segment's live frames end at zeros rather than at whatever the file held before: docs/format.md
// "Preallocation and reuse"). The marker bytes are taken from the arena too, and skipped by the
// next frame, so they stay zeros for as long as the write's view is held.

import { encodeFrameInto, frameBytesOf } from './codec.js';
import type { WalRecord } from './records.js';

/** The one mutable part: how far the arena is filled. Bytes below `used` never change. */
interface Arena {
  readonly bytes: Uint8Array;
  used: number;
}

/** A state's pending frames: bytes [start, end) of an arena, oldest frame first. */
export interface PendingFrames {
  readonly arena: Arena;
  readonly start: number;
  readonly end: number;
}

// Stryker disable next-line ArithmeticOperator: the arena's first size only; a smaller one grows on the first frame (appendFrame), with the same bytes
const ARENA_BYTES_MIN = 64 * 1024;

export const emptyPending = (): PendingFrames => ({ arena: { bytes: new Uint8Array(ARENA_BYTES_MIN), used: 0 }, start: 0, end: 0 });

/**
 * The bytes of the write that hands the pending frames to the OS, followed by `markerBytes` zeros,
 * and the range the next frame starts from. The marker is reserved in the arena (or the frames are
 * copied, when the arena has moved on or has no room), so the view stays as it is while held.
 */
export function pendingWrite(pending: PendingFrames, markerBytes: number): { data: Uint8Array; next: PendingFrames } {
  const { arena, start, end } = pending;
  if (markerBytes === 0) return { data: arena.bytes.subarray(start, end), next: { arena, start: end, end } };
  // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: `false`, `<` at an exact fit, or the block emptied, copies where it could reserve in place: the same bytes, one more allocation
  if (arena.used === end && end + markerBytes <= arena.bytes.length) {
    arena.used = end + markerBytes;
    return { data: arena.bytes.subarray(start, end + markerBytes), next: { arena, start: end + markerBytes, end: end + markerBytes } };
  }
  const data = new Uint8Array(end - start + markerBytes);
  data.set(arena.bytes.subarray(start, end));
  return { data, next: { arena, start: arena.used, end: arena.used } };
}

/** Encodes one more frame, with `salt`, after `pending` and returns the longer range and the frame's size. */
export function appendFrame(pending: PendingFrames, record: WalRecord, salt: number): { pending: PendingFrames; frameBytes: number } {
  const frameBytes = frameBytesOf(record);
  const { arena, start, end } = pending;
  // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: `false`, `<` at an exact fit, or the block emptied, copies into a new arena where it could encode in place: the same bytes, one more allocation
  if (arena.used === end && end + frameBytes <= arena.bytes.length) {
    encodeFrameInto(record, arena.bytes, end, salt);
    arena.used = end + frameBytes;
    return { pending: { arena, start, end: end + frameBytes }, frameBytes };
  }
  const kept = end - start;
  const bytes = new Uint8Array(Math.max(ARENA_BYTES_MIN, 2 * (kept + frameBytes)));
  bytes.set(arena.bytes.subarray(start, end), 0);
  encodeFrameInto(record, bytes, kept, salt);
  return { pending: { arena: { bytes, used: kept + frameBytes }, start: 0, end: kept + frameBytes }, frameBytes };
}
