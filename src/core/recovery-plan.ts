// The decisions openWal makes after replay, as one pure function: where LSNs continue, which
// segment is active, and what must be written before the writer may append. The shell
// (src/repair-active-segment.ts) runs the plan; this module only decides.
//
// Next LSN: above every LSN that survived on disk, above the host's snapshot (checkpointLsn), and
// above every LSN a segment header says was allocated before it. A segment created at base LSN b
// may have lost every frame in a crash (and an earlier recovery may have cut off the frames that
// held the LSNs just below b); writing LSNs below b into it would make the log malformed.
//
// The active segment and its repair, by case:
//   | case                 | active segment                  | repair effects                                |
//   | no segment yet       | new segment 1, base = next LSN  | create, write header                          |
//   | torn header          | the last one, base = next LSN   | truncate to 0, write header                   |
//   | torn tail            | the last one, up to the tail    | truncate at the tail, rewrite the whole frames |
//   | clean end            | the last one, as it is          | rewrite the whole frames                      |
// and in every case fsync the active segment, then the directory.
//
// Why rewrite frames that are already on disk: what the previous process wrote may still sit in
// the page cache, and a plain fsync is not enough to make it durable. If that process saw an fsync
// fail, Linux marked those pages clean without writing them ("fsyncgate"), so a new fsync would
// succeed and persist nothing, and records appended after them would be durable behind a hole.
// Writing the same bytes again dirties them, and the fsync that follows really writes them. Only
// the active segment needs it: a segment is sealed only after an fsync of it succeeded.

import type { Effect } from './effects.js';
import { FORMAT_VERSION, SEGMENT_HEADER_BYTES, segmentFileName } from './format.js';
import type { Lsn } from './records.js';
import type { ReplaySummary } from './replay-outcome.js';
import { encodeSegmentHeader } from './segment-header.js';
import type { SealedSegment, WriterConfig, WriterStart } from './writer-state.js';

export type RecoveryCase = 'no-segment' | 'torn-header' | 'torn-tail' | 'clean-end';

export interface RecoveryPlan {
  readonly case: RecoveryCase;
  /** The highest LSN allocated before this open, by any evidence; the writer continues above it. */
  readonly maxLsnOnDisk: Lsn;
  /** Where the writer starts once the repair succeeded. */
  readonly start: WriterStart;
  /** Effects to run first, in order. */
  readonly before: readonly Effect[];
  /**
   * The bytes [0, rewriteBytes) of the active segment are read back and written again in place
   * (in chunks: the shell reads them) between `before` and `after`; 0 when nothing is rewritten.
   */
  readonly rewriteBytes: number;
  /** Effects to run last: the fsyncs that make the repair durable. */
  readonly after: readonly Effect[];
}

export function planRecovery(summary: ReplaySummary, checkpointLsn: Lsn, config: WriterConfig): RecoveryPlan {
  const allocatedBelowBase = summary.segments.reduce((max, segment) => Math.max(max, segment.baseLsn - 1), 0);
  const maxLsnOnDisk = Math.max(summary.maxLsn, checkpointLsn, allocatedBelowBase);
  const nextLsn = maxLsnOnDisk + 1;
  const last = summary.segments.at(-1);
  const header = (name: string, id: number): Effect => ({
    kind: 'write',
    file: name,
    offsetBytes: 0,
    data: encodeSegmentHeader({ version: FORMAT_VERSION, segmentId: id, baseLsn: nextLsn }),
  });
  const sealed: SealedSegment[] = summary.segments.slice(0, -1).map((s) => ({ id: s.id, name: s.name, baseLsn: s.baseLsn, lastLsn: s.lastLsn }));
  const startWith = (active: WriterStart['active']): WriterStart => ({
    config,
    active,
    sealed,
    maxLsnOnDisk,
    durableLsn: maxLsnOnDisk,
    lastSnapshotLsn: summary.checkpointObserved,
  });
  const after = (name: string): Effect[] => [{ kind: 'fsync', file: name }, { kind: 'fsyncDir' }];

  if (last === undefined) {
    const name = segmentFileName(1);
    return {
      case: 'no-segment',
      maxLsnOnDisk,
      start: startWith({ id: 1, name, baseLsn: nextLsn, sizeBytes: SEGMENT_HEADER_BYTES, hasRecords: false }),
      before: [{ kind: 'create', file: name }, header(name, 1)],
      rewriteBytes: 0,
      after: after(name),
    };
  }
  if (summary.tornTail?.headerTorn === true) {
    return {
      case: 'torn-header',
      maxLsnOnDisk,
      start: startWith({ id: last.id, name: last.name, baseLsn: nextLsn, sizeBytes: SEGMENT_HEADER_BYTES, hasRecords: false }),
      before: [{ kind: 'truncate', file: last.name, sizeBytes: 0 }, header(last.name, last.id)],
      rewriteBytes: 0,
      after: after(last.name),
    };
  }
  const active: WriterStart['active'] = { id: last.id, name: last.name, baseLsn: last.baseLsn, sizeBytes: last.validBytes, hasRecords: last.lastLsn !== null };
  const torn = summary.tornTail;
  return {
    case: torn === null ? 'clean-end' : 'torn-tail',
    maxLsnOnDisk,
    start: startWith(active),
    before: torn === null ? [] : [{ kind: 'truncate', file: last.name, sizeBytes: torn.offsetBytes }],
    rewriteBytes: last.validBytes,
    after: after(last.name),
  };
}
