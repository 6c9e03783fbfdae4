// planRecovery: the decisions openWal makes after replay, checked case by case without a disk.
import { describe, expect, it } from 'vitest';
import { SEGMENT_HEADER_BYTES, segmentFileName } from '../../../src/core/format.js';
import { planRecovery } from '../../../src/core/recovery-plan.js';
import type { ReplaySegment, ReplaySummary, TornTail } from '../../../src/core/replay-outcome.js';
import { decodeSegmentHeader } from '../../../src/core/segment-header.js';

const config = { syncMode: 'per-commit' as const, segmentTargetBytes: 4096, maxCommits: null };

function segment(id: number, baseLsn: number, lastLsn: number | null, validBytes: number): ReplaySegment {
  return { name: segmentFileName(id), id, baseLsn, validBytes, firstLsn: lastLsn === null ? null : baseLsn, lastLsn };
}

function summary(segments: ReplaySegment[], maxLsn: number, tornTail: TornTail | null = null, checkpointObserved: number | null = null): ReplaySummary {
  return { segments, maxLsn, tornTail, checkpointObserved };
}

function torn(id: number, offsetBytes: number, headerTorn: boolean): TornTail {
  return { segment: segmentFileName(id), segmentId: id, offsetBytes, droppedBytes: 7, cause: headerTorn ? 'truncated-header' : 'bad-checksum', validFramesAfter: false, headerTorn };
}

describe('planRecovery', () => {
  it('NoSegmentCreatesSegmentOneWithItsHeaderThenFsyncsItAndTheDirectory', () => {
    const plan = planRecovery(summary([], 0), 0, config);
    expect(plan.case).toBe('no-segment');
    expect(plan.start.active).toEqual({ id: 1, name: segmentFileName(1), baseLsn: 1, sizeBytes: SEGMENT_HEADER_BYTES, hasRecords: false });
    expect(plan.before.map((e) => e.kind)).toEqual(['create', 'write']);
    expect(plan.rewriteBytes).toBe(0);
    expect(plan.after).toEqual([{ kind: 'fsync', file: segmentFileName(1) }, { kind: 'fsyncDir' }]);
  });

  it('NextLsnIsAboveTheHostsSnapshotEvenOnAnEmptyDirectory', () => {
    const plan = planRecovery(summary([], 0), 41, config);
    expect(plan.maxLsnOnDisk).toBe(41);
    expect(plan.start.active.baseLsn).toBe(42);
    const header = plan.before[1];
    expect(header?.kind).toBe('write');
    if (header?.kind !== 'write') return;
    const decoded = decodeSegmentHeader(header.data, 1);
    expect(decoded.ok && decoded.header.baseLsn).toBe(42);
  });

  it('NextLsnIsAboveEverySegmentsBaseLsnWhenTheNewestSegmentLostItsFrames', () => {
    // Segment 2 was created at base 30 and lost every frame; segment 1's frames end at 12.
    const plan = planRecovery(summary([segment(1, 1, 12, 500), segment(2, 30, null, SEGMENT_HEADER_BYTES)], 12), 0, config);
    expect(plan.maxLsnOnDisk).toBe(29);
    expect(plan.start.maxLsnOnDisk).toBe(29);
    expect(plan.start.durableLsn).toBe(29);
  });

  it('CleanEndContinuesInTheLastSegmentAndRewritesItsWholeFrames', () => {
    const plan = planRecovery(summary([segment(1, 1, 9, 400), segment(2, 10, 20, 700)], 20, null, 5), 0, config);
    expect(plan.case).toBe('clean-end');
    expect(plan.start.active).toEqual({ id: 2, name: segmentFileName(2), baseLsn: 10, sizeBytes: 700, hasRecords: true });
    expect(plan.start.sealed).toEqual([{ id: 1, name: segmentFileName(1), baseLsn: 1, lastLsn: 9 }]);
    expect(plan.start.lastSnapshotLsn).toBe(5);
    expect(plan.before).toEqual([]);
    expect(plan.rewriteBytes).toBe(700);
    expect(plan.after).toEqual([{ kind: 'fsync', file: segmentFileName(2) }, { kind: 'fsyncDir' }]);
  });

  it('TornTailIsCutAtItsOffsetBeforeTheWholeFramesAreRewritten', () => {
    const plan = planRecovery(summary([segment(1, 1, 9, 400)], 9, torn(1, 400, false)), 0, config);
    expect(plan.case).toBe('torn-tail');
    expect(plan.before).toEqual([{ kind: 'truncate', file: segmentFileName(1), sizeBytes: 400 }]);
    expect(plan.rewriteBytes).toBe(400);
    expect(plan.start.active.sizeBytes).toBe(400);
  });

  it('TornHeaderIsRewrittenWithTheNextLsnAsItsBase', () => {
    const plan = planRecovery(summary([segment(1, 1, 9, 400), segment(2, 10, null, 0)], 9, torn(2, 0, true)), 0, config);
    expect(plan.case).toBe('torn-header');
    expect(plan.start.active).toEqual({ id: 2, name: segmentFileName(2), baseLsn: 10, sizeBytes: SEGMENT_HEADER_BYTES, hasRecords: false });
    expect(plan.before.map((e) => e.kind)).toEqual(['truncate', 'write']);
    expect(plan.rewriteBytes).toBe(0);
  });

  it('EveryCaseEndsWithTheActiveSegmentsFsyncThenTheDirectorys', () => {
    const cases = [
      planRecovery(summary([], 0), 0, config),
      planRecovery(summary([segment(1, 1, 9, 400)], 9), 0, config),
      planRecovery(summary([segment(1, 1, 9, 400)], 9, torn(1, 400, false)), 0, config),
      planRecovery(summary([segment(1, 1, null, 0)], 0, torn(1, 0, true)), 0, config),
    ];
    expect(new Set(cases.map((p) => p.case))).toEqual(new Set(['no-segment', 'clean-end', 'torn-tail', 'torn-header']));
    for (const plan of cases) expect(plan.after).toEqual([{ kind: 'fsync', file: plan.start.active.name }, { kind: 'fsyncDir' }]);
  });
});
