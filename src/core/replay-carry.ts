// The chunk carry of replay: a segment header or a frame that a chunk boundary split. Replay is
// fed chunks that may end anywhere; the bytes of a header or frame that began in an earlier chunk
// wait here until the rest arrives. Memory is bounded by the largest frame (FRAME_BODY_BYTES_MAX),
// and a carry grown for one large frame is let go afterwards.

import { decodeFrame, readU32 } from './codec.js';
import type { DecodeFailureCause } from './errors.js';
import { FRAME_BODY_BYTES_MAX, FRAME_BODY_BYTES_MIN } from './format.js';

const CARRY_INITIAL_BYTES = 64;
// Stryker disable next-line ArithmeticOperator: memory only: the size above which a carry buffer is let go after its frame (replay-carry's last step), never what a frame holds
const CARRY_KEPT_BYTES_MAX = 1024 * 1024;

/** What completing a carried frame with the next chunk's bytes gave. */
export type CarriedFrame =
  /** The chunk ended before the frame did; all of it was taken. */
  | { readonly kind: 'incomplete'; readonly position: number }
  /** The whole frame, in a buffer of its own; `position` is where the chunk's rest starts. */
  | { readonly kind: 'frame'; readonly position: number; readonly frame: Uint8Array }
  /** The length prefix is impossible: the frame cannot be completed. */
  | { readonly kind: 'bad-length'; readonly position: number };

export class ReplayCarry {
  private bytes = new Uint8Array(CARRY_INITIAL_BYTES);
  /** How many bytes are carried. */
  private carried = 0;
  /** The segment offset of the first carried byte. */
  private startOffset = 0;

  get sizeBytes(): number {
    return this.carried;
  }

  /** The segment offset where the carried header or frame starts. */
  get offsetBytes(): number {
    return this.startOffset;
  }

  /** Starts carrying a new header or frame that begins at segment offset `offsetBytes`. */
  start(offsetBytes: number): void {
    this.carried = 0;
    this.startOffset = offsetBytes;
  }

  /** Forgets what is carried. */
  clear(): void {
    this.carried = 0;
  }

  /** A view of the carried bytes; valid until the next change to the carry. */
  view(): Uint8Array {
    return this.bytes.subarray(0, this.carried);
  }

  /** A copy of the carried bytes from `from` on. */
  copy(from = 0): Uint8Array {
    return this.bytes.slice(from, this.carried);
  }

  /** Appends up to `wanted` bytes of chunk from position; returns the position after them. */
  take(chunk: Uint8Array, position: number, wanted: number): number {
    // Never negative: callers ask for what the frame still lacks, from a position inside the chunk.
    const count = Math.min(wanted, chunk.length - position);
    const needed = this.carried + count;
    if (needed > this.bytes.length) {
      const grown = new Uint8Array(Math.max(needed, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.carried));
      this.bytes = grown;
    }
    this.bytes.set(chunk.subarray(position, position + count), this.carried);
    this.carried = needed;
    return position + count;
  }

  /**
   * The segment ended inside the carried frame: where it starts, why it does not decode (decoding
   * what there is, with the segment's salt, names the cause), and its bytes.
   */
  cutShort(salt: number): { readonly offsetBytes: number; readonly cause: DecodeFailureCause; readonly partial: Uint8Array } {
    const partial = this.copy();
    this.carried = 0;
    const decoded = decodeFrame(partial, 0, salt);
    return { offsetBytes: this.startOffset, cause: decoded.ok ? 'truncated-body' : decoded.cause, partial };
  }

  /**
   * Completes the carried frame with bytes of `chunk`: first its length prefix, then its body.
   * The completed frame gets its own buffer, so events decoded from it may be kept as views
   * without pinning the carry; the carry is then empty.
   */
  completeFrame(chunk: Uint8Array, frameHeaderBytes: number): CarriedFrame {
    let position = 0;
    // Stryker disable next-line EqualityOperator: with <=, a carry that holds the whole prefix takes 0 bytes more and goes on as it would
    if (this.carried < frameHeaderBytes) {
      position = this.take(chunk, position, frameHeaderBytes - this.carried);
      if (this.carried < frameHeaderBytes) return { kind: 'incomplete', position };
    }
    const bodyBytes = readU32(this.bytes, 0);
    if (bodyBytes < FRAME_BODY_BYTES_MIN || bodyBytes > FRAME_BODY_BYTES_MAX) return { kind: 'bad-length', position };
    const frameBytes = frameHeaderBytes + bodyBytes;
    position = this.take(chunk, position, frameBytes - this.carried);
    if (this.carried < frameBytes) return { kind: 'incomplete', position };
    const frame = this.bytes.slice(0, frameBytes);
    this.carried = 0;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: memory only: a large carry buffer is let go instead of kept for the next frame
    if (this.bytes.length > CARRY_KEPT_BYTES_MAX) this.bytes = new Uint8Array(CARRY_INITIAL_BYTES);
    return { kind: 'frame', position, frame };
  }
}

