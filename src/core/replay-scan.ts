// The scan behind a torn spot: after replay stops at bytes that do not decode in the active
// segment (or at a torn header), it still looks at the rest of the segment, byte by byte, for
// whole frames with good checksums. Two things depend on them: the torn-tail report says whether
// any exist (a crash under an ordered disk leaves none; corruption usually does), and their LSNs
// count toward maxLsn, so a reopened WAL never reuses an LSN that survived on disk.
//
// The scan takes the bytes in chunks, like replay. It keeps only the bytes from the current
// candidate position on, so its memory is bounded by one frame (FRAME_BODY_BYTES_MAX) plus one
// chunk. Its work is bounded too: checksumming candidates costs at most SCAN_CRC_BYTES_BUDGET
// bytes; garbage rarely reaches the checksum at all, because a candidate must first show a
// plausible length and a known kind byte.

import { decodeFrame, readU32 } from './codec.js';
import { FRAME_BODY_BYTES_MAX, FRAME_BODY_BYTES_MIN, FRAME_HEADER_BYTES, RecordKind } from './format.js';

/** The most bytes the scan checksums in candidate frames before it gives up looking. */
export const SCAN_CRC_BYTES_BUDGET = 256 * 1024 * 1024;

export class ReplayScan {
  /** Whole frames with good checksums found so far. */
  framesFound = 0;
  /** The highest LSN among them (0 when none). */
  maxLsn = 0;
  /** True when the budget ran out before the bytes did; the scan then looked no further. */
  budgetExhausted = false;

  private window = new Uint8Array(0);
  private windowBytes = 0;
  /** The candidate position inside the window. */
  private position = 0;
  private crcBytesLeft = SCAN_CRC_BYTES_BUDGET;

  /** Feeds the next bytes of the segment (they follow the previous ones directly). */
  push(bytes: Uint8Array): void {
    if (this.budgetExhausted || bytes.length === 0) return;
    this.append(bytes);
    this.scan(false);
  }

  /** The segment's bytes have all been fed: resolve the candidates still waiting for bytes. */
  finish(): void {
    if (!this.budgetExhausted) this.scan(true);
    this.window = new Uint8Array(0);
    this.windowBytes = 0;
    this.position = 0;
  }

  private append(bytes: Uint8Array): void {
    const needed = this.windowBytes + bytes.length;
    if (needed > this.window.length) {
      const grown = new Uint8Array(Math.max(needed, this.window.length * 2, 4096));
      grown.set(this.window.subarray(0, this.windowBytes));
      this.window = grown;
    }
    this.window.set(bytes, this.windowBytes);
    this.windowBytes = needed;
  }

  private scan(final: boolean): void {
    const bytes = this.window.subarray(0, this.windowBytes);
    let p = this.position;
    while (p + FRAME_HEADER_BYTES <= bytes.length) {
      const bodyBytes = readU32(bytes, p);
      if (bodyBytes < FRAME_BODY_BYTES_MIN || bodyBytes > FRAME_BODY_BYTES_MAX) {
        p++;
        continue;
      }
      if (p + FRAME_HEADER_BYTES + bodyBytes > bytes.length) {
        // The candidate runs past the bytes seen so far: wait for more, unless there are none.
        if (!final) break;
        p++;
        continue;
      }
      const kind = bytes[p + FRAME_HEADER_BYTES]!;
      if (kind < RecordKind.TxBegin || kind > RecordKind.Checkpoint) {
        p++;
        continue;
      }
      if (bodyBytes > this.crcBytesLeft) {
        this.budgetExhausted = true;
        p = bytes.length;
        break;
      }
      this.crcBytesLeft -= bodyBytes;
      const frame = decodeFrame(bytes, p);
      if (frame.ok) {
        this.framesFound++;
        if (frame.record.lsn > this.maxLsn) this.maxLsn = frame.record.lsn;
        p += frame.frameBytes;
      } else {
        p++;
      }
    }
    // Drop the bytes before the candidate so the window holds at most one frame plus one chunk.
    this.window.copyWithin(0, p, this.windowBytes);
    this.windowBytes -= Math.min(p, this.windowBytes);
    this.position = 0;
  }
}
