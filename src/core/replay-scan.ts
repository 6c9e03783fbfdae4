// The scan behind the end of a segment's live frames: after replay stops at a spot that is not a
// live frame (docs/format.md "Where a segment's frames end"), or at a torn header, it still looks
// at the rest of the segment for whole live frames. Three things depend on them: in the active
// segment the report says whether any exist (a crash under an ordered disk leaves none; corruption
// usually does), and their LSNs count toward maxLsn, so a reopened WAL never reuses an LSN that
// survived on disk; in a sealed segment any is corruption.
//
// What counts as a frame depends on the segment: in a v2 segment a live frame (good checksum, the
// segment's salt); in a v1 segment a whole v1 frame; behind a torn header, whose salt is unknown,
// any whole frame of either version (ANY_SALT).
//
// The scan takes the bytes in chunks, like replay. It keeps only the bytes from the current
// candidate position on, so its memory is bounded by one frame (FRAME_BODY_BYTES_MAX) plus one
// chunk. Its work is bounded too: runs of zeros are skipped without looking at each position as a
// candidate, a whole stale frame is skipped at once (no live frame can start inside it: writing one
// would have broken its checksum), and checksumming candidates costs at most
// SCAN_CRC_BYTES_BUDGET bytes; garbage rarely reaches the checksum at all, because a candidate
// must first show a plausible length and a known kind.

import { decodeRecordAt, readU32 } from './codec.js';
import {
  FRAME_BODY_BYTES_MAX,
  FRAME_BODY_BYTES_MIN,
  FRAME_HEADER_BYTES,
  FRAME_HEADER_BYTES_V1,
  RecordKind,
  TAG_KIND_MASK,
  TAG_RESERVED_MASK,
} from './format.js';
import { appendToWindow } from './byte-window.js';

/** The most bytes the scan checksums in candidate frames before it gives up looking. */
export const SCAN_CRC_BYTES_BUDGET = 256 * 1024 * 1024;

/** Scan for any whole frame, v1 or v2 under whatever salt it carries: behind a torn header. */
export const ANY_SALT = -1;

export class ReplayScan {
  /** Whole frames found so far (live ones, for a segment with a known salt). */
  framesFound = 0;
  /** The highest LSN among them (0 when none). */
  maxLsn = 0;
  /** The segment offset where the last frame found ends (0 when none). */
  lastFrameEndBytes = 0;
  /**
   * How far the beginnings of frames of the segment's life reach: the furthest end claimed by a
   * candidate that carries the segment's salt and a plausible length, whole or not (0 when none).
   * Recovery overwrites up to there, so no such remains can ever be completed by a later write.
   */
  debrisEndBytes = 0;
  /** True when the budget ran out before the bytes did; the scan then looked no further. */
  budgetExhausted = false;

  private window = new Uint8Array(0);
  private windowBytes = 0;
  /** The candidate position inside the window. */
  private position = 0;
  /** The segment offset of the window's first byte. */
  private windowStart: number;
  private crcBytesLeft: number;

  /**
   * @param salt the segment's salt (v2), 0 for a v1 segment, ANY_SALT behind a torn header.
   * @param startBytes the segment offset of the first byte pushed.
   * @param crcBytesBudget the most body bytes checksummed before the scan looks no further.
   */
  constructor(
    private readonly salt: number,
    startBytes: number,
    crcBytesBudget = SCAN_CRC_BYTES_BUDGET,
  ) {
    this.windowStart = startBytes;
    this.crcBytesLeft = crcBytesBudget;
  }

  /** Feeds the next bytes of the segment (they follow the previous ones directly). */
  push(bytes: Uint8Array): void {
    if (this.budgetExhausted || bytes.length === 0) return;
    // Stryker disable next-line ConditionalExpression,BlockStatement: without this shortcut the bytes go through the window, with the same result
    if (this.windowBytes === 0) {
      // Nothing waits in the window: scan the bytes where they are, and keep only what is left.
      const p = this.scanBytes(bytes, 0, false);
      this.windowStart += p;
      // Stryker disable next-line ConditionalExpression,EqualityOperator: appending the empty rest changes nothing
      if (p < bytes.length) this.append(bytes.subarray(p));
      return;
    }
    this.append(bytes);
    this.scan(false);
  }

  /** The segment's bytes have all been fed: resolve the candidates still waiting for bytes. */
  finish(): void {
    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: scanning an empty window finds nothing, and a spent budget stops the scan at the candidate it stopped at before
    if (!this.budgetExhausted && this.windowBytes > 0) this.scan(true);
    this.window = new Uint8Array(0);
    this.windowBytes = 0;
    this.position = 0;
  }

  private append(bytes: Uint8Array): void {
    this.window = appendToWindow(this.window, this.windowBytes, bytes);
    this.windowBytes += bytes.length;
  }

  /** The v2 tag or v1 kind byte names a record kind. */
  static plausibleTag(tag: number, v2: boolean): boolean {
    // A filter before the checksum: a frame with reserved bits or an unknown kind never decodes
    // either, but checking it would spend the scan's budget (replay-scan.test.ts shows the difference).
    // In a v1 kind byte the reserved bits lie above every kind, so the same test serves both.
    if ((tag & TAG_RESERVED_MASK) !== 0) return false;
    const kind = v2 ? tag & TAG_KIND_MASK : tag;
    return kind >= RecordKind.TxBegin && kind <= RecordKind.Checkpoint;
  }

  private scan(final: boolean): void {
    const p = this.scanBytes(this.window.subarray(0, this.windowBytes), this.position, final);
    // Drop the bytes before the candidate so the window holds at most one frame plus one chunk.
    const drop = Math.min(p, this.windowBytes);
    this.window.copyWithin(0, drop, this.windowBytes);
    this.windowBytes -= drop;
    this.windowStart += drop;
    this.position = 0;
  }

  /**
   * Looks for frames in `bytes` (the segment's bytes from windowStart on) from `from`; returns the
   * position of the first candidate that needs more bytes (or the end).
   */
  private scanBytes(bytes: Uint8Array, from: number, final: boolean): number {
    const n = bytes.length;
    // A candidate needs its length and checksum at least (8 bytes); tryOne waits for the rest.
    const minHeader = FRAME_HEADER_BYTES_V1;
    let p = from;
    // Stryker disable next-line EqualityOperator: with exactly minHeader bytes left no whole frame fits (every frame is longer) and no debris can be claimed (that needs a v2 header's 12 bytes), so stopping one candidate early keeps the same bytes for the next push
    while (p + minHeader <= n) {
      const bodyBytes = readU32(bytes, p);
      if (bodyBytes < FRAME_BODY_BYTES_MIN || bodyBytes > FRAME_BODY_BYTES_MAX) {
        // A run of zeros: no candidate can start until 3 bytes before the next non-zero byte, which
        // is at p + 4 or later (the length's four bytes are zeros), so the scan always moves on.
        p = bodyBytes === 0 ? nextNonZero(bytes, p + 4) - 3 : p + 1;
        continue;
      }
      const outcome = this.salt === ANY_SALT ? this.tryAny(bytes, p, bodyBytes, final) : this.tryOne(bytes, p, bodyBytes, this.salt, final);
      if (outcome === WAIT) break;
      if (outcome === EXHAUSTED) {
        this.budgetExhausted = true;
        return n;
      }
      p += outcome;
    }
    return Math.min(p, n);
  }

  /**
   * Looks at the candidate at p as a frame of `salt`'s layout: how far to move on (the frame's size
   * past a whole frame, live or stale; 1 otherwise), or WAIT for more bytes, or EXHAUSTED.
   */
  private tryOne(bytes: Uint8Array, p: number, bodyBytes: number, salt: number, final: boolean): number {
    const headerBytes = salt === 0 ? FRAME_HEADER_BYTES_V1 : FRAME_HEADER_BYTES;
    const frameBytes = headerBytes + bodyBytes;
    if (salt > 0 && salt === this.salt && p + FRAME_HEADER_BYTES <= bytes.length && readU32(bytes, p + 8) === salt) {
      this.debrisEndBytes = Math.max(this.debrisEndBytes, this.windowStart + p + frameBytes);
    }
    if (p + frameBytes > bytes.length) return final ? 1 : WAIT;
    if (!ReplayScan.plausibleTag(bytes[p + headerBytes]!, salt !== 0)) return 1;
    if (bodyBytes > this.crcBytesLeft) return EXHAUSTED;
    this.crcBytesLeft -= bodyBytes;
    const decoded = decodeRecordAt(bytes, p, salt);
    if (typeof decoded !== 'string') {
      this.found(decoded.lsn, p + frameBytes);
      return frameBytes;
    }
    return decoded === 'stale-frame' ? frameBytes : 1;
  }

  /** Behind a torn header: a whole v2 frame under the salt it carries, else a whole v1 frame. */
  private tryAny(bytes: Uint8Array, p: number, bodyBytes: number, final: boolean): number {
    if (p + FRAME_HEADER_BYTES <= bytes.length) {
      const carried = readU32(bytes, p + 8);
      if (carried !== 0) {
        const v2 = this.tryOne(bytes, p, bodyBytes, carried, final);
        if (v2 !== 1) return v2;
      }
    }
    return this.tryOne(bytes, p, bodyBytes, 0, final);
  }

  private found(lsn: number, endInWindow: number): void {
    this.framesFound++;
    if (lsn > this.maxLsn) this.maxLsn = lsn;
    this.lastFrameEndBytes = this.windowStart + endInWindow;
  }
}

const WAIT = -1;
const EXHAUSTED = -2;

/**
 * @internal The index of the first non-zero byte of `bytes` at or after `from` (bytes.length when
 * none): a word at a time where the bytes are 4-aligned in their buffer, since a preallocated segment's
 * zeros behind its last frame can be megabytes long.
 */
export function nextNonZero(bytes: Uint8Array, from: number): number {
  const n = bytes.length;
  let q = from;
  while (q < n && ((bytes.byteOffset + q) & 3) !== 0) {
    if (bytes[q] !== 0) return q;
    q++;
  }
  const wordCount = (n - q) >> 2;
  if (wordCount > 0) q += zeroWords(new Int32Array(bytes.buffer, bytes.byteOffset + q, wordCount)) * 4;
  while (q < n && bytes[q] === 0) q++;
  return q;
}

/**
 * How many words at the start of `words` are zero. A function of its own, with nothing after its
 * loop: V8 compiles a loop this long while it runs (on-stack replacement) and reuses that code on
 * every later call, so code after the loop that had not run yet when it was compiled would
 * deoptimize at every call's end (once per chunk of zeros).
 */
function zeroWords(words: Int32Array): number {
  const count = words.length;
  let w = zeroQuads(words);
  while (w < count && words[w] === 0) w++;
  return w;
}

/**
 * How many words at the start of `words` lie in whole runs of four zero words: the long loop of
 * zeroWords, four words a step, which takes about half the time a word at a time does on a
 * megabyte of zeros (a micro-benchmark on this machine kind). The few words after it are
 * zeroWords's.
 */
function zeroQuads(words: Int32Array): number {
  const last = words.length - 3;
  let w = 0;
  while (w < last && (words[w]! | words[w + 1]! | words[w + 2]! | words[w + 3]!) === 0) w += 4;
  return w;
}

/**
 * @internal The index just after the last non-zero byte of `bytes` (0 when all are zeros): recovery
 * must know whether anything but zeros lies behind the end of the active segment's live frames
 * (docs/format.md, "Recovery"). A word at a time where the bytes are 4-aligned, as nextNonZero.
 */
export function endOfNonZero(bytes: Uint8Array): number {
  let q = bytes.length;
  while (q > 0 && ((bytes.byteOffset + q) & 3) !== 0) {
    if (bytes[q - 1] !== 0) return q;
    q--;
  }
  const firstAligned = (4 - (bytes.byteOffset & 3)) & 3;
  if (q > firstAligned) q -= trailingZeroWords(new Int32Array(bytes.buffer, bytes.byteOffset + firstAligned, (q - firstAligned) >> 2)) * 4;
  while (q > 0 && bytes[q - 1] === 0) q--;
  return q;
}

/** How many words at the end of `words` are zero: a function of its own for the reason zeroWords is. */
function trailingZeroWords(words: Int32Array): number {
  let w = words.length - trailingZeroQuads(words);
  while (w > 0 && words[w - 1] === 0) w--;
  return words.length - w;
}

/** How many words at the end of `words` lie in whole runs of four zero words (zeroQuads, from the end). */
function trailingZeroQuads(words: Int32Array): number {
  let w = words.length;
  while (w >= 4 && (words[w - 1]! | words[w - 2]! | words[w - 3]! | words[w - 4]!) === 0) w -= 4;
  return words.length - w;
}
