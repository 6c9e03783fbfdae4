// The checkpoint protocol as pure steps (src/core/checkpoint.ts): the order of its effects is the
// protocol's safety argument, so it is asserted effect by effect; and the refusals of a snapshot LSN.
import { describe, expect, it } from 'vitest';
import {
  abandonSnapshot,
  commitCheckpoint,
  planLeftovers,
  segmentsToDrop,
  snapshotLsnRefusal,
  type FenceFacts,
} from '../../../src/core/checkpoint.js';
import type { Effect } from '../../../src/core/effects.js';
import { segmentFileName } from '../../../src/core/format.js';
import { MANIFEST_FILE_NAME, MANIFEST_TEMP_FILE_NAME, snapshotFileName } from '../../../src/core/manifest.js';
import { initialWriterState, type SealedSegment } from '../../../src/core/writer-state.js';

const sealed = (id: number, lastLsn: number | null): SealedSegment => ({ id, name: segmentFileName(id), baseLsn: id * 10, lastLsn, version: 2, salt: id, sizeBytes: 4096 });

function writerWith(segments: readonly SealedSegment[], durableLsn: number) {
  const activeId = segments.length + 1;
  return initialWriterState({
    config: { syncMode: 'per-commit', segmentTargetBytes: 1 << 20, maxCommits: null, preallocate: false, recycleSegments: 0 },
    active: { id: activeId, name: segmentFileName(activeId), baseLsn: activeId * 10, salt: activeId, writtenBytes: 44, sizeBytes: 44, hasRecords: false },
    free: [],
    sealed: segments,
    maxLsnOnDisk: durableLsn,
    durableLsn,
    lastSnapshotLsn: null,
  });
}

const describeEffect = (e: Effect): string => (e.kind === 'rename' ? `rename ${e.from} ${e.to}` : e.kind === 'fsyncDir' ? 'fsyncDir' : `${e.kind} ${e.file}`);

describe('the checkpoint protocol', () => {
  it('a snapshot whose host function failed before the commit point is removed, and nothing else changes', () => {
    const state = writerWith([sealed(1, 9)], 9);
    expect(abandonSnapshot(state, snapshotFileName(3))).toEqual({ ok: true, state, effects: [{ kind: 'remove', file: snapshotFileName(3) }], value: undefined });
  });

  it('commits in the order that makes the MANIFEST the single commit point', () => {
    const state = writerWith([sealed(1, 19), sealed(2, 29), sealed(3, 39)], 45);
    const epoch = { manifest: { epoch: 1, firstSegmentId: 1, snapshots: [{ id: 1, lsn: 5, sizeBytes: 1, crc32c: 0 }] }, nextSnapshotId: 3 };
    const step = commitCheckpoint(state, epoch, { id: 2, lsn: 29, sizeBytes: 10, crc32c: 1 }, { snapshots: 1, segmentsBehindSnapshot: 0 });
    expect(step.ok).toBe(true);
    if (!step.ok) return;
    expect(step.effects.map(describeEffect)).toEqual([
      `fsync ${snapshotFileName(2)}`, // the snapshot's data, before anything names it
      `create ${MANIFEST_TEMP_FILE_NAME}`,
      `write ${MANIFEST_TEMP_FILE_NAME}`,
      `fsync ${MANIFEST_TEMP_FILE_NAME}`, // the new MANIFEST's data, before the rename
      'fsyncDir', // the snapshot's and the temp file's entries
      `rename ${MANIFEST_TEMP_FILE_NAME} ${MANIFEST_FILE_NAME}`,
      'fsyncDir', // the commit point
      `remove ${snapshotFileName(1)}`, // only now what the new MANIFEST drops
      `remove ${segmentFileName(1)}`,
      `remove ${segmentFileName(2)}`,
      'fsyncDir',
    ]);
    expect(step.value.manifest).toEqual({ epoch: 2, firstSegmentId: 3, snapshots: [{ id: 2, lsn: 29, sizeBytes: 10, crc32c: 1 }] });
    expect(step.state.sealed.map((s) => s.id)).toEqual([3]);
    expect(step.state.pendingBytes).toBeGreaterThan(0); // the buffered checkpoint marker
    expect(step.value.markerLsn).toBe(46);
  });

  it('drops only a run of the oldest covered segments, never the one before the active segment', () => {
    const segments = [sealed(1, 9), sealed(2, null), sealed(3, 29), sealed(4, 39), sealed(5, 49)];
    const ids = (fence: number, behind: number) => segmentsToDrop(segments, fence, { snapshots: 1, segmentsBehindSnapshot: behind }).map((s) => s.id);
    expect(ids(100, 0)).toEqual([1, 2, 3, 4]);
    expect(ids(100, 1)).toEqual([1, 2, 3]);
    expect(ids(30, 0)).toEqual([1, 2, 3]);
    expect(ids(28, 0)).toEqual([1, 2]);
    expect(ids(5, 0)).toEqual([]);
    expect(ids(100, 10)).toEqual([]);
  });

  it('a snapshot LSN must be durable, at or above the fence and a commit boundary; one inside a transaction is FenceSplitsTransaction, naming it', () => {
    const facts: FenceFacts = {
      durableLsn: 20,
      checkpointLsn: 5,
      lastSnapshotLsn: null,
      oldestOpenBegin: null,
      commitAt: (lsn) => (lsn === 12 ? { kind: 'boundary' } : lsn === 15 ? { kind: 'split', txBeginLsn: 10 } : { kind: 'unknown' }),
      recoveredLsn: 8,
    };
    expect(snapshotLsnRefusal(12, facts)).toBeNull();
    expect(snapshotLsnRefusal(8, facts)).toBeNull();
    // Whatever the fence, a value that is no LSN is named as such: negative, fractional, NaN, beyond 2^53.
    for (const bad of [-1, 2.5, Number.NaN, 2 ** 53]) {
      for (const at of [facts, { ...facts, checkpointLsn: 0, durableLsn: 2 ** 60 }]) {
        expect(snapshotLsnRefusal(bad, at)).toMatchObject({ code: 'InvalidArgument', argument: 'lsn', detail: `${bad} is not an LSN` });
      }
    }
    expect(snapshotLsnRefusal(5, facts)).toBeNull();
    expect(snapshotLsnRefusal(21, facts)?.code).toBe('InvalidArgument');
    expect(snapshotLsnRefusal(4, facts)?.code).toBe('InvalidArgument');
    expect(snapshotLsnRefusal(15, facts)).toEqual({ code: 'FenceSplitsTransaction', lsn: 15, txBeginLsn: 10, open: false });
    expect(snapshotLsnRefusal(13, facts)).toMatchObject({ argument: 'lsn', detail: expect.stringContaining('not the commit LSN') });
    expect(snapshotLsnRefusal(12, { ...facts, oldestOpenBegin: 9 })).toEqual({ code: 'FenceSplitsTransaction', lsn: 12, txBeginLsn: 9, open: true });
    expect(snapshotLsnRefusal(12, { ...facts, oldestOpenBegin: 12 })).toEqual({ code: 'FenceSplitsTransaction', lsn: 12, txBeginLsn: 12, open: true });
    // A transaction begun above the LSN does not straddle it.
    expect(snapshotLsnRefusal(12, { ...facts, oldestOpenBegin: 13 })).toBeNull();
    expect(snapshotLsnRefusal(12, { ...facts, lastSnapshotLsn: 14 })).toMatchObject({ code: 'InvalidArgument', detail: "LSN 12 is below the previous checkpoint marker's 14" });
    // The newest marker's snapshot LSN is no boundary by the marker's word alone (checkpointMarker
    // takes any LSN): a commit that splits a transaction is refused, one that does not is accepted.
    expect(snapshotLsnRefusal(15, { ...facts, lastSnapshotLsn: 15 })?.code).toBe('FenceSplitsTransaction');
    expect(snapshotLsnRefusal(14, { ...facts, lastSnapshotLsn: 14 })?.code).toBe('InvalidArgument');
    expect(snapshotLsnRefusal(12, { ...facts, lastSnapshotLsn: 12 })).toBeNull();
  });

  it('a checkpoint that drops nothing ends at its commit point: no removals, and no directory fsync after it', () => {
    const state = writerWith([sealed(1, 19)], 25);
    const step = commitCheckpoint(state, { manifest: null, nextSnapshotId: 1 }, { id: 1, lsn: 19, sizeBytes: 10, crc32c: 1 }, { snapshots: 2, segmentsBehindSnapshot: 0 });
    expect(step.ok).toBe(true);
    if (!step.ok) return;
    expect(step.effects.map(describeEffect).slice(-2)).toEqual([`rename ${MANIFEST_TEMP_FILE_NAME} ${MANIFEST_FILE_NAME}`, 'fsyncDir']);
    expect(step.value.removedSnapshots).toEqual([]);
  });

  it('the next snapshot id is above every id the MANIFEST names, even one whose file is gone, and above every snapshot file', () => {
    const manifest = { epoch: 3, firstSegmentId: 1, snapshots: [{ id: 7, lsn: 30, sizeBytes: 1, crc32c: 0 }] };
    expect(planLeftovers([], manifest).nextSnapshotId).toBe(8);
    expect(planLeftovers([snapshotFileName(9)], manifest)).toEqual({ remove: [snapshotFileName(9)], nextSnapshotId: 10 });
    expect(planLeftovers([], null).nextSnapshotId).toBe(1);
  });

  it('open removes only leftovers: the temp MANIFEST, unnamed snapshots, segments below the first one', () => {
    const manifest = { epoch: 2, firstSegmentId: 3, snapshots: [{ id: 4, lsn: 30, sizeBytes: 1, crc32c: 0 }] };
    const names = ['walref.lock', MANIFEST_FILE_NAME, MANIFEST_TEMP_FILE_NAME, snapshotFileName(3), snapshotFileName(4), snapshotFileName(5), ...[1, 2, 3, 4].map(segmentFileName)];
    expect(planLeftovers(names, manifest)).toEqual({
      remove: [MANIFEST_TEMP_FILE_NAME, segmentFileName(1), segmentFileName(2), snapshotFileName(3), snapshotFileName(5)].sort(),
      nextSnapshotId: 6,
    });
    // Before the first commit every snapshot file is a leftover, and no segment is.
    expect(planLeftovers(names, null).remove).toEqual([MANIFEST_TEMP_FILE_NAME, snapshotFileName(3), snapshotFileName(4), snapshotFileName(5)].sort());
  });
});
