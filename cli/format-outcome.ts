// Lines shared by dump, replay and verify that describe a replay outcome: the torn tail and the
// totals.

import type { ReplaySummary, TornTail } from '../src/core/replay.js';

/** One line describing a torn tail; the CLI reports it and never truncates it. */
export function describeTornTail(tail: TornTail, summary: Pick<ReplaySummary, 'segments'>): string {
  if (tail.headerTorn) {
    return (
      `torn tail: segment ${tail.segment} has a torn header (a crash while creating it): ${tail.cause}, ` +
      `${tail.droppedBytes} bytes; openWal would rewrite its header`
    );
  }
  const followed = tail.validFramesAfter
    ? 'whole valid frames follow it (a crash mid-write on a disk that reorders writes can leave that, and so can corruption)'
    : 'no valid frame follows it';
  // A v1 segment is cut at its torn tail; a v2 one keeps its preallocated size and is written over.
  const version = summary.segments.find((s) => s.name === tail.segment)?.version ?? 2;
  const fate = version === 1 ? 'that openWal would truncate' : 'to the end of the file, that openWal would write over from there';
  return `torn tail: segment ${tail.segment} at offset ${tail.offsetBytes}: ${tail.cause}, ${tail.droppedBytes} bytes ${fate}; ${followed}`;
}

/** One line saying where the log ends and what is there (docs/format.md "Where a segment's frames end"). */
export function describeEnd(summary: ReplaySummary): string {
  const end = summary.end;
  if (end === null) return 'end of the log: no segment';
  const what = { 'file-end': 'the end of the file', zeros: 'zeros', stale: 'a stale frame (an earlier life of the file)', torn: 'a torn frame' }[end.kind];
  return `end of the log: segment ${end.segment} at offset ${end.offsetBytes}: ${what}`;
}

export function describeCheckpoint(summary: ReplaySummary): string {
  return summary.checkpointObserved === null ? 'none' : `snapshot LSN ${summary.checkpointObserved}`;
}
