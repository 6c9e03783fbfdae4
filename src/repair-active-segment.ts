// The repair open() makes before the writer continues: a short list of effects, run through the
// same EffectRunner as every other write.
//   - no segment yet: create segment 1, write its header;
//   - a torn header (a crash while the segment was being created): rewrite the header;
//   - a torn tail: cut the file back to the last whole frame;
// and in every case rewrite the active segment's whole frames in place, then fsync it and the
// directory. What the previous process wrote may still sit in the page cache, and a plain fsync
// is not enough to make it durable: if that process saw an fsync fail, Linux marked those pages
// clean without writing them ("fsyncgate"), so a new fsync would succeed and persist nothing, and
// records appended after them would be durable behind a hole. Writing the same bytes again
// dirties them, and the fsync that follows really writes them. Only the active segment needs it:
// a segment is sealed only after an fsync of it succeeded.

import type { Effect } from './core/effects.js';
import { FORMAT_VERSION, SEGMENT_HEADER_BYTES, segmentFileName } from './core/format.js';
import type { Lsn } from './core/records.js';
import type { ReplaySummary } from './core/replay.js';
import { encodeSegmentHeader } from './core/segment-header.js';
import type { WriterStart } from './core/writer-state.js';
import type { EffectRunner } from './effect-runner.js';
import { READ_CHUNK_BYTES } from './log-reader.js';

type ActiveStart = WriterStart['active'];

/** The effects of the repair, produced lazily so a large active segment is rewritten a chunk at a time. */
function* repairEffects(runner: EffectRunner, summary: ReplaySummary, nextLsn: Lsn, active: ActiveStart): Generator<Effect> {
  const header = (): Effect => ({
    kind: 'write',
    file: active.name,
    offsetBytes: 0,
    data: encodeSegmentHeader({ version: FORMAT_VERSION, segmentId: active.id, baseLsn: nextLsn }),
  });
  const last = summary.segments.at(-1);
  if (last === undefined) {
    yield { kind: 'create', file: active.name };
    yield header();
  } else if (summary.tornTail?.headerTorn === true) {
    yield { kind: 'truncate', file: active.name, sizeBytes: 0 };
    yield header();
  } else {
    if (summary.tornTail !== null) yield { kind: 'truncate', file: active.name, sizeBytes: summary.tornTail.offsetBytes };
    const handle = runner.handle(active.name);
    for (let offsetBytes = 0; offsetBytes < active.sizeBytes; offsetBytes += READ_CHUNK_BYTES) {
      const data = handle.read(offsetBytes, Math.min(READ_CHUNK_BYTES, active.sizeBytes - offsetBytes));
      yield { kind: 'write', file: active.name, offsetBytes, data };
    }
  }
  yield { kind: 'fsync', file: active.name };
  yield { kind: 'fsyncDir' };
}

/** Where the writer continues: the last segment as repaired, or a new segment 1. */
function activeAfterRepair(summary: ReplaySummary, nextLsn: Lsn): ActiveStart {
  const last = summary.segments.at(-1);
  if (last === undefined) {
    return { id: 1, name: segmentFileName(1), baseLsn: nextLsn, sizeBytes: SEGMENT_HEADER_BYTES, hasRecords: false };
  }
  if (summary.tornTail?.headerTorn === true) {
    return { id: last.id, name: last.name, baseLsn: nextLsn, sizeBytes: SEGMENT_HEADER_BYTES, hasRecords: false };
  }
  return { id: last.id, name: last.name, baseLsn: last.baseLsn, sizeBytes: last.validBytes, hasRecords: last.lastLsn !== null };
}

/** Runs the repair; FsErrors propagate to the caller. Returns the active segment to continue in. */
export function repairActiveSegment(runner: EffectRunner, summary: ReplaySummary, nextLsn: Lsn): ActiveStart {
  const active = activeAfterRepair(summary, nextLsn);
  for (const effect of repairEffects(runner, summary, nextLsn, active)) runner.run(effect);
  return active;
}
