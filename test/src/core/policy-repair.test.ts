// src/core/policy-repair.ts: the names a point-in-time cut quarantines into. The damaged tail and
// every later segment go to `<segment>.cut`, or the first `<segment>.cut.<n>` (n from 2) that no
// file in the directory has, so that an earlier quarantine is never overwritten.
import { describe, expect, it } from 'vitest';
import { SEGMENT_HEADER_BYTES, segmentFileName } from '../../../src/core/format.js';
import { planCutQuarantine, sealSalvagedSegment } from '../../../src/core/policy-repair.js';
import { planRecovery } from '../../../src/core/recovery-plan.js';
import { decodeSegmentHeader, segmentSalt } from '../../../src/core/segment-header.js';
import type { CutReport, ReplaySegment, ReplaySummary } from '../../../src/core/replay-outcome.js';

const A = '00000000000000000001.wal';
const B = '00000000000000000002.wal';
const C = '00000000000000000003.wal';

const segment = (name: string, id: number): ReplaySegment => ({ name, id, version: 2, salt: 7, baseLsn: 1, end: 'zeros', liveEndBytes: 400, sizeBytes: 1000, validBytes: 400, firstLsn: 1, lastLsn: 9 });

function summaryCutAt(cut: CutReport | null): ReplaySummary {
  const segments = [segment(A, 1), segment(B, 2), segment(C, 3)];
  return { maxLsn: 9, tornTail: null, end: null, checkpointObserved: null, segments, policyReport: { policy: 'point-in-time', cut, skipped: [] } };
}

const cut: CutReport = { segment: A, segmentId: 1, offsetBytes: 100, lsn: 4, cause: 'bad-length', cutSegments: [B, C], droppedBytes: 500 };

describe('planCutQuarantine', () => {
  it('cuts nothing when the replay cut nothing', () => {
    expect(planCutQuarantine(summaryCutAt(null), [A])).toBeNull();
  });

  it('quarantines to <segment>.cut when the name is free, the later segments newest first', () => {
    const plan = planCutQuarantine(summaryCutAt(cut), [A, B, C]);
    expect(plan?.tail).toEqual({ from: A, offsetBytes: 100, to: `${A}.cut` });
    expect(plan?.effects.filter((e) => e.kind === 'rename')).toEqual([
      { kind: 'rename', from: C, to: `${C}.cut` },
      { kind: 'rename', from: B, to: `${B}.cut` },
    ]);
  });

  it('takes the first free <segment>.cut.<n>, n from 2, past the names an earlier quarantine left', () => {
    const names = [A, B, C, `${A}.cut`, `${A}.cut.2`, `${A}.cut.4`, `${B}.cut`, `${C}.cut.2`];
    const plan = planCutQuarantine(summaryCutAt(cut), names);
    expect(plan?.tail.to).toBe(`${A}.cut.3`);
    expect(plan?.effects.filter((e) => e.kind === 'rename').map((e) => (e.kind === 'rename' ? e.to : ''))).toEqual([`${C}.cut`, `${B}.cut.2`]);
  });

  it('hands the recovery plan the damaged segment as cut short at the cut, a torn tail there, and the other segments as they were', () => {
    const plan = planCutQuarantine(summaryCutAt(cut), [A, B, C]);
    expect(plan?.summary.segments[0]).toEqual({ ...segment(A, 1), validBytes: 100, liveEndBytes: 100, sizeBytes: 100, end: 'file-end' });
    expect(plan?.summary.segments.slice(1)).toEqual([segment(B, 2), segment(C, 3)]);
    expect(plan?.summary.tornTail).toMatchObject({ segment: A, offsetBytes: 100, droppedBytes: 500, cause: 'bad-length', headerTorn: false });
    expect(plan?.effects.slice(-2)).toEqual([
      { kind: 'truncate', file: A, sizeBytes: 100 },
      { kind: 'fsync', file: A },
    ]);
  });

  it('hands a cut at a damaged header (offset 0) to the recovery plan as a torn header, so the segment gets a new header', () => {
    const atHeader: CutReport = { ...cut, segment: C, segmentId: 3, offsetBytes: 0, cutSegments: [] };
    const summary = planCutQuarantine(summaryCutAt(atHeader), [A, B, C])?.summary;
    expect(summary?.tornTail).toMatchObject({ segment: C, offsetBytes: 0, headerTorn: true });
    const config = { syncMode: 'per-commit' as const, segmentTargetBytes: 4096, maxCommits: null, preallocate: true, recycleSegments: 2 };
    expect(planRecovery(summary as ReplaySummary, 0, config).case).toBe('torn-header');
  });

  it('renames nothing and fsyncs no directory when the damaged segment is the last one: it only cuts it short', () => {
    const last: CutReport = { ...cut, segment: C, segmentId: 3, cutSegments: [] };
    expect(planCutQuarantine(summaryCutAt(last), [A, B, C])?.effects).toEqual([
      { kind: 'truncate', file: C, sizeBytes: 100 },
      { kind: 'fsync', file: C },
    ]);
  });
});

describe('sealSalvagedSegment', () => {
  const config = { syncMode: 'per-commit' as const, segmentTargetBytes: 4096, maxCommits: null, preallocate: true, recycleSegments: 2 };
  const salvaged = (skippedIn: readonly number[]): ReplaySummary => {
    const segments = [segment(A, 1), { ...segment(B, 2), baseLsn: 5, lastLsn: 9 }, { ...segment(C, 3), baseLsn: 10, lastLsn: 20 }];
    const skipped = skippedIn.map((segmentId) => ({ segment: segmentFileName(segmentId), segmentId, offsetBytes: 60, endOffsetBytes: 90, cause: 'bad-length' as const, afterLsn: 12, beforeLsn: 14, droppedTransactions: [] }));
    return { maxLsn: 20, tornTail: null, end: null, checkpointObserved: null, segments, policyReport: { policy: 'skip-corrupted', cut: null, skipped } };
  };

  it('seals the active segment when skip-corrupted skipped damage in it, and starts the writer in a new one above every LSN on disk', () => {
    const summary = salvaged([1, 3]);
    const plan = planRecovery(summary, 0, config);
    const sealed = sealSalvagedSegment(plan, summary);
    const next = segmentFileName(4);
    expect(sealed.start.active).toEqual({ id: 4, name: next, baseLsn: plan.maxLsnOnDisk + 1, salt: segmentSalt(4, plan.maxLsnOnDisk + 1), writtenBytes: SEGMENT_HEADER_BYTES, sizeBytes: SEGMENT_HEADER_BYTES, hasRecords: false });
    expect(sealed.start.sealed.at(-1)).toMatchObject({ id: 3, name: C, baseLsn: 10, lastLsn: 20, version: 2, salt: plan.start.active.salt });
    expect(sealed.start.sealed.length).toBe(plan.start.sealed.length + 1);
    expect(sealed.plan.after.slice(0, plan.after.length)).toEqual(plan.after);
    const added = sealed.plan.after.slice(plan.after.length);
    expect(added.map((e) => e.kind)).toEqual(['create', 'write', 'fsync', 'fsyncDir']);
    const header = added[1]!.kind === 'write' ? decodeSegmentHeader(added[1]!.data, 4) : null;
    expect(header).toMatchObject({ ok: true, header: { segmentId: 4, baseLsn: plan.maxLsnOnDisk + 1 } });
  });

  it('changes nothing when the damage it skipped lies only in sealed segments, or when it skipped none', () => {
    for (const skippedIn of [[1, 2], []]) {
      const summary = salvaged(skippedIn);
      const plan = planRecovery(summary, 0, config);
      const sealed = sealSalvagedSegment(plan, summary);
      expect(sealed.plan, JSON.stringify(skippedIn)).toBe(plan);
      expect(sealed.start, JSON.stringify(skippedIn)).toBe(plan.start);
    }
  });

  it('changes nothing after a default open, whose replay has no policy report', () => {
    const { policyReport: _report, ...summary } = salvaged([3]);
    const plan = planRecovery(summary, 0, config);
    expect(sealSalvagedSegment(plan, summary).start).toBe(plan.start);
  });
});
