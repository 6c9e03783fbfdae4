// The floor the segment headers of a running file system set, for the model's Recover: a reopened
// WAL allocates above every header's base LSN. Read with crash-sim's own format knowledge, never
// with src/'s decoder.

import { headerBaseLsn, segmentIdOf } from '../../oracle/explore/disk-format.js';
import type { FileSystem } from '../../src/fs/port.js';

/** max(base LSN) - 1 over the segments of `dir` (0 when none). */
export function segmentFloorLsn(fs: FileSystem, dir: string): number {
  let floor = 0;
  for (const name of fs.readdir(dir)) {
    if (segmentIdOf(name) === null) continue;
    const base = headerBaseLsn(fs.readFile(fs.join(dir, name)));
    if (base !== null) floor = Math.max(floor, base - 1);
  }
  return floor;
}
