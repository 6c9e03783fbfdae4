// The writer's steps at their edges: every refusal names its argument and says what was wrong;
// the LSN space's end; exactly at the rotation threshold; what flush, fsync and abort do to the
// count of commits waiting for a sync; the exact bound of truncateUpTo; and how a failed write is
// cut back whatever file it went to and wherever it ended.
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../../src/core/effects.js';
import { LSN_MAX, SEGMENT_HEADER_BYTES } from '../../../src/core/format.js';
import * as writer from '../../../src/core/writer.js';
import type { WriterState } from '../../../src/core/writer-state.js';
import { enc, fresh, ok, transaction } from './writer-fixtures.js';

/** The error of a step that must be refused. */
function refused<T>(step: writer.WriterStep<T>): unknown {
  if (step.ok) throw new Error('the step was not refused');
  return step.error;
}

/** A log of `count` one-transaction segments (each rotated by the next begin), all written and durable. */
function segments(count: number): { state: WriterState; commits: number[] } {
  let state = fresh('per-commit', 64);
  const commits: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = transaction(state, ['x'.repeat(40)]);
    state = ok(writer.flush(t.state)).state;
    commits.push(t.commitLsn);
  }
  return { state, commits };
}

describe('writer edges', () => {
  it('refuses to hand out an LSN past the last one, naming it; the last one itself is handed out', () => {
    const last = { ...fresh(), nextLsn: LSN_MAX };
    expect(ok(writer.begin(last)).value).toBe(LSN_MAX);
    expect(refused(writer.begin({ ...fresh(), nextLsn: LSN_MAX + 1 }))).toEqual({
      code: 'InvalidArgument',
      argument: 'lsn',
      detail: `LSN space exhausted at ${LSN_MAX + 1}`,
    });
  });

  it('a second poison keeps the first reason', () => {
    expect(writer.poison(writer.poison(fresh(), 'first'), 'second').poisoned).toBe('first');
  });

  it('a call on a transaction that is not open says which LSN is not an open TxBegin', () => {
    const notOpen = { code: 'InvalidArgument', argument: 'txBeginLsn', detail: 'LSN 7 is not the TxBegin of an open transaction' };
    expect(refused(writer.commit(fresh(), 7))).toEqual(notOpen);
    expect(refused(writer.abort(fresh(), 7))).toEqual(notOpen);
    expect(refused(writer.append(fresh(), 7, enc.encode('e')))).toEqual(notOpen);
    expect(refused(writer.appendBatch(fresh(), 7, [enc.encode('e')]))).toEqual(notOpen);
  });

  it('a poisoned writer refuses append, appendBatch, commit and abort of an open transaction with Poisoned', () => {
    const begun = ok(writer.begin(fresh()));
    const poisoned = writer.poison(begun.state, 'planted');
    for (const step of [
      writer.append(poisoned, begun.value, enc.encode('e')),
      writer.appendBatch(poisoned, begun.value, [enc.encode('e')]),
      writer.commit(poisoned, begun.value),
      writer.abort(poisoned, begun.value),
    ]) {
      expect(refused(step)).toEqual({ code: 'Poisoned', reason: 'planted' });
    }
  });

  it('a segment is due to rotate exactly when its frames reach the target size, not a byte before', () => {
    const written = ok(writer.flush(transaction(fresh(), ['a']).state)).state;
    const at = written.active.writtenBytes;
    const withTarget = (bytes: number): WriterState => ({ ...written, config: { ...written.config, segmentTargetBytes: bytes } });
    expect(writer.rotationDue(withTarget(at))).toBe(true);
    expect(writer.rotationDue(withTarget(at + 1))).toBe(false);
    // Buffered frames count too.
    const buffered = transaction(fresh(), ['a']).state;
    expect(writer.rotationDue({ ...buffered, config: { ...buffered.config, segmentTargetBytes: SEGMENT_HEADER_BYTES + buffered.pendingBytes } })).toBe(true);
  });

  it('a file that is not preallocated grows with what is written: its size follows the frames', () => {
    const written = ok(writer.flush(transaction(fresh(), ['a', 'b']).state)).state;
    expect(written.active.sizeBytes).toBe(written.active.writtenBytes);
    expect(written.active.sizeBytes).toBeGreaterThan(SEGMENT_HEADER_BYTES);
  });

  it('a begin without a rotation has no effects', () => {
    expect(ok(writer.begin(fresh())).effects).toEqual([]);
  });

  it('commits count toward the next group sync, aborts do not; a flush that only writes keeps the count, an fsync clears it even with nothing to sync', () => {
    const committed = transaction(fresh('group', 1 << 20, 8), ['a']).state;
    expect(committed.commitsSinceFsync).toBe(1);
    const begun = ok(writer.begin(committed));
    expect(ok(writer.abort(begun.state, begun.value)).state.commitsSinceFsync).toBe(1);
    const flushed = ok(writer.flush(committed)).state;
    expect(flushed.commitsSinceFsync).toBe(1);
    const synced = ok(writer.fsync(flushed)).state;
    expect(synced.commitsSinceFsync).toBe(0);
    // Everything written is durable already, yet the count (here set by hand) is cleared: the sync is done.
    expect(ok(writer.fsync({ ...synced, commitsSinceFsync: 3 })).state.commitsSinceFsync).toBe(0);
  });

  it('a checkpoint marker refuses an LSN that is no LSN, below zero, not below the next LSN, or below the previous marker, saying which', () => {
    const state = transaction(fresh(), ['a']).state; // next LSN 4
    for (const lsn of [1.5, -1, 4, Number.NaN]) {
      expect(refused(writer.checkpointMarker(state, lsn))).toEqual({ code: 'InvalidArgument', argument: 'snapshotLsn', detail: `${lsn} is not an LSN below 4` });
    }
    const marked = ok(writer.checkpointMarker(state, 3)).state;
    expect(refused(writer.checkpointMarker(marked, 2))).toEqual({ code: 'InvalidArgument', argument: 'snapshotLsn', detail: '2 is below the previous checkpoint 3' });
    expect(ok(writer.checkpointMarker(marked, 3)).value).toBe(5);
  });

  it('truncateUpTo refuses an LSN that is no LSN or below zero, saying which', () => {
    const { state } = segments(4);
    for (const lsn of [1.5, -1, Number.POSITIVE_INFINITY]) {
      expect(refused(writer.truncateUpTo(state, lsn))).toEqual({ code: 'InvalidArgument', argument: 'upToLsn', detail: `${lsn} is not an LSN` });
    }
  });

  it('truncateUpTo frees a segment whose last LSN is exactly the LSN given, never one from keepFromSegmentId on, and does nothing at all when nothing is covered', () => {
    const { state, commits } = segments(5);
    expect(state.sealed.map((s) => s.lastLsn)).toEqual(commits.slice(0, 4));
    expect(ok(writer.truncateUpTo(state, commits[0]!)).value).toEqual([state.sealed[0]!.name]);
    expect(ok(writer.truncateUpTo(state, commits[2]!, state.sealed[1]!.id)).value).toEqual([state.sealed[0]!.name]);
    const nothing = ok(writer.truncateUpTo(state, commits[0]! - 1));
    expect(nothing).toEqual({ ok: true, state, effects: [], value: [] });
  });

  it('a failed directory fsync poisons with a reason naming the directory', () => {
    const failed = writer.effectFailed(fresh(), { kind: 'fsyncDir' }, 'EIO');
    expect(failed.state.poisoned).toBe('fsyncDir of . failed with EIO');
    expect(failed.effects).toEqual([]);
  });

  it('a failed write is cut back by the file it went to: zeros inside a preallocated active segment, a truncate past its end, and a truncate for any other file', () => {
    const state = fresh('per-commit', 4096, null, { preallocate: true });
    const size = state.active.sizeBytes;
    const write = (file: string, offsetBytes: number, length: number): Effect => ({ kind: 'write', file, offsetBytes, data: new Uint8Array(length).fill(7) });
    // Ending exactly at the file's end: zeros only, the size is kept.
    expect(writer.effectFailed(state, write(state.active.name, size - 30, 30), 'EIO').effects).toEqual([{ kind: 'write', file: state.active.name, offsetBytes: size - 30, data: new Uint8Array(30) }]);
    // Crossing the file's end: zeros up to it, then a truncate back to it.
    expect(writer.effectFailed(state, write(state.active.name, size - 10, 30), 'EIO').effects).toEqual([
      { kind: 'write', file: state.active.name, offsetBytes: size - 10, data: new Uint8Array(10) },
      { kind: 'truncate', file: state.active.name, sizeBytes: size },
    ]);
    // Wholly past it: a truncate to where it began.
    expect(writer.effectFailed(state, write(state.active.name, size, 30), 'EIO').effects).toEqual([{ kind: 'truncate', file: state.active.name, sizeBytes: size }]);
    // Another file (a free file taking a new header, say): the writer knows no size for it, so a truncate.
    expect(writer.effectFailed(state, write('other.free', 0, SEGMENT_HEADER_BYTES), 'EIO').effects).toEqual([{ kind: 'truncate', file: 'other.free', sizeBytes: 0 }]);
  });
});
