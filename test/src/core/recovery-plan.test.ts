// planRecovery: the decisions openWal makes after replay, checked case by case without a disk.
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../../src/core/effects.js';
import { SEGMENT_HEADER_BYTES, segmentFileName } from '../../../src/core/format.js';
import { planRecovery } from '../../../src/core/recovery-plan.js';
import type { EndKind, ReplaySegment, ReplaySummary, TornTail } from '../../../src/core/replay-outcome.js';
import { decodeSegmentHeader, segmentSalt } from '../../../src/core/segment-header.js';

const config = { syncMode: 'per-commit' as const, segmentTargetBytes: 4096, maxCommits: null, preallocate: true, recycleSegments: 2 };

function segment(id: number, baseLsn: number, lastLsn: number | null, validBytes: number, more: Partial<ReplaySegment> = {}): ReplaySegment {
  return {
    name: segmentFileName(id),
    id,
    version: 2,
    salt: segmentSalt(id, baseLsn),
    baseLsn,
    validBytes,
    end: 'zeros' as EndKind,
    liveEndBytes: validBytes,
    sizeBytes: 4096,
    firstLsn: lastLsn === null ? null : baseLsn,
    lastLsn,
    ...more,
  };
}

function summary(segments: ReplaySegment[], maxLsn: number, tornTail: TornTail | null = null, checkpointObserved: number | null = null): ReplaySummary {
  return { segments, maxLsn, tornTail, end: null, checkpointObserved };
}

function torn(id: number, offsetBytes: number, headerTorn: boolean): TornTail {
  return { segment: segmentFileName(id), segmentId: id, offsetBytes, droppedBytes: 7, cause: headerTorn ? 'truncated-header' : 'bad-checksum', validFramesAfter: false, headerTorn };
}

const kinds = (effects: readonly Effect[]): string[] => effects.map((e) => e.kind);

describe('planRecovery', () => {
  it('NoSegmentCreatesSegmentOneAtItsTargetSizeWithItsHeaderThenFsyncsItAndTheDirectory', () => {
    const plan = planRecovery(summary([], 0), 0, config);
    expect(plan.case).toBe('no-segment');
    expect(plan.start.active).toEqual({ id: 1, name: segmentFileName(1), baseLsn: 1, salt: segmentSalt(1, 1), writtenBytes: SEGMENT_HEADER_BYTES, sizeBytes: 4096, hasRecords: false });
    expect(kinds(plan.before)).toEqual(['create', 'preallocate', 'write', 'fsync', 'fsyncDir']);
    expect(plan.before[1]).toEqual({ kind: 'preallocate', file: segmentFileName(1), sizeBytes: 4096 });
    expect(plan.rewriteBytes).toBe(0);
  });

  it('without preallocation a new segment is created at its header size', () => {
    const plan = planRecovery(summary([], 0), 0, { ...config, preallocate: false });
    expect(kinds(plan.before)).toEqual(['create', 'write', 'fsync', 'fsyncDir']);
    expect(plan.start.active.sizeBytes).toBe(SEGMENT_HEADER_BYTES);
  });

  it('NextLsnIsAboveTheHostsSnapshotEvenOnAnEmptyDirectory', () => {
    const plan = planRecovery(summary([], 0), 41, config);
    expect(plan.maxLsnOnDisk).toBe(41);
    expect(plan.start.active.baseLsn).toBe(42);
    const header = plan.before.find((e) => e.kind === 'write');
    if (header?.kind !== 'write') throw new Error('no header write');
    const decoded = decodeSegmentHeader(header.data, 1);
    expect(decoded.ok && decoded.header).toMatchObject({ baseLsn: 42, salt: segmentSalt(1, 42), previousEnd: 0 });
  });

  it('NextLsnIsAboveEverySegmentsBaseLsnWhenTheNewestSegmentLostItsFrames', () => {
    // Segment 2 was created at base 30 and lost every frame; segment 1's frames end at 12.
    const plan = planRecovery(summary([segment(1, 1, 12, 500), segment(2, 30, null, SEGMENT_HEADER_BYTES)], 12), 0, config);
    expect(plan.maxLsnOnDisk).toBe(29);
    expect(plan.start.maxLsnOnDisk).toBe(29);
    expect(plan.start.durableLsn).toBe(29);
  });

  it('AV2ActiveSegmentWithACleanEndContinuesThereUnchanged: rewrite, fsync, nothing cut or written behind the end', () => {
    const plan = planRecovery(summary([segment(1, 1, 9, 400), segment(2, 10, 20, 700)], 20, null, 5), 0, config);
    expect(plan.case).toBe('v2-end');
    expect(plan.start.active).toEqual({ id: 2, name: segmentFileName(2), baseLsn: 10, salt: segmentSalt(2, 10), writtenBytes: 700, sizeBytes: 4096, hasRecords: true });
    expect(plan.start.sealed).toEqual([{ id: 1, name: segmentFileName(1), baseLsn: 1, lastLsn: 9, version: 2, salt: segmentSalt(1, 1), sizeBytes: 4096 }]);
    expect(plan.start.lastSnapshotLsn).toBe(5);
    expect(plan.before).toEqual([]);
    expect(plan.rewriteFile).toBe(segmentFileName(2));
    expect(plan.rewriteBytes).toBe(700);
    expect(plan.after).toEqual([{ kind: 'fsync', file: segmentFileName(2) }, { kind: 'fsyncDir' }]);
  });

  it('ATornEndOrLiveFramesBehindItAreCutDurablyBeforeTheFileGrowsBack: recovery never writes over them, so it cannot complete a torn frame', () => {
    for (const extra of [{ end: 'torn' as const, liveEndBytes: 900 }, { end: 'torn' as const, liveEndBytes: 400 }, { end: 'zeros' as const, liveEndBytes: 900 }]) {
      const plan = planRecovery(summary([segment(1, 1, 9, 400, extra)], 14, extra.end === 'torn' ? torn(1, 400, false) : null), 0, config);
      const file = segmentFileName(1);
      expect(plan.before).toEqual([{ kind: 'truncate', file, sizeBytes: 400 }, { kind: 'fsync', file }]);
      expect(plan.rewriteBytes).toBe(400);
      expect(plan.after).toEqual([{ kind: 'preallocate', file, sizeBytes: 4096 }, { kind: 'fsync', file }, { kind: 'fsyncDir' }]);
      expect(plan.after.some((e) => e.kind === 'write')).toBe(false);
      expect(plan.start.active?.sizeBytes).toBe(4096);
      expect(plan.maxLsnOnDisk).toBe(14);
    }
    const unallocated = planRecovery(summary([segment(1, 1, 9, 400, { end: 'torn', liveEndBytes: 900 })], 14, torn(1, 400, false)), 0, { ...config, preallocate: false });
    expect(kinds(unallocated.after)).toEqual(['fsync', 'fsyncDir']);
    expect(unallocated.start.active?.sizeBytes).toBe(400);
  });

  it('TornHeaderIsRewrittenWithTheNextLsnAsItsBaseAndThePreviousSegmentsEnd', () => {
    const plan = planRecovery(summary([segment(1, 1, 9, 400), segment(2, 10, null, 0, { end: 'torn' })], 9, torn(2, 0, true)), 0, config);
    expect(plan.case).toBe('torn-header');
    expect(plan.start.active).toEqual({ id: 2, name: segmentFileName(2), baseLsn: 10, salt: segmentSalt(2, 10), writtenBytes: SEGMENT_HEADER_BYTES, sizeBytes: 4096, hasRecords: false });
    expect(kinds(plan.before)).toEqual(['truncate', 'preallocate', 'write']);
    const header = plan.before[2];
    if (header?.kind !== 'write') throw new Error('no header write');
    const decoded = decodeSegmentHeader(header.data, 2);
    expect(decoded.ok && decoded.header.previousEnd).toBe(400);
    expect(plan.rewriteBytes).toBe(0);
  });

  it('AV1ActiveSegmentIsCutAtItsTornTailRewrittenSealedAndFollowedByANewV2Segment', () => {
    const v1 = segment(1, 1, 9, 400, { version: 1, salt: 0, end: 'torn', sizeBytes: 470 });
    const plan = planRecovery(summary([v1], 9, torn(1, 400, false)), 0, config);
    expect(plan.case).toBe('v1-sealed');
    expect(plan.before).toEqual([{ kind: 'truncate', file: segmentFileName(1), sizeBytes: 400 }]);
    expect(plan.rewriteFile).toBe(segmentFileName(1));
    expect(plan.rewriteBytes).toBe(400);
    expect(kinds(plan.after)).toEqual(['fsync', 'create', 'preallocate', 'write', 'fsync', 'fsyncDir']);
    expect(plan.start.active).toMatchObject({ id: 2, baseLsn: 10, writtenBytes: SEGMENT_HEADER_BYTES });
    expect(plan.start.sealed).toEqual([{ id: 1, name: segmentFileName(1), baseLsn: 1, lastLsn: 9, version: 1, salt: 0, sizeBytes: 400 }]);
    const header = plan.after[3];
    if (header?.kind !== 'write') throw new Error('no header write');
    const decoded = decodeSegmentHeader(header.data, 2);
    expect(decoded.ok && decoded.header).toMatchObject({ version: 2, previousEnd: 400 });
  });

  it('a torn header names the previous end only when the previous segment is its predecessor by id', () => {
    const plan = planRecovery(summary([segment(1, 1, 9, 400), segment(3, 10, null, 0, { end: 'torn' })], 9, torn(3, 0, true)), 0, config);
    const header = plan.before.find((e) => e.kind === 'write');
    if (header?.kind !== 'write') throw new Error('no header write');
    const decoded = decodeSegmentHeader(header.data, 3);
    expect(decoded.ok && decoded.header.previousEnd).toBe(0);
  });

  it('a v1 active segment that holds no record at the next LSN itself: the new v2 segment starts one above its base, and that LSN counts as allocated', () => {
    // Every frame of segment 1 was lost; its header says LSN 10 was the next one, as does the log.
    const v1 = segment(1, 10, null, 16, { version: 1, salt: 0, end: 'file-end', sizeBytes: 16 });
    const plan = planRecovery(summary([v1], 9), 0, config);
    expect(plan.case).toBe('v1-sealed');
    expect(plan.start.active).toMatchObject({ id: 2, baseLsn: 11 });
    expect(plan.maxLsnOnDisk).toBe(10);
    expect(plan.start.maxLsnOnDisk).toBe(10);
    expect(plan.start.durableLsn).toBe(10);
    // A next LSN already above the v1 base wins.
    const above = planRecovery(summary([segment(1, 10, 14, 300, { version: 1, salt: 0, end: 'file-end', sizeBytes: 300 })], 14), 0, config);
    expect(above.start.active).toMatchObject({ id: 2, baseLsn: 15 });
    expect(above.start.durableLsn).toBe(14);
  });

  it('FreeFilesSmallerThanTheTargetOrBeyondTheBoundAreRemovedAtOpen; the rest are ready for reuse', () => {
    const found = [
      { name: '00000000000000000001.free', number: 1, sizeBytes: 4096 },
      { name: '00000000000000000002.free', number: 2, sizeBytes: 100 },
      { name: '00000000000000000003.free', number: 3, sizeBytes: 5000 },
      { name: '00000000000000000004.free', number: 4, sizeBytes: 4096 },
      { name: '00000000000000000005.free', number: 5, sizeBytes: 4096 },
    ];
    const plan = planRecovery(summary([segment(6, 1, 9, 400)], 9), 0, { ...config, recycleSegments: 2 }, found);
    expect(plan.start.free.map((f) => [f.name, f.status])).toEqual([
      ['00000000000000000005.free', 'ready'],
      ['00000000000000000004.free', 'ready'],
      ['00000000000000000003.free', 'ready'],
    ]);
    expect(plan.before).toEqual([
      { kind: 'remove', file: '00000000000000000001.free' },
      { kind: 'remove', file: '00000000000000000002.free' },
    ]);
    // A preparation a crash cut short is removed even when it is the newest free file.
    const interrupted = { name: '00000000000000000007.free', number: 7, sizeBytes: 100 };
    const withInterrupted = planRecovery(summary([segment(6, 1, 9, 400)], 9), 0, { ...config, recycleSegments: 2 }, [...found, interrupted]);
    expect(withInterrupted.start.free.map((f) => f.name)).toEqual(['00000000000000000005.free', '00000000000000000004.free', '00000000000000000003.free']);
    expect(withInterrupted.before).toContainEqual({ kind: 'remove', file: interrupted.name });
  });

  it('EveryCaseEndsWithTheActiveSegmentsFsyncThenTheDirectorys', () => {
    const cases = [
      planRecovery(summary([], 0), 0, config),
      planRecovery(summary([segment(1, 1, 9, 400)], 9), 0, config),
      planRecovery(summary([segment(1, 1, 9, 400, { version: 1, salt: 0 })], 9), 0, config),
      planRecovery(summary([segment(1, 1, null, 0)], 0, torn(1, 0, true)), 0, config),
    ];
    expect(new Set(cases.map((p) => p.case))).toEqual(new Set(['no-segment', 'v2-end', 'v1-sealed', 'torn-header']));
    for (const plan of cases) {
      const effects = [...plan.before, ...plan.after];
      expect(effects.slice(-2)).toEqual([{ kind: 'fsync', file: plan.start.active.name }, { kind: 'fsyncDir' }]);
    }
  });
});
