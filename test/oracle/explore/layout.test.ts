// oracle/explore/layout.ts: every byte a WAL write carried, placed as the segment header (offset 0)
// or the session's next record, one whole frame each in LSN order. Zeros place nothing, nor does a
// write (or a header) of exactly the bytes already there; a write that does not split into whole
// frames is a problem named by op, file, offset and LSN; files outside the WAL directory and files
// that are no segments are left alone; and a rename within the directory carries every placement.
import { describe, expect, it } from 'vitest';
import type { SimOp } from '../../../crash-sim/sim-state.js';
import { opLog as log, recorded } from '../../crash-sim/op-log.js';
import { ORACLE_SEGMENT_HEADER_BYTES } from '../../../oracle/explore/disk-format.js';
import type { ExploreHistory, HistoryRecord } from '../../../oracle/explore/explore-history.js';
import { buildLayout, sessionAt, type Placement } from '../../../oracle/explore/layout.js';
import { concat } from '../../src/core/log-builder.js';

const SEG = '/wal/00000000000000000001.wal';
const SEG_NAME = '00000000000000000001.wal';
const FREE = '/wal/00000000000000000009.free';
const FREE_NAME = '00000000000000000009.free';
const HEADER = ORACLE_SEGMENT_HEADER_BYTES;

const rec = (session: number, lsn: number, frameBytes: number): HistoryRecord => ({ session, lsn, kind: 'TxBegin', txBeginLsn: null, events: [], snapshotLsn: null, frameBytes });

function history(records: readonly HistoryRecord[], sessionStarts: readonly number[] = [0]): ExploreHistory {
  return {
    dir: '/wal',
    records,
    txs: [],
    sessions: sessionStarts.map((startOp, session) => ({ session, startOp, openedAtOp: startOp, checkpointLsn: 0, recovered: [], nextLsnAtOpen: 1, tornTail: false })),
    steps: [],
    checkpointLsns: [],
    epochs: [],
    contractViolations: [],
  } as ExploreHistory;
}

function filled(length: number, value: number): Uint8Array {
  return new Uint8Array(length).fill(value);
}


const mkdir = { kind: 'mkdir', path: '/wal' };
const create = (path: string, inode: number) => ({ kind: 'create', path, inode });
const write = (path: string, inode: number, offsetBytes: number, data: Uint8Array) => ({ kind: 'write', path, inode, offsetBytes, data, writtenBytes: data.length, errno: null });

/** The placements of the segment SEG in the layout of `ops`, which must name no problem. */
function segmentPlacements(h: ExploreHistory, ops: readonly SimOp[]): (string | number | null)[][] {
  const layout = buildLayout(h, ops);
  expect(layout.problems).toEqual([]);
  return placed(layout, SEG_NAME);
}

/** [kind, offset, opIndex, lsn] of every placement of a file, by offset. */
function placed(layout: ReturnType<typeof buildLayout>, file: string): (string | number | null)[][] {
  return [...(layout.byFile.get(file) ?? new Map<number, readonly Placement[]>())].flatMap(([offset, list]) => list.map((p) => [p.kind, offset, p.opIndex, p.kind === 'frame' ? p.record.lsn : null]));
}

describe('buildLayout', () => {
  it('places the header at offset 0 and then one whole frame per record, in LSN order, across writes; the end marker places nothing', () => {
    const records = [rec(0, 2, 10), rec(0, 1, 20), rec(0, 3, 5)];
    const ops = log(mkdir, create(SEG, 1), write(SEG, 1, 0, concat([filled(HEADER, 1), filled(20, 2), filled(10, 3), filled(8, 0)])), write(SEG, 1, HEADER + 30, concat([filled(5, 4), filled(8, 0)])));
    const layout = buildLayout(history(records), ops);
    expect(layout.problems).toEqual([]);
    expect(placed(layout, SEG_NAME)).toEqual([
      ['header', 0, 2, null],
      ['frame', HEADER, 2, 1],
      ['frame', HEADER + 20, 2, 2],
      ['frame', HEADER + 30, 3, 3],
    ]);
    const frame = layout.byFile.get(SEG_NAME)?.get(HEADER + 20)?.[0];
    expect([...(frame?.bytes ?? [])]).toEqual([...filled(10, 3)]);
  });

  it('places nothing for a write of the bytes already there, nor for a header written again as it was', () => {
    const records = [rec(0, 1, 10), rec(0, 2, 10)];
    const header = filled(HEADER, 1);
    const ops = log(
      mkdir,
      create(SEG, 1),
      write(SEG, 1, 0, concat([header, filled(10, 2)])),
      // Recovery's rewrite of what is there: nothing new.
      write(SEG, 1, 0, concat([header, filled(10, 2)])),
      // The same header alone: nothing new; then a new frame behind the first.
      write(SEG, 1, 0, header),
      write(SEG, 1, HEADER + 10, filled(10, 3)),
    );
    expect(segmentPlacements(history(records), ops)).toEqual([
      ['header', 0, 2, null],
      ['frame', HEADER, 2, 1],
      ['frame', HEADER + 10, 5, 2],
    ]);
  });

  it('places a header written alone, with no problem, and a header written again as it was only once', () => {
    const header = filled(HEADER, 1);
    const ops = log(mkdir, create(SEG, 1), write(SEG, 1, 0, header), write(SEG, 1, HEADER, filled(10, 2)), write(SEG, 1, 0, concat([header, filled(10, 3)])));
    expect(segmentPlacements(history([rec(0, 1, 10), rec(0, 2, 10)]), ops)).toEqual([
      ['header', 0, 2, null],
      ['frame', HEADER, 3, 1],
      ['frame', HEADER, 4, 2],
    ]);
  });

  it('places nothing for frames written again as they were after the header, and names bytes no record explains', () => {
    const frames = concat([filled(10, 2), filled(10, 3)]);
    const ops = log(mkdir, create(SEG, 1), write(SEG, 1, 0, concat([filled(HEADER, 1), frames])), write(SEG, 1, HEADER, frames), write(SEG, 1, HEADER + 20, filled(6, 4)));
    const layout = buildLayout(history([rec(0, 1, 10), rec(0, 2, 10)]), ops);
    expect(placed(layout, SEG_NAME)).toEqual([
      ['header', 0, 2, null],
      ['frame', HEADER, 2, 1],
      ['frame', HEADER + 10, 2, 2],
    ]);
    expect(layout.problems).toEqual(['op 4: 6 bytes written to 00000000000000000001.wal at offset 64 carry no record the API returned in session 0']);
  });

  it('keeps a name\'s placements in op order when an older file is renamed over a newer one', () => {
    const ops = log(
      mkdir,
      create(SEG, 1),
      write(SEG, 1, 0, concat([filled(HEADER, 1), filled(10, 2)])),
      { kind: 'rename', from: SEG, to: FREE, inode: 1 },
      // A header into the free file (the next segment prepared ahead), then a new file takes the name.
      write(FREE, 1, 0, filled(HEADER, 4)),
      create(SEG, 2),
      write(SEG, 2, 0, concat([filled(HEADER, 5), filled(10, 6)])),
      { kind: 'rename', from: FREE, to: SEG, inode: 1 },
    );
    expect(segmentPlacements(history([rec(0, 1, 10), rec(0, 2, 10)]), ops)).toEqual([
      ['header', 0, 2, null],
      ['header', 0, 4, null],
      ['header', 0, 6, null],
      ['frame', HEADER, 2, 1],
      ['frame', HEADER, 6, 2],
    ]);
  });

  it('places nothing for an empty write or a write of zeros, at offset 0 or after it', () => {
    const ops = log(mkdir, create(SEG, 1), write(SEG, 1, 0, new Uint8Array(0)), write(SEG, 1, 0, new Uint8Array(HEADER + 20)), write(SEG, 1, HEADER, new Uint8Array(0)), write(SEG, 1, HEADER, new Uint8Array(8)));
    const layout = buildLayout(history([rec(0, 1, 10)]), ops);
    expect(layout.problems).toEqual([]);
    expect(layout.byFile.size).toBe(0);
  });

  it('places a new header and frame over a file\'s old life even where some of their bytes equal the old ones', () => {
    const records = [rec(0, 1, 10), rec(0, 2, 10)];
    const oldFrame = filled(10, 2);
    const newFrame = filled(10, 2);
    newFrame[9] = 7;
    const newHeader = filled(HEADER, 1);
    newHeader[HEADER - 1] = 9;
    const ops = log(mkdir, create(SEG, 1), write(SEG, 1, 0, concat([filled(HEADER, 1), oldFrame])), write(SEG, 1, 0, concat([newHeader, newFrame])));
    expect(segmentPlacements(history(records), ops)).toEqual([
      ['header', 0, 2, null],
      ['header', 0, 3, null],
      ['frame', HEADER, 2, 1],
      ['frame', HEADER, 3, 2],
    ]);
  });

  it('names a write that ends inside a frame, and one shorter than a header', () => {
    const ops = log(mkdir, create(SEG, 1), write(SEG, 1, 0, concat([filled(HEADER, 1), filled(7, 2)])));
    expect(buildLayout(history([rec(0, 5, 10)]), ops).problems).toEqual(['op 2: the write to 00000000000000000001.wal ends 7 bytes into LSN 5 (TxBegin), whose frame is 10 bytes by docs/format.md']);
    const short = log(mkdir, create(SEG, 1), write(SEG, 1, 0, filled(10, 1)));
    const layout = buildLayout(history([]), short);
    expect(layout.problems).toEqual(['op 2: a 10-byte write at offset 0 of 00000000000000000001.wal is shorter than a segment header']);
    expect(placed(layout, SEG_NAME)).toEqual([['header', 0, 2, null]]);
  });

  it('takes each write\'s records from the session the write belongs to', () => {
    const records = [rec(0, 1, 10), rec(1, 2, 12)];
    const ops = log(mkdir, create(SEG, 1), write(SEG, 1, 0, concat([filled(HEADER, 1), filled(10, 2)])), { kind: 'mark', label: 'session', data: null }, write(SEG, 1, HEADER + 10, filled(12, 3)));
    expect(segmentPlacements(history(records, [0, 3]), ops)).toEqual([
      ['header', 0, 2, null],
      ['frame', HEADER, 2, 1],
      ['frame', HEADER + 10, 4, 2],
    ]);
  });

  it('leaves files outside the WAL directory, and files that are no segments, alone', () => {
    const ops = log(mkdir, { kind: 'mkdir', path: '/other' }, create('/other/00000000000000000001.wal', 1), write('/other/00000000000000000001.wal', 1, 0, filled(HEADER + 10, 1)), create('/wal/MANIFEST', 2), write('/wal/MANIFEST', 2, 0, filled(100, 1)));
    const layout = buildLayout(history([rec(0, 1, 10)]), ops);
    expect(layout.problems).toEqual([]);
    expect(layout.byFile.size).toBe(0);
  });

  it('carries every placement of a file along a rename within the directory, merged by op order with the target\'s', () => {
    const records = [rec(0, 1, 10), rec(0, 2, 10)];
    const ops = log(
      mkdir,
      create(SEG, 1),
      write(SEG, 1, 0, concat([filled(HEADER, 1), filled(10, 2)])),
      // The segment is freed: renamed to a free file.
      { kind: 'rename', from: SEG, to: FREE, inode: 1 },
      // A new header into the free file, which becomes the segment again.
      write(FREE, 1, 0, concat([filled(HEADER, 5), filled(10, 6)])),
      { kind: 'rename', from: FREE, to: SEG, inode: 1 },
    );
    const layout = buildLayout(history(records), ops);
    expect(layout.problems).toEqual([]);
    // Each placement once, though the segment's first life went out to the free name and came back.
    expect(placed(layout, SEG_NAME)).toEqual([
      ['header', 0, 2, null],
      ['header', 0, 4, null],
      ['frame', HEADER, 2, 1],
      ['frame', HEADER, 4, 2],
    ]);
    expect(placed(layout, FREE_NAME)).toEqual([
      ['header', 0, 2, null],
      ['header', 0, 4, null],
      ['frame', HEADER, 2, 1],
      ['frame', HEADER, 4, 2],
    ]);
    // A rename to a name that is no WAL file carries nothing.
    const out = buildLayout(history(records), [...ops, recorded({ kind: 'rename', from: SEG, to: '/wal/notes.txt', inode: 1 }, ops.length)]);
    expect(out.byFile.has('notes.txt')).toBe(false);
  });

  it('keeps one placement per write however often a file goes round through its free name', () => {
    const rounds = 30;
    const records = Array.from({ length: rounds }, (_, i) => rec(0, i + 1, 10));
    const ops: Record<string, unknown>[] = [mkdir, create(SEG, 1)];
    for (let i = 0; i < rounds; i++) {
      ops.push(write(SEG, 1, 0, concat([filled(HEADER, i + 1), filled(10, i + 100)])), { kind: 'rename', from: SEG, to: FREE, inode: 1 }, { kind: 'rename', from: FREE, to: SEG, inode: 1 });
    }
    const layout = buildLayout(history(records), log(...ops));
    expect(layout.problems).toEqual([]);
    expect(placed(layout, SEG_NAME)).toHaveLength(2 * rounds);
  });

  it('carries nothing along a rename into another directory, nor out of one', () => {
    const ops = log(mkdir, { kind: 'mkdir', path: '/other' }, create(SEG, 1), write(SEG, 1, 0, concat([filled(HEADER, 1), filled(10, 2)])), { kind: 'rename', from: SEG, to: '/other/00000000000000000002.wal', inode: 1 }, { kind: 'rename', from: '/other/00000000000000000002.wal', to: '/wal/00000000000000000003.wal', inode: 1 });
    const layout = buildLayout(history([rec(0, 1, 10)]), ops);
    expect([...layout.byFile.keys()]).toEqual([SEG_NAME]);
    // A file of another directory that has a segment's name brings none of that segment's placements.
    const twin = log(mkdir, { kind: 'mkdir', path: '/other' }, create(SEG, 1), write(SEG, 1, 0, concat([filled(HEADER, 1), filled(10, 2)])), create('/other/00000000000000000001.wal', 2), { kind: 'rename', from: '/other/00000000000000000001.wal', to: '/wal/00000000000000000003.wal', inode: 2 });
    expect([...buildLayout(history([rec(0, 1, 10)]), twin).byFile.keys()]).toEqual([SEG_NAME]);
  });
});

describe('sessionAt', () => {
  it('is the last session that started at or before the op', () => {
    const h = history([], [0, 5, 9]);
    expect([0, 4, 5, 8, 9, 20].map((op) => sessionAt(h, op))).toEqual([0, 0, 1, 1, 2, 2]);
  });
});
