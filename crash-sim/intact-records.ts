// How many records of the log survived a crash intact, for the model-based tests: they drive the
// real WAL on a SimFileSystem, pick a crash state, and compare the replay with their model's
// prefix of that many records.
//
// The walk trusts the page cache before the crash (what the writer wrote) for frame boundaries,
// reading each frame's little-endian u32 length there, and compares the crash image with it byte
// for byte. It counts whole frames from the first segment on and stops at the first frame, or the
// first segment header, that did not survive exactly, or at a segment that lost its tail.

import { parseSegmentFileName } from '../src/core/format.js';
import type { CrashState } from './crash-states.js';
import { ORACLE_SEGMENT_HEADER_BYTES } from './frame-size.js';
import { splitPath } from './sim-state.js';

const FRAME_PREFIX_BYTES = 8;

function sameRange(a: Uint8Array, b: Uint8Array, start: number, end: number): boolean {
  if (a.length < end || b.length < end) return false;
  for (let i = start; i < end; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Records intact in `state`, counted from the oldest segment of `dir`, in log order. */
export function intactRecordCount(state: CrashState, dir: string): number {
  const segments = [...state.files.values()]
    .map((file) => ({ file, id: parseSegmentFileName(splitPath(file.path).name), parent: splitPath(file.path).dir }))
    .filter((s): s is typeof s & { id: number } => s.id !== null && s.parent === splitPath(`${dir}/x`).dir)
    .sort((a, b) => a.id - b.id);
  let count = 0;
  for (const { file } of segments) {
    const written = file.cacheBytes;
    if (!sameRange(file.bytes, written, 0, ORACLE_SEGMENT_HEADER_BYTES)) return count;
    let at = ORACLE_SEGMENT_HEADER_BYTES;
    while (at + FRAME_PREFIX_BYTES <= written.length) {
      const bodyBytes = ((written[at] ?? 0) | ((written[at + 1] ?? 0) << 8) | ((written[at + 2] ?? 0) << 16) | ((written[at + 3] ?? 0) << 24)) >>> 0;
      const end = at + FRAME_PREFIX_BYTES + bodyBytes;
      if (end > written.length || !sameRange(file.bytes, written, at, end)) return count;
      count++;
      at = end;
    }
    if (at !== written.length) return count;
  }
  return count;
}
