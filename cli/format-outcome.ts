// Lines shared by dump, replay and verify that describe a replay outcome: the torn tail and the
// totals.

import type { ReplaySummary, TornTail } from '../src/core/replay.js';

/** One line describing a torn tail; the CLI reports it and never truncates it. */
export function describeTornTail(tail: TornTail): string {
  if (tail.headerTorn) {
    return (
      `torn tail: segment ${tail.segment} has a torn header (a crash while creating it): ${tail.cause}, ` +
      `${tail.droppedBytes} bytes; openWal would rewrite its header`
    );
  }
  const followed = tail.validFramesAfter
    ? 'whole valid frames follow it (a crash mid-write on a disk that reorders writes can leave that, and so can corruption)'
    : 'no valid frame follows it';
  return `torn tail: segment ${tail.segment} at offset ${tail.offsetBytes}: ${tail.cause}, ${tail.droppedBytes} bytes that openWal would truncate; ${followed}`;
}

export function describeCheckpoint(summary: ReplaySummary): string {
  return summary.checkpointObserved === null ? 'none' : `snapshot LSN ${summary.checkpointObserved}`;
}
