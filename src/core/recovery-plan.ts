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
//   | v2-end       | the last one, up to its end          | if anything but zeros lies behind the end: cut at the end, fsync, and grow back to the target size; rewrite the live frames |
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
// Why cut a v2 segment at its end: the writer continues there, and live frames a crash kept behind
// it (sectors persisted out of order) must never be read again once new frames reach them: they
// would follow the new frames with lower LSNs. Nor may the remains of a torn frame of this life. A
// write over them (zeros, or new frames) cannot remove them safely: a crash that keeps only some
// sectors of it can complete a torn frame with bytes that happen to match (the model-based suite
// found two: the zero high bytes of a TxCommit's tx-begin LSN under new frames, and recovery's own
// zeros, which a second power loss during the recovery kept in part). A cut cannot complete
// anything. It is made durable before the file grows back, so that the zeros the growth writes
// only ever land on a file that no longer holds those bytes. Replay reports how far they reach
// (liveEndBytes). A v1 segment is cut the same way.
//
// Why anything but zeros, and not only what replay can name as this life's: a crash that loses
// only the sector holding a frame's length keeps the rest of the frame behind an end that reads as
// zeros, and nothing in it says where it starts. The writer's next frame of the same length at that
// offset writes the lost length bytes; a crash that keeps them and loses the rest of the new frame
// makes the old one whole again (spec/Recycle.tla, NoResurrectionInv; the deep seed 1072937020 of
// the model-based suite found it). An earlier life's frames look no different, so a recycled
// segment is cut too.

import type { Effect } from './effects.js';
import { FORMAT_VERSION, SEGMENT_HEADER_BYTES, segmentFileName } from './format.js';
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

/** What every case of the plan starts from. */
interface PlanContext {
  readonly summary: ReplaySummary;
  readonly config: WriterConfig;
  readonly maxLsnOnDisk: Lsn;
  readonly nextLsn: Lsn;
  readonly free: readonly FreeFile[];
  /** Removals of the free files not kept: the first effects of every case. */
  readonly removals: readonly Effect[];
}

function startWith(ctx: PlanContext, active: WriterStart['active'], sealed: readonly SealedSegment[]): WriterStart {
  const { config, free, maxLsnOnDisk } = ctx;
  return { config, active, sealed, free, maxLsnOnDisk, durableLsn: maxLsnOnDisk, lastSnapshotLsn: ctx.summary.checkpointObserved };
}

/** A new segment `id` at base `baseLsn` (the next LSN unless said otherwise), nothing written after its header. */
function freshActive(ctx: PlanContext, id: number, salt: number, baseLsn = ctx.nextLsn): WriterStart['active'] {
  const sizeBytes = ctx.config.preallocate ? ctx.config.segmentTargetBytes : SEGMENT_HEADER_BYTES;
  return { id, name: segmentFileName(id), baseLsn, salt, writtenBytes: SEGMENT_HEADER_BYTES, sizeBytes, hasRecords: false };
}

/** The header of a new segment `id` at `baseLsn`, and its salt. */
function newHeader(id: number, baseLsn: Lsn, previousEnd: number): { bytes: Uint8Array; salt: number } {
  const salt = segmentSalt(id, baseLsn);
  return { bytes: encodeSegmentHeader({ version: FORMAT_VERSION, segmentId: id, baseLsn, salt, previousEnd }), salt };
}

const syncEffects = (name: string): Effect[] => [{ kind: 'fsync', file: name }, { kind: 'fsyncDir' }];

export function planRecovery(summary: ReplaySummary, checkpointLsn: Lsn, config: WriterConfig, freeFound: readonly FoundFreeFile[] = []): RecoveryPlan {
  const allocatedBelowBase = summary.segments.reduce((max, segment) => Math.max(max, segment.baseLsn - 1), 0);
  const maxLsnOnDisk = Math.max(summary.maxLsn, checkpointLsn, allocatedBelowBase);
  const { kept: free, removals } = keepFreeFiles(freeFound, config);
  const ctx: PlanContext = { summary, config, maxLsnOnDisk, nextLsn: maxLsnOnDisk + 1, free, removals };
  const last = summary.segments.at(-1);
  if (last === undefined) return planNoSegment(ctx);
  const sealed = summary.segments.slice(0, -1).map(sealedOf);
  if (summary.tornTail?.headerTorn === true) return planTornHeader(ctx, last, summary.segments.at(-2), sealed);
  if (last.version === 1) return planV1Sealed(ctx, last, sealed);
  return planV2End(ctx, last, sealed);
}

function planNoSegment(ctx: PlanContext): RecoveryPlan {
  const made = newHeader(1, ctx.nextLsn, 0);
  return {
    case: 'no-segment',
    maxLsnOnDisk: ctx.maxLsnOnDisk,
    start: startWith(ctx, freshActive(ctx, 1, made.salt), []),
    before: [...ctx.removals, ...createSegmentEffects(segmentFileName(1), made.bytes, ctx.config)],
    rewriteFile: null,
    rewriteBytes: 0,
    after: [],
  };
}

function planTornHeader(ctx: PlanContext, last: ReplaySegment, previous: ReplaySegment | undefined, sealed: readonly SealedSegment[]): RecoveryPlan {
  const made = newHeader(last.id, ctx.nextLsn, previous !== undefined && previous.id === last.id - 1 ? previous.validBytes : 0);
  const { config } = ctx;
  return {
    case: 'torn-header',
    maxLsnOnDisk: ctx.maxLsnOnDisk,
    start: startWith(ctx, freshActive(ctx, last.id, made.salt), sealed),
    before: [
      ...ctx.removals,
      { kind: 'truncate', file: last.name, sizeBytes: 0 },
      ...(config.preallocate ? [{ kind: 'preallocate', file: last.name, sizeBytes: config.segmentTargetBytes } satisfies Effect] : []),
      { kind: 'write', file: last.name, offsetBytes: 0, data: made.bytes },
    ],
    rewriteFile: null,
    rewriteBytes: 0,
    after: syncEffects(last.name),
  };
}

/**
 * walref writes only v2: the v1 active segment is made whole and sealed, and a v2 one follows. Its
 * base LSN must be above the sealed one's, which a v1 segment that holds no record (a header whose
 * frames were all lost) may hold at the next LSN itself: then the next LSN moves past it, and the
 * LSN between is never used.
 */
function planV1Sealed(ctx: PlanContext, last: ReplaySegment, sealed: readonly SealedSegment[]): RecoveryPlan {
  const torn = ctx.summary.tornTail;
  const base = Math.max(ctx.nextLsn, last.baseLsn + 1);
  const made = newHeader(last.id + 1, base, last.validBytes);
  const start = startWith(ctx, freshActive(ctx, last.id + 1, made.salt, base), [...sealed, { ...sealedOf(last), sizeBytes: last.validBytes }]);
  return {
    case: 'v1-sealed',
    maxLsnOnDisk: base - 1,
    start: { ...start, maxLsnOnDisk: base - 1, durableLsn: base - 1 },
    before: [...ctx.removals, ...(torn === null ? [] : [{ kind: 'truncate', file: last.name, sizeBytes: torn.offsetBytes } satisfies Effect])],
    rewriteFile: last.name,
    rewriteBytes: last.validBytes,
    after: [{ kind: 'fsync', file: last.name }, ...createSegmentEffects(segmentFileName(last.id + 1), made.bytes, ctx.config)],
  };
}

/**
 * A v2 active segment: the writer continues at the end of its live frames. When anything but zeros
 * lies at or behind the end (liveEndBytes), the file is first cut at the end and the cut made
 * durable, and only then grown back to its preallocated size: see "Why cut" above. An end with
 * nothing but zeros behind it, or at the file's end, needs no change: the first new frame
 * overwrites the zeros.
 */
function planV2End(ctx: PlanContext, last: ReplaySegment, sealed: readonly SealedSegment[]): RecoveryPlan {
  const { id, name, baseLsn, salt, validBytes } = last;
  const { config } = ctx;
  const dirty = last.end === 'torn' || last.liveEndBytes > validBytes;
  const grownBytes = config.preallocate ? Math.max(validBytes, config.segmentTargetBytes) : validBytes;
  const sizeBytes = dirty ? grownBytes : last.sizeBytes;
  const cut: Effect[] = dirty ? [{ kind: 'truncate', file: name, sizeBytes: validBytes }, { kind: 'fsync', file: name }] : [];
  const regrow: Effect[] = dirty && grownBytes > validBytes ? [{ kind: 'preallocate', file: name, sizeBytes: grownBytes }] : [];
  return {
    case: 'v2-end',
    maxLsnOnDisk: ctx.maxLsnOnDisk,
    start: startWith(ctx, { id, name, baseLsn, salt, writtenBytes: validBytes, sizeBytes, hasRecords: last.lastLsn !== null }, sealed),
    before: [...ctx.removals, ...cut],
    rewriteFile: name,
    rewriteBytes: validBytes,
    after: [...regrow, ...syncEffects(name)],
  };
}
