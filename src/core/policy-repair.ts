// What openWal writes after replay under a recovery policy other than the default, decided here
// and run by the shell (src/quarantine-cut.ts, src/open-wal.ts):
//
// - point-in-time cut the log at damage before its end (a sealed segment's bad frame or header, a
//   damaged header with frames behind it). The cut is made permanent so that what is appended
//   next follows the consistent prefix, not the damage: the cut part of the damaged segment is
//   copied to `<segment>.cut` (create, write, fsync, directory fsync), every later segment is
//   renamed to `<segment>.cut` (newest first, then a directory fsync), and then the damaged segment
//   is repaired as a torn tail (truncated at the cut, or its header rewritten when the cut is at
//   0) by the ordinary recovery plan. A crash anywhere in between leaves either the damage (cut
//   again at the next open) or less of it; never records after a hole.
// - skip-corrupted skipped damage in the active segment and kept going. Appending after it would
//   leave the damage in the middle of the active segment, which the default policy would later
//   read as a torn tail and cut, with every commit after it. So the salvaged segment is sealed and
//   the writer starts a new one: the damage stays in a sealed segment, where every policy but
//   skip-corrupted reports it loudly (Corruption) instead of cutting silently.

import type { Effect } from './effects.js';
import { FORMAT_VERSION, SEGMENT_HEADER_BYTES, segmentFileName } from './format.js';
import type { RecoveryPlan } from './recovery-plan.js';
import type { ReplaySummary } from './replay-outcome.js';
import type { WriterStart } from './writer-state.js';
import { encodeSegmentHeader, segmentSalt } from './segment-header.js';

export interface CutQuarantine {
  /** The damaged segment's bytes from `offsetBytes` on are copied to `to` first. */
  readonly tail: { readonly from: string; readonly offsetBytes: number; readonly to: string };
  /** Then these effects: the later segments renamed aside, and a directory fsync. */
  readonly effects: readonly Effect[];
  /** The replay summary as the recovery plan must see it: the cut is the active segment's torn tail. */
  readonly summary: ReplaySummary;
}

/** A name for a quarantined file that no file in the directory has. */
function freeName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}.${n}`)) return `${base}.${n}`;
}

/** The quarantine of a point-in-time cut, or null when the replay cut nothing. */
export function planCutQuarantine(summary: ReplaySummary, names: readonly string[]): CutQuarantine | null {
  const cut = summary.policyReport?.cut ?? null;
  if (cut === null) return null;
  const taken = new Set(names);
  const claim = (base: string): string => {
    const name = freeName(base, taken);
    taken.add(name);
    return name;
  };
  const tail = { from: cut.segment, offsetBytes: cut.offsetBytes, to: claim(`${cut.segment}.cut`) };
  const renames: Effect[] = [...cut.cutSegments].reverse().map((from) => ({ kind: 'rename', from, to: claim(`${from}.cut`) }));
  // Once its copy and the renames are durable, the damaged segment is cut short at the cut: in a v2
  // file the frames of its life after the cut would otherwise stay behind the live end, which a
  // later open reads as damage in a sealed segment. Not before: until the later segments are gone,
  // the damage is what makes the next open cut there again.
  const cutShort: Effect[] = [
    { kind: 'truncate', file: cut.segment, sizeBytes: cut.offsetBytes },
    { kind: 'fsync', file: cut.segment },
  ];
  return {
    tail,
    effects: [...(renames.length === 0 ? [] : [...renames, { kind: 'fsyncDir' } satisfies Effect]), ...cutShort],
    summary: {
      ...summary,
      segments: summary.segments.map((s) =>
        s.name === cut.segment ? { ...s, validBytes: Math.min(s.validBytes, cut.offsetBytes), liveEndBytes: cut.offsetBytes, sizeBytes: cut.offsetBytes, end: 'file-end' as const } : s,
      ),
      tornTail: {
        segment: cut.segment,
        segmentId: cut.segmentId,
        offsetBytes: cut.offsetBytes,
        droppedBytes: cut.droppedBytes,
        cause: cut.cause,
        // Stryker disable next-line BooleanLiteral: the plan reads only headerTorn of this summary (the user sees the replay's own report)
        validFramesAfter: false,
        headerTorn: cut.offsetBytes === 0,
      },
    },
  };
}

/**
 * After skip-corrupted skipped damage in the active segment: the repair goes on (the plan has
 * rewritten and fsynced that segment) to start the next segment, with base LSN = next LSN, and the
 * writer starts there, the salvaged segment sealed. Returns the repair to run and where the writer
 * starts; both are the plan's own when there is nothing to seal.
 */
export function sealSalvagedSegment(plan: RecoveryPlan, summary: ReplaySummary): { readonly plan: RecoveryPlan; readonly start: WriterStart } {
  const active = plan.start.active;
  const damaged = summary.policyReport?.skipped.some((range) => range.segmentId === active.id) ?? false;
  // With no segment on disk nothing was skipped, so `damaged` is false then too.
  if (!damaged) return { plan, start: plan.start };
  const id = active.id + 1;
  const name = segmentFileName(id);
  const baseLsn = plan.maxLsnOnDisk + 1;
  const lastLsn = summary.segments.at(-1)?.lastLsn ?? null;
  // A fresh salt, and no previous end named: the salvaged segment's damage is for a later open to report.
  const salt = segmentSalt(id, baseLsn);
  return {
    plan: {
      ...plan,
      after: [
        ...plan.after,
        { kind: 'create', file: name },
        { kind: 'write', file: name, offsetBytes: 0, data: encodeSegmentHeader({ version: FORMAT_VERSION, segmentId: id, baseLsn, salt }) },
        { kind: 'fsync', file: name },
        { kind: 'fsyncDir' },
      ],
    },
    start: {
      ...plan.start,
      sealed: [
        ...plan.start.sealed,
        // The active segment is always v2: the plan seals a v1 last segment and starts a new v2 one.
        { id: active.id, name: active.name, baseLsn: active.baseLsn, lastLsn, version: 2, salt: active.salt, sizeBytes: active.sizeBytes },
      ],
      active: { id, name, baseLsn, salt, writtenBytes: SEGMENT_HEADER_BYTES, sizeBytes: SEGMENT_HEADER_BYTES, hasRecords: false },
    },
  };
}
