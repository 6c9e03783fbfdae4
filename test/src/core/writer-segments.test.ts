// src/core/writer-segments.ts on states built by hand: which free file a rotation takes (a ready
// one, never one still being prepared), how many freed segments truncateUpTo keeps for reuse (the
// ready free files at or below the active segment count against recycleSegments, a file prepared
// ahead does not, and a free name already taken is never renamed onto), and when the next file's
// preparation is due, starts and ends.
import { describe, expect, it } from 'vitest';
import { freeFileName, SEGMENT_HEADER_BYTES, segmentFileName } from '../../../src/core/format.js';
import * as writer from '../../../src/core/writer.js';
import { prepareDone, prepareDue, prepareStart, recycleOrRemove, startNextSegment } from '../../../src/core/writer-segments.js';
import type { FreeFile, WriterState } from '../../../src/core/writer-state.js';
import { fresh, ok, transaction } from './writer-fixtures.js';

const freeFile = (number: number, status: FreeFile['status'], name = freeFileName(number)): FreeFile => ({ name, number, sizeBytes: 4096, previousSalt: null, status });

/** A log of five one-transaction segments (the active one is segment 5), with `recycleSegments` and the free files given. */
function log(recycleSegments: number, free: readonly FreeFile[]): WriterState {
  let state = fresh('per-commit', 64, null, { recycleSegments });
  for (let i = 0; i < 5; i++) state = ok(writer.flush(transaction(state, ['x'.repeat(40)]).state)).state;
  expect(state.active.id).toBe(5);
  return { ...state, free };
}

const oldest = (state: WriterState) => state.sealed.slice(0, 1);

describe('writer segments', () => {
  it('a rotation takes the ready free file with the highest number, never one still being prepared', () => {
    const state = { ...ok(writer.flush(transaction(fresh(), ['a']).state)).state, free: [freeFile(2, 'preparing'), freeFile(1, 'ready')] };
    const next = startNextSegment(state);
    expect(next.effects).toContainEqual({ kind: 'rename', from: freeFileName(1), to: segmentFileName(2) });
    expect(next.state.free).toEqual([freeFile(2, 'preparing')]);
    // With none ready, a new file is made, and the free files stay as they are.
    const made = startNextSegment({ ...state, free: [freeFile(2, 'preparing')] });
    expect(made.effects[0]).toEqual({ kind: 'create', file: segmentFileName(2) });
    expect(made.state.free).toEqual([freeFile(2, 'preparing')]);
    expect(made.state.active.sizeBytes).toBe(SEGMENT_HEADER_BYTES);
    // The new segment holds no record yet: a target its header alone reaches does not rotate it
    // again, and a rotation before its first record would seal it with no last LSN.
    const tiny = startNextSegment({ ...state, config: { ...state.config, segmentTargetBytes: SEGMENT_HEADER_BYTES } });
    expect(tiny.state.active.hasRecords).toBe(false);
    expect(writer.rotationDue(tiny.state)).toBe(false);
    // Several ready, in any order (a directory lists them as it likes): the highest number.
    const several = startNextSegment({ ...state, free: [freeFile(3, 'ready'), freeFile(9, 'preparing'), freeFile(7, 'ready'), freeFile(5, 'ready')] });
    expect(several.effects).toContainEqual({ kind: 'rename', from: freeFileName(7), to: segmentFileName(2) });
    expect(several.state.free).toEqual([freeFile(3, 'ready'), freeFile(9, 'preparing'), freeFile(5, 'ready')]);
  });

  it('counts the ready free files at or below the active segment against recycleSegments; one prepared ahead, or still being prepared, does not count', () => {
    const renamed = { kind: 'rename', from: segmentFileName(1), to: freeFileName(1) };
    const removed = { kind: 'remove', file: segmentFileName(1) };
    // A ready file at the active segment's number (prepared for a rotation that made its own file) counts.
    expect(recycleOrRemove(log(1, [freeFile(5, 'ready')]), oldest(log(1, []))).effects).toEqual([removed]);
    expect(recycleOrRemove(log(2, [freeFile(5, 'ready')]), oldest(log(2, []))).effects).toEqual([renamed]);
    // One prepared ahead for the next rotation does not, ready or not, nor one still being prepared.
    expect(recycleOrRemove(log(1, [freeFile(6, 'ready')]), oldest(log(1, []))).effects).toEqual([renamed]);
    expect(recycleOrRemove(log(1, [freeFile(6, 'preparing')]), oldest(log(1, []))).effects).toEqual([renamed]);
    expect(recycleOrRemove(log(1, [freeFile(4, 'preparing')]), oldest(log(1, []))).effects).toEqual([renamed]);
  });

  it('never renames a freed segment onto a free name that is taken: it is unlinked instead', () => {
    const taken = log(5, [freeFile(1, 'ready', freeFileName(1))]);
    const out = recycleOrRemove(taken, oldest(taken));
    expect(out.effects).toEqual([{ kind: 'remove', file: segmentFileName(1) }]);
    expect(out.free).toEqual(taken.free);
  });

  it('the next file is due once the active segment is half full, buffered frames included, and never when poisoned, not preallocating, or a free file exists', () => {
    const base = fresh('per-commit', 4096, null, { preallocate: true });
    const at = (writtenBytes: number, pendingBytes = 0): WriterState => ({ ...base, active: { ...base.active, writtenBytes }, pendingBytes });
    expect(prepareDue(at(2048))).toBe(true);
    expect(prepareDue(at(2047))).toBe(false);
    expect(prepareDue(at(1000, 1048))).toBe(true);
    expect(prepareDue(at(1048, 1000))).toBe(true);
    expect(prepareDue(at(1000, 1047))).toBe(false);
    expect(prepareDue(writer.poison(at(4096), 'planted'))).toBe(false);
    expect(prepareDue({ ...at(4096), free: [freeFile(2, 'preparing')] })).toBe(false);
    const growing = fresh('per-commit', 4096);
    expect(prepareDue({ ...growing, active: { ...growing.active, writtenBytes: 4096 } })).toBe(false);
  });

  it('prepareStart gives nothing when no preparation is due, and prepareDone marks ready only the file it names', () => {
    const base = fresh('per-commit', 4096, null, { preallocate: true });
    expect(prepareStart(base)).toBeNull();
    const plan = prepareStart({ ...base, active: { ...base.active, writtenBytes: 2048 } });
    expect(plan?.file).toBe(freeFileName(2));
    const two = { ...base, free: [freeFile(2, 'preparing'), freeFile(3, 'preparing')] };
    expect(prepareDone(two, freeFileName(2)).free).toEqual([freeFile(2, 'ready'), freeFile(3, 'preparing')]);
  });
});
