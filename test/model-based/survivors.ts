// Which records of the log a crash state holds intact, computed from bytes and the format alone
// (docs/format.md: a segment is a 32-byte header then frames of length u32 | crc u32 | body, the
// body starting with kind u8 | lsn u64). It never decodes with src/: it walks the frames the
// writer handed to the OS (the page cache before the crash, plus whatever a failed write put
// down before the WAL cut it back) and calls a frame intact when the crash image holds exactly
// those bytes. The model's Crash takes the result as the crash state's choice.

import type { CrashState } from '../../crash-sim/crash-states.js';
import type { SimFileSystem } from '../../crash-sim/sim-fs.js';
import { parseSegmentFileName } from '../../src/core/format.js';
import type { FileSystem } from '../../src/fs/port.js';

const HEADER_BYTES = 32;
const FRAME_PREFIX_BYTES = 8;

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

/** A segment header's base LSN (docs/format.md: u64 at offset 20), or null for a short file. */
function baseLsnOf(bytes: Uint8Array): number | null {
  return bytes.length < HEADER_BYTES ? null : u32(bytes, 20) + u32(bytes, 24) * 0x1_0000_0000;
}

/** The floor the segment headers of a running file system set: max(base LSN) - 1 over its segments. */
export function segmentFloorLsn(fs: FileSystem, dir: string): number {
  let floor = 0;
  for (const name of fs.readdir(dir)) {
    if (parseSegmentFileName(name) === null) continue;
    const base = baseLsnOf(fs.readFile(fs.join(dir, name)));
    if (base !== null) floor = Math.max(floor, base - 1);
  }
  return floor;
}

const u32 = (b: Uint8Array, at: number): number => ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24)) >>> 0;

function framesOf(bytes: Uint8Array): Frame[] {
  const frames: Frame[] = [];
  let at = HEADER_BYTES;
  while (at + FRAME_PREFIX_BYTES <= bytes.length) {
    const end = at + FRAME_PREFIX_BYTES + u32(bytes, at);
    if (end > bytes.length) break;
    frames.push({ start: at, end, lsn: u32(bytes, at + 9) + u32(bytes, at + 13) * 0x1_0000_0000 });
    at = end;
  }
  return frames;
}

/**
 * The bytes the writer put down for one file: the page cache, extended by failed writes past its
 * end. Where failed writes overlap (a failed write, its cut-back, then another failed write at the
 * same offset), the newer one's bytes are the ones it put down last.
 */
function extendedBytes(cache: Uint8Array, inode: number, sim: SimFileSystem): { bytes: Uint8Array; extended: boolean } {
  let bytes = cache;
  for (const op of sim.opLog) {
    if (op.kind !== 'write' || op.inode !== inode || (op.errno === null && op.writtenBytes === op.data.length)) continue;
    const end = op.offsetBytes + op.writtenBytes;
    if (end <= cache.length) continue;
    const grown = new Uint8Array(Math.max(bytes.length, end));
    grown.set(bytes);
    // Only what lies past the page cache's end is taken from the failed write: below it, the page
    // cache already says what is there.
    const from = Math.max(op.offsetBytes, cache.length);
    grown.set(op.data.subarray(from - op.offsetBytes, op.writtenBytes), from);
    bytes = grown;
  }
  return { bytes, extended: bytes !== cache };
}

function holds(image: Uint8Array, expected: Uint8Array, start: number, end: number): boolean {
  if (image.length < end) return false;
  for (let at = start; at < end; at++) if (image[at] !== expected[at]) return false;
  return true;
}

export function survivingRecords(crash: Pick<CrashState, 'files'>, sim: SimFileSystem, dir: string): Survivors {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const segments = [...crash.files.values()]
    .map((file) => ({ file, id: file.path.startsWith(prefix) ? parseSegmentFileName(file.path.slice(prefix.length)) : null }))
    .filter((entry): entry is { file: (typeof entry)['file']; id: number } => entry.id !== null)
    .sort((a, b) => a.id - b.id);
  const intactLsns: number[] = [];
  let strayLsn: number | null = null;
  let damaged = false;
  let failedWriteBytes = false;
  let floorLsn = 0;
  for (const { file } of segments) {
    const base = baseLsnOf(file.bytes);
    if (base !== null && holds(file.bytes, file.cacheBytes, 0, HEADER_BYTES)) floorLsn = Math.max(floorLsn, base - 1);
  }
  for (const { file } of segments) {
    if (damaged) break;
    const extended = extendedBytes(file.cacheBytes, file.inode, sim);
    const written = extended.bytes;
    failedWriteBytes ||= extended.extended;
    if (!holds(file.bytes, written, 0, Math.min(HEADER_BYTES, written.length))) {
      damaged = true;
      continue;
    }
    for (const frame of framesOf(written)) {
      const intact = holds(file.bytes, written, frame.start, frame.end);
      // A frame only a failed write put down may be on disk or not. When it is not, replay stops
      // there (the segment ends, or its bytes do not decode), but whole frames of the same failed
      // write further on may still be on disk: replay counts those as strays, and so must we.
      if (frame.end > file.cacheBytes.length && !intact) {
        // The cut-back reached the disk: the segment ends here, which is no damage.
        if (file.bytes.length <= frame.start) break;
        damaged = true;
        continue;
      }
      if (!damaged && intact) intactLsns.push(frame.lsn);
      else if (!damaged) damaged = true;
      else if (intact) strayLsn = Math.max(strayLsn ?? 0, frame.lsn);
    }
  }
  return { intactLsns, strayLsn, failedWriteBytes, floorLsn };
}
