// Which records of the log a crash state holds intact, computed from bytes and the format alone
// (disk-format.ts). It never decodes with src/: it walks the frames the writer handed to the OS
// (the page cache before the crash, plus whatever a failed write put down before the WAL cut it
// back) by their length prefixes, and calls a frame intact when the crash image holds exactly
// those bytes. The model-based tests hand its result to the model's Crash, and the concurrency
// harness asks it whether an acknowledged commit was on stable storage.
//
// It is one of two independent survivor computations, kept on purpose: layout.ts with
// expected-replay.ts knows from the history which records each write carried and compares those
// placements with the image (walref explore checks recovery against it). Neither uses the other,
// and test/oracle/explore/survivors.agreement.test.ts checks that they find the same intact records
// on every crash state of the example workloads, under every knob combination. Its one
// precondition is stated there too: the page cache holds only bytes the writer wrote. That holds
// whenever a recovery has run since the last power loss (the model-based tests crash only then);
// right after an in-workload power loss the page cache is the crash image itself, torn tail and
// all, and this walk may count leftovers of the crash as frames until recovery cuts them, where
// the placements do not.
//
// The difference between its two uses is one input, named here and tested in
// test/oracle/explore/survivors.test.ts: `survivingRecords` reads the op log for failed writes,
// whose bytes may have reached the disk past the page cache's end; `intactRecordCount` leaves the
// op log out, so it sees only what the page cache held (exact whenever no write failed).

import type { CrashState } from '../../crash-sim/crash-states.js';
import { allZero, frameBytesAt, frameLsnAt, frameSaltAt, headerBaseLsn, headerPreviousEnd, headerSalt, ORACLE_SEGMENT_HEADER_BYTES, plausibleFrameAt, segmentImages, type SegmentImage } from './disk-format.js';
import type { SimOp } from '../../crash-sim/sim-state.js';

interface Frame {
  readonly start: number;
  readonly end: number;
  readonly lsn: number;
}

export interface Survivors {
  /** LSNs of the intact records, in log order: segments by id, frames by offset, up to the first damaged one. */
  readonly intactLsns: readonly number[];
  /** The highest LSN of a whole frame after the first damaged one in the same segment, or null. */
  readonly strayLsn: number | null;
  /** Whether bytes of a failed write (cut back in the page cache) took part. */
  readonly failedWriteBytes: boolean;
  /** The newest intact segment header's base LSN minus one (0 when none): LSNs the log allocated. */
  readonly floorLsn: number;
}

/**
 * The frames the writer put in a file's current life: from the header on, while each carries the
 * header's salt. The end marker (zeros), a preallocated region or a frame of the file's previous
 * life ends them.
 */
function framesOf(bytes: Uint8Array): Frame[] {
  const frames: Frame[] = [];
  const salt = headerSalt(bytes);
  let at = ORACLE_SEGMENT_HEADER_BYTES;
  // Every frame is longer than its prefix, so the walk ends within bytes.length / 12 steps.
  while (salt !== null && plausibleFrameAt(bytes, at) && frameSaltAt(bytes, at) === salt) {
    const end = at + frameBytesAt(bytes, at);
    if (end > bytes.length) break;
    frames.push({ start: at, end, lsn: frameLsnAt(bytes, at) });
    at = end;
  }
  return frames;
}


/**
 * The bytes the writer put down, or tried to, for one file: the page cache, with the frames failed
 * writes carried wherever no later write put other bytes: past the page cache's end (a cut-back by
 * truncation), or under the zeros of a later write that cut it back (in a preallocated file): the
 * writer's own cut-back right after it, or the end marker a recovery writes over a torn tail. A failed write's frames are taken whole,
 * as the writer meant them, not only the bytes it put down: a frame whose missing tail is zeros is
 * whole on a disk that holds zeros there, and replay reads it. Where failed writes overlap (a
 * failed write, its cut-back, then another failed write at the same offset), the newer one's bytes
 * are the ones it put down last.
 */
function extendedBytes(cache: Uint8Array, inode: number, opLog: readonly SimOp[]): { bytes: Uint8Array; extended: boolean } {
  let bytes = cache;
  opLog.forEach((op, index) => {
    if (op.kind !== 'write' || op.inode !== inode || (op.errno === null && op.writtenBytes === op.data.length)) return;
    const start = op.offsetBytes;
    const end = start + op.data.length;
    // Later writes of zeros over it cut it back: the writer's own cut-back right after it, and a
    // recovery's end marker over a torn tail. Either may be lost in a crash, so they give way.
    let cutBack = false;
    const covered = new Uint8Array(op.data.length);
    for (let j = index + 1; j < opLog.length; j++) {
      const later = opLog[j];
      if (later?.kind !== 'write' || later.inode !== inode) continue;
      if (allZero(later.data)) {
        cutBack ||= later.offsetBytes < end && later.offsetBytes + later.data.length > start;
        continue;
      }
      const from = Math.max(start, later.offsetBytes);
      const to = Math.min(end, later.offsetBytes + later.writtenBytes);
      if (from < to) covered.fill(1, from - start, to - start);
    }
    const grown = new Uint8Array(Math.max(bytes.length, end));
    grown.set(bytes);
    let changed = false;
    for (let at = start; at < end; at++) {
      // Below the page cache's end only the cut-back's zeros give way.
      if (covered[at - start] === 1 || (at < cache.length && cache[at] !== 0 && !cutBack)) continue;
      const byte = op.data[at - start] ?? 0;
      if (grown[at] !== byte) {
        grown[at] = byte;
        changed = true;
      }
    }
    if (changed) bytes = grown;
  });
  return { bytes, extended: bytes !== cache };
}

function holds(image: Uint8Array, expected: Uint8Array, start: number, end: number): boolean {
  if (image.length < end) return false;
  for (let at = start; at < end; at++) if (image[at] !== expected[at]) return false;
  return true;
}

/**
 * The records of the log in `dir` that `crash` holds intact. `opLog` is the simulator's op log
 * before the crash (SimFileSystem.opLog): its failed writes count as bytes the writer put down.
 */
export function survivingRecords(crash: Pick<CrashState, 'files'>, dir: string, opLog: readonly SimOp[]): Survivors {
  const segments = segmentImages(crash, dir);
  const intactLsns: number[] = [];
  let strayLsn: number | null = null;
  let damaged = false;
  let failedWriteBytes = false;
  let floorLsn = 0;
  for (const { file } of segments) {
    const base = headerBaseLsn(file.bytes);
    if (base !== null && holds(file.bytes, file.cacheBytes, 0, ORACLE_SEGMENT_HEADER_BYTES)) floorLsn = Math.max(floorLsn, base - 1);
  }
  segments.forEach(({ file, id }, index) => {
    if (damaged) return;
    const extended = extendedBytes(file.cacheBytes, file.inode, opLog);
    const written = extended.bytes;
    failedWriteBytes ||= extended.extended;
    if (!holds(file.bytes, written, 0, Math.min(ORACLE_SEGMENT_HEADER_BYTES, written.length))) {
      damaged = true;
      return;
    }
    const sealedAt = sealedEnd(segments[index + 1], id);
    for (const frame of framesOf(written)) {
      const intact = holds(file.bytes, written, frame.start, frame.end);
      // A frame only a failed write put down may be on disk or not. When it is not, replay stops
      // there (the segment ends, or its bytes do not decode), but whole frames of the same failed
      // write further on may still be on disk: replay counts those as strays, and so must we.
      if (!holds(file.cacheBytes, written, frame.start, frame.end) && !intact) {
        // The cut-back reached the disk (the file ends here), or the writer went on in a new
        // segment whose durable header says this one's frames end here: the segment ends, which
        // is no damage.
        if (file.bytes.length <= frame.start || sealedAt === frame.start) break;
        damaged = true;
        continue;
      }
      if (!damaged && intact) intactLsns.push(frame.lsn);
      else if (!damaged) damaged = true;
      else if (intact) strayLsn = Math.max(strayLsn ?? 0, frame.lsn);
    }
  });
  return { intactLsns, strayLsn, failedWriteBytes, floorLsn };
}

/**
 * Where segment `id`'s frames end by the header of the segment after it (docs/format.md: a sealed
 * segment's end is the offset its successor's header names), when that segment is `id + 1` and
 * its header is on disk as the writer wrote it; null otherwise.
 */
function sealedEnd(next: SegmentImage | undefined, id: number): number | null {
  if (next === undefined || next.id !== id + 1) return null;
  const header = next.file.cacheBytes;
  if (!holds(next.bytes, header, 0, ORACLE_SEGMENT_HEADER_BYTES)) return null;
  const end = headerPreviousEnd(header);
  return end === 0 ? null : end;
}

/** How many records of `dir` survived intact, from the page cache alone (no failed writes' bytes). */
export function intactRecordCount(state: CrashState, dir: string): number {
  return survivingRecords(state, dir, []).intactLsns.length;
}
