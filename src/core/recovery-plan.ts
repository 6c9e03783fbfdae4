// The decisions openWal makes after replay, as one pure function: where LSNs continue, which
// segment is active, which free files are kept, and what must be written before the writer may
// append. The shell (src/repair-active-segment.ts) runs the plan; this module only decides.
//
// Next LSN: above every LSN that survived on disk, above the host's snapshot (checkpointLsn), and
// above every LSN a segment header says was allocated before it. A segment created at base LSN b
// may have lost every frame in a crash (and an earlier recovery may have cut off the frames that
// held the LSNs just below b); writing LSNs below b into it would make the log malformed.
//
// The active segment and its repair, by case (docs/format.md "Recovery"):
//   | case         | active segment                       | repair effects                                            |
//   | no-segment   | new segment 1, base = next LSN       | create, zeros to the target size, header                  |
//   | torn-header  | the last one, base = next LSN        | truncate to 0, zeros to the target size, header           |
//   | v2-end       | the last one, up to its end          | rewrite the live frames, zeros over [end, live end + marker) |
//   | v1-sealed    | a new v2 segment after the last one  | truncate a torn tail, rewrite the whole frames, fsync; then create the new segment |
// and in every case fsync the active segment, then the directory.
//
// Why rewrite frames that are already on disk: what the previous process wrote may still sit in
// the page cache, and a plain fsync is not enough to make it durable. If that process saw an fsync
// fail, Linux marked those pages clean without writing them ("fsyncgate"), so a new fsync would
// succeed and persist nothing, and records appended after them would be durable behind a hole.
// Writing the same bytes again dirties them, and the fsync that follows really writes them. Only
// the active segment needs it: a segment is sealed only after an fsync of it succeeded.
//
// Why zero the bytes after a v2 segment's end: the writer continues at the end, and live frames a
// crash kept behind it (sectors persisted out of order) must never be read again once new frames
// reach them: they would follow the new frames with lower LSNs. Nor may the remains of a torn frame
// of this life: a later crash that keeps only some sectors of a new write could complete them
// with bytes that happen to match (the model-based suite found one: the zero high bytes of a
// TxCommit's tx-begin LSN). Replay reports how far both reach (liveEndBytes). A v1 segment gets
// the same guarantee from truncation.

import type { Effect } from './effects.js';
import { FORMAT_VERSION, FRAME_HEADER_BYTES, SEGMENT_HEADER_BYTES, segmentFileName } from './format.js';
import type { Lsn } from './records.js';
import type { ReplaySegment, ReplaySummary } from './replay-outcome.js';
import { encodeSegmentHeader, segmentSalt } from './segment-header.js';
import { createSegmentEffects } from './writer.js';
import type { FreeFile, SealedSegment, WriterConfig, WriterStart } from './writer-state.js';

export type RecoveryCase = 'no-segment' | 'torn-header' | 'v2-end' | 'v1-sealed';

/** A free file found in the directory at open. */
export interface FoundFreeFile {
  readonly name: string;
  readonly number: number;
  readonly sizeBytes: number;
}

export interface RecoveryPlan {
  readonly case: RecoveryCase;
  /** The highest LSN allocated before this open, by any evidence; the writer continues above it. */
  readonly maxLsnOnDisk: Lsn;
  /** Where the writer starts once the repair succeeded. */
  readonly start: WriterStart;
  /** Effects to run first, in order. */
  readonly before: readonly Effect[];
  /** The segment whose bytes [0, rewriteBytes) are rewritten in place (the last one replay read). */
  readonly rewriteFile: string | null;
  /**
   * The bytes [0, rewriteBytes) of `rewriteFile` are read back and written again in place (in
   * chunks: the shell reads them) between `before` and `after`; 0 when nothing is rewritten.
   */
  readonly rewriteBytes: number;
  /** Effects to run last: zeros behind the end, the fsyncs that make the repair durable, a new segment. */
  readonly after: readonly Effect[];
}

/** The largest single write of zeros the plan asks for; longer runs are split. */
const ZEROS_CHUNK_BYTES = 1024 * 1024;

function zeroWrites(file: string, from: number, to: number): Effect[] {
  const effects: Effect[] = [];
  const zeros = new Uint8Array(Math.min(ZEROS_CHUNK_BYTES, Math.max(0, to - from)));
  for (let at = from; at < to; at += ZEROS_CHUNK_BYTES) {
    effects.push({ kind: 'write', file, offsetBytes: at, data: zeros.subarray(0, Math.min(ZEROS_CHUNK_BYTES, to - at)) });
  }
  return effects;
}

function sealedOf(segment: ReplaySegment): SealedSegment {
  return {
    id: segment.id,
    name: segment.name,
    baseLsn: segment.baseLsn,
    lastLsn: segment.lastLsn,
    version: segment.version,
    salt: segment.salt,
    sizeBytes: segment.sizeBytes,
  };
}

/**
 * The free files kept: those at least the target size (a smaller one is a preparation a crash
 * interrupted), the highest numbers first, at most recycleSegments plus the one prepared ahead.
 * The others are removed.
 */
function keepFreeFiles(found: readonly FoundFreeFile[], config: WriterConfig): { kept: FreeFile[]; removals: Effect[] } {
  const minBytes = config.preallocate ? config.segmentTargetBytes : SEGMENT_HEADER_BYTES;
  const usable = [...found].filter((f) => f.sizeBytes >= minBytes).sort((a, b) => b.number - a.number);
  const kept = usable.slice(0, config.recycleSegments + 1);
  const removals = found.filter((f) => !kept.includes(f)).map((f): Effect => ({ kind: 'remove', file: f.name }));
  return { kept: kept.map((f) => ({ name: f.name, number: f.number, sizeBytes: f.sizeBytes, previousSalt: null, status: 'ready' })), removals };
}

export function planRecovery(summary: ReplaySummary, checkpointLsn: Lsn, config: WriterConfig, freeFound: readonly FoundFreeFile[] = []): RecoveryPlan {
  const allocatedBelowBase = summary.segments.reduce((max, segment) => Math.max(max, segment.baseLsn - 1), 0);
  const maxLsnOnDisk = Math.max(summary.maxLsn, checkpointLsn, allocatedBelowBase);
  const nextLsn = maxLsnOnDisk + 1;
  const last = summary.segments.at(-1);
  const previous = summary.segments.at(-2);
  const { kept: free, removals } = keepFreeFiles(freeFound, config);
  const preallocatedBytes = config.preallocate ? config.segmentTargetBytes : SEGMENT_HEADER_BYTES;
  const header = (id: number, previousEnd: number): { bytes: Uint8Array; salt: number } => {
    const salt = segmentSalt(id, nextLsn);
    return { bytes: encodeSegmentHeader({ version: FORMAT_VERSION, segmentId: id, baseLsn: nextLsn, salt, previousEnd }), salt };
  };
  const startWith = (active: WriterStart['active'], sealed: readonly SealedSegment[]): WriterStart => ({
    config,
    active,
    sealed,
    free,
    maxLsnOnDisk,
    durableLsn: maxLsnOnDisk,
    lastCheckpointLsn: summary.checkpointObserved,
  });
  const fresh = (id: number, salt: number): WriterStart['active'] => ({
    id,
    name: segmentFileName(id),
    baseLsn: nextLsn,
    salt,
    writtenBytes: SEGMENT_HEADER_BYTES,
    sizeBytes: preallocatedBytes,
    hasRecords: false,
  });
  const sync = (name: string): Effect[] => [{ kind: 'fsync', file: name }, { kind: 'fsyncDir' }];

  if (last === undefined) {
    const made = header(1, 0);
    return {
      case: 'no-segment',
      maxLsnOnDisk,
      start: startWith(fresh(1, made.salt), []),
      before: [...removals, ...createSegmentEffects(segmentFileName(1), made.bytes, config)],
      rewriteFile: null,
      rewriteBytes: 0,
      after: [],
    };
  }
  const sealed = summary.segments.slice(0, -1).map(sealedOf);
  if (summary.tornTail?.headerTorn === true) {
    const made = header(last.id, previous !== undefined && previous.id === last.id - 1 ? previous.validBytes : 0);
    return {
      case: 'torn-header',
      maxLsnOnDisk,
      start: startWith(fresh(last.id, made.salt), sealed),
      before: [
        ...removals,
        { kind: 'truncate', file: last.name, sizeBytes: 0 },
        ...(config.preallocate ? [{ kind: 'preallocate', file: last.name, sizeBytes: config.segmentTargetBytes } satisfies Effect] : []),
        { kind: 'write', file: last.name, offsetBytes: 0, data: made.bytes },
      ],
      rewriteFile: null,
      rewriteBytes: 0,
      after: sync(last.name),
    };
  }
  if (last.version === 1) {
    // walref writes only v2: the v1 active segment is made whole and sealed, and a v2 one follows.
    // Its base LSN must be above the sealed one's, which a v1 segment that holds no record (a
    // header whose frames were all lost) may hold at the next LSN itself: then the next LSN moves
    // past it, and the LSN between is never used.
    const torn = summary.tornTail;
    const base = Math.max(nextLsn, last.baseLsn + 1);
    const salt = segmentSalt(last.id + 1, base);
    const header = encodeSegmentHeader({ version: FORMAT_VERSION, segmentId: last.id + 1, baseLsn: base, salt, previousEnd: last.validBytes });
    const next = segmentFileName(last.id + 1);
    const start = startWith({ ...fresh(last.id + 1, salt), baseLsn: base }, [...sealed, { ...sealedOf(last), sizeBytes: last.validBytes }]);
    return {
      case: 'v1-sealed',
      maxLsnOnDisk: base - 1,
      start: { ...start, maxLsnOnDisk: base - 1, durableLsn: base - 1 },
      before: [...removals, ...(torn === null ? [] : [{ kind: 'truncate', file: last.name, sizeBytes: torn.offsetBytes } satisfies Effect])],
      rewriteFile: last.name,
      rewriteBytes: last.validBytes,
      after: [{ kind: 'fsync', file: last.name }, ...createSegmentEffects(next, header, config)],
    };
  }
  // A v2 active segment: the writer continues at the end of its live frames. Zeros go over any
  // live frames found behind the end, and over an end marker's worth after it, within the file.
  const zeroEnd = Math.min(last.sizeBytes, Math.max(last.liveEndBytes, last.validBytes + FRAME_HEADER_BYTES));
  return {
    case: 'v2-end',
    maxLsnOnDisk,
    start: startWith(
      {
        id: last.id,
        name: last.name,
        baseLsn: last.baseLsn,
        salt: last.salt,
        writtenBytes: last.validBytes,
        sizeBytes: last.sizeBytes,
        hasRecords: last.lastLsn !== null,
      },
      sealed,
    ),
    before: removals,
    rewriteFile: last.name,
    rewriteBytes: last.validBytes,
    after: [...zeroWrites(last.name, last.validBytes, zeroEnd), ...sync(last.name)],
  };
}
