// Resynchronising after damage, for the skip-corrupted policy: from the first byte after a bad
// spot, look for the next live frame (a plausible length and tag, then a good checksum, the
// segment's salt for a v2 segment, and a body that decodes), and hand back the bytes from it on so
// replay can read frames again there. A frame of an earlier life of the file (another salt) is
// never one: stale frames are skipped, never replayed.
// Like the scan behind a torn tail (replay-scan.ts) it keeps only the bytes from the current
// candidate on, so its memory is bounded by one frame plus one chunk, and its checksum work by
// SCAN_CRC_BYTES_BUDGET per damaged range.

import { decodeFrame, frameHeaderBytesForSalt, readU32 } from './codec.js';
import { FRAME_BODY_BYTES_MAX, FRAME_BODY_BYTES_MIN } from './format.js';
import { nextNonZero, ReplayScan, SCAN_CRC_BYTES_BUDGET } from './replay-scan.js';
import { appendToWindow } from './byte-window.js';

export type ResyncResult =
  | { readonly found: false }
  /** A whole frame starts at segment offset `offsetBytes`; `rest` holds the bytes from it on. */
  | { readonly found: true; readonly offsetBytes: number; readonly rest: Uint8Array };

const NOT_FOUND: ResyncResult = { found: false };

export class ReplayResync {
  private window = new Uint8Array(0);
  private windowBytes = 0;
  /** The segment offset of the window's first byte. */
  private windowOffset: number;
  private crcBytesLeft: number;

  private readonly headerBytes: number;

  /**
   * @param offsetBytes the segment offset of the first byte that will be pushed.
   * @param salt the segment's salt (0 for a v1 segment).
   * @param crcBytesBudget the most body bytes checksummed before the rest of the segment is skipped.
   */
  constructor(
    offsetBytes: number,
    private readonly salt: number,
    crcBytesBudget = SCAN_CRC_BYTES_BUDGET,
  ) {
    this.windowOffset = offsetBytes;
    this.crcBytesLeft = crcBytesBudget;
    this.headerBytes = frameHeaderBytesForSalt(salt);
  }

  /** Feeds the segment's next bytes; a frame found is handed back with every byte after it. */
  push(bytes: Uint8Array): ResyncResult {
    // An empty chunk appends nothing (appendToWindow neither grows nor copies for it).
    this.append(bytes);
    return this.scan(false);
  }

  /** The segment ended: a candidate that waited for more bytes is resolved now. */
  finish(): ResyncResult {
    return this.scan(true);
  }

  private append(bytes: Uint8Array): void {
    this.window = appendToWindow(this.window, this.windowBytes, bytes);
    this.windowBytes += bytes.length;
  }

  private scan(final: boolean): ResyncResult {
    const bytes = this.window.subarray(0, this.windowBytes);
    let p = 0;
    const headerBytes = this.headerBytes;
    while (p + headerBytes <= bytes.length && this.crcBytesLeft > 0) {
      const bodyBytes = readU32(bytes, p);
      // Stryker disable next-line ConditionalExpression,LogicalOperator: without it a length out of range goes on to the checks below, which never take it for a frame (decodeFrame checks the length too): the same frame is found at the same offset, only later (at finish(), if it waited for bytes the length asked for) and after more work
      if (bodyBytes < FRAME_BODY_BYTES_MIN || bodyBytes > FRAME_BODY_BYTES_MAX) {
        // A run of zeros (a preallocated file's, megabytes long) is skipped a word at a time, as
        // the scan behind a torn tail does: no frame can start until 3 bytes before a non-zero byte.
        // Stryker disable next-line ConditionalExpression: without the skip, zeros are stepped over a byte at a time: the same result, slower
        p = bodyBytes === 0 ? Math.max(p + 1, nextNonZero(bytes, p + 4) - 3) : p + 1;
        continue;
      }
      if (p + headerBytes + bodyBytes > bytes.length) {
        if (!final) break;
        p++;
        continue;
      }
      // Stryker disable next-line ConditionalExpression: an implausible tag never decodes either; the check only spares the checksum work
      if (!ReplayScan.plausibleTag(bytes[p + headerBytes]!, this.salt !== 0)) {
        p++;
        continue;
      }
      this.crcBytesLeft -= bodyBytes;
      if (decodeFrame(bytes, p, this.salt).ok) {
        const found: ResyncResult = { found: true, offsetBytes: this.windowOffset + p, rest: bytes.slice(p) };
        this.windowBytes = 0;
        return found;
      }
      p++;
    }
    // Past the budget nothing more is looked at: the rest of the segment is skipped.
    // Stryker disable next-line EqualityOperator: memory only: at exactly 0 the loop above looks at nothing more either way, and this lets the window go
    if (this.crcBytesLeft <= 0) p = bytes.length;
    this.window.copyWithin(0, p, this.windowBytes);
    this.windowBytes -= Math.min(p, this.windowBytes);
    this.windowOffset += p;
    return NOT_FOUND;
  }
}
