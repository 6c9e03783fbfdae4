// expectedReplay (oracle/explore/expected-replay.ts) on synthetic layouts: the walk compares
// placements with image bytes and never decodes, so any distinct non-zero bytes stand in for
// frames. Checked here: a frame counts exactly when the image holds all of its bytes (every cut
// point, the frame's last byte included), frames of an earlier life of the file and writes at or
// after the crash point never count, and replay's semantics on the surviving records (checkpoint
// fence, events held until TxCommit, in order, aborts and open transactions dropped) agree with a
// small reference model on random transaction sequences.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ORACLE_SEGMENT_HEADER_BYTES } from '../../../oracle/explore/disk-format.js';
import type { HistoryRecord, ReplayedTx } from '../../../oracle/explore/explore-history.js';
import { expectedReplay } from '../../../oracle/explore/expected-replay.js';
import type { Layout, Placement } from '../../../oracle/explore/layout.js';

const SEGMENT = '00000000000000000001.wal';
const enc = new TextEncoder();

type Rec = Pick<HistoryRecord, 'lsn' | 'kind' | 'txBeginLsn' | 'events'>;

function record(r: Rec): HistoryRecord {
  return { session: 0, snapshotLsn: null, frameBytes: 0, ...r };
}

/** Distinct, non-zero bytes for a frame (or header) `n` of `length` bytes. */
function filled(n: number, length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => 1 + ((n * 31 + i) % 250));
}

interface Built {
  readonly layout: Layout;
  /** The image with every frame intact. */
  readonly image: Uint8Array;
  /** Where each frame ends, in order. */
  readonly ends: readonly number[];
  readonly records: readonly HistoryRecord[];
}

/**
 * One segment: a header written at op `headerOp`, then one frame per record at ops headerOp+1..,
 * frames `frameBytes(i)` long. `stale` frames were placed before the header (an earlier life).
 */
function build(recs: readonly Rec[], options: { headerOp?: number; frameBytes?: (i: number) => number; stale?: readonly Rec[] } = {}): Built {
  const headerOp = options.headerOp ?? 0;
  const size = options.frameBytes ?? ((i: number) => 16 + (i % 3));
  const byOffset = new Map<number, Placement[]>();
  const add = (p: Placement): void => {
    byOffset.set(p.offsetBytes, [...(byOffset.get(p.offsetBytes) ?? []), p]);
  };
  const header = new Uint8Array(ORACLE_SEGMENT_HEADER_BYTES).fill(0xaa);
  header.fill(0, 32, 40); // no previous end
  add({ kind: 'header', file: SEGMENT, offsetBytes: 0, bytes: header, opIndex: headerOp });
  const parts: Uint8Array[] = [header];
  const ends: number[] = [];
  const records: HistoryRecord[] = [];
  let at = ORACLE_SEGMENT_HEADER_BYTES;
  (options.stale ?? []).forEach((r, i) => {
    // Earlier life: ops before the header, their bytes start where this life's frames do.
    add({ kind: 'frame', file: SEGMENT, offsetBytes: ORACLE_SEGMENT_HEADER_BYTES, bytes: filled(900 + i, 20), opIndex: headerOp - 1 - i, record: record(r) });
  });
  recs.forEach((r, i) => {
    const bytes = filled(i + 1, size(i));
    const full = record(r);
    add({ kind: 'frame', file: SEGMENT, offsetBytes: at, bytes, opIndex: headerOp + 1 + i, record: full });
    parts.push(bytes);
    records.push(full);
    at += bytes.length;
    ends.push(at);
  });
  const image = new Uint8Array(at);
  let o = 0;
  for (const p of parts) {
    image.set(p, o);
    o += p.length;
  }
  return { layout: { byFile: new Map([[SEGMENT, byOffset]]), problems: [] }, image, ends, records };
}

const ev = (s: string): Uint8Array => enc.encode(s);
const txText = (txs: readonly ReplayedTx[]): string[] => txs.map((t) => `${t.beginLsn}..${t.commitLsn}:${t.events.map((e) => new TextDecoder().decode(e)).join(',')}`);

/** Sequential transactions: [begin, mutation per event..., commit|abort|open], LSNs from 1. */
function transactions(shape: readonly { events: readonly string[]; end: 'commit' | 'abort' | 'open' }[]): Rec[] {
  const recs: Rec[] = [];
  let lsn = 1;
  for (const tx of shape) {
    const begin = lsn++;
    recs.push({ lsn: begin, kind: 'TxBegin', txBeginLsn: null, events: [] });
    for (const e of tx.events) recs.push({ lsn: lsn++, kind: 'Mutation', txBeginLsn: begin, events: [ev(e)] });
    if (tx.end === 'commit') recs.push({ lsn: lsn++, kind: 'TxCommit', txBeginLsn: begin, events: [] });
    if (tx.end === 'abort') recs.push({ lsn: lsn++, kind: 'TxAbort', txBeginLsn: begin, events: [] });
  }
  return recs;
}

describe('expectedReplay: which frames survive', () => {
  it('counts a frame exactly when the image holds all of its bytes, at every cut point of the segment', () => {
    const recs = transactions([{ events: ['a', 'b'], end: 'commit' }, { events: ['c'], end: 'commit' }]);
    const { layout, image, ends } = build(recs);
    for (let cut = ORACLE_SEGMENT_HEADER_BYTES; cut <= image.length; cut++) {
      const got = expectedReplay([{ name: SEGMENT, bytes: image.slice(0, cut) }], layout, 1_000, 0);
      const whole = ends.filter((e) => e <= cut).length;
      expect(got.failure, `cut ${cut}`).toBeNull();
      expect(got.records.map((r) => r.lsn), `cut ${cut}`).toEqual(recs.slice(0, whole).map((r) => r.lsn));
      expect(got.maxSurvivingLsn, `cut ${cut}`).toBe(whole === 0 ? 0 : recs[whole - 1]?.lsn);
    }
  });

  it('counts no frame whose bytes are torn (one byte changed) nor any after it, wherever the tear', () => {
    const recs = transactions([{ events: ['a'], end: 'commit' }, { events: ['b'], end: 'commit' }]);
    const { layout, image, ends } = build(recs);
    for (let at = ORACLE_SEGMENT_HEADER_BYTES; at < image.length; at++) {
      const torn = image.slice();
      torn[at] = 0;
      const got = expectedReplay([{ name: SEGMENT, bytes: torn }], layout, 1_000, 0);
      const whole = ends.filter((e) => e <= at).length;
      expect(got.records.map((r) => r.lsn), `byte ${at} zeroed`).toEqual(recs.slice(0, whole).map((r) => r.lsn));
    }
  });

  it('under skip-corrupted, lists every intact frame on both sides of a torn one, and nothing for the bytes it skipped', () => {
    const recs = transactions([{ events: ['a'], end: 'commit' }, { events: ['b'], end: 'commit' }]);
    const { layout, image, ends } = build(recs);
    // Every frame but the last (a torn last frame is the log's end, not a gap).
    for (let k = 0; k < ends.length - 1; k++) {
      const torn = image.slice();
      torn[(ends[k] ?? 0) - 1] = 0;
      const got = expectedReplay([{ name: SEGMENT, bytes: torn }], layout, 1_000, 0, 'skip-corrupted');
      expect(got.records.map((r) => r.lsn), `frame ${k} torn`).toEqual(recs.filter((_, i) => i !== k).map((r) => r.lsn));
    }
  });

  it('never counts a write at or after the crash point, even when its bytes are in the image', () => {
    const recs = transactions([{ events: ['a'], end: 'commit' }, { events: ['b'], end: 'commit' }]);
    const { layout, image } = build(recs, { headerOp: 0 });
    // Frame i was written by op i + 1; upToOp n means ops 0..n-1 happened.
    for (let upToOp = 1; upToOp <= recs.length + 1; upToOp++) {
      const got = expectedReplay([{ name: SEGMENT, bytes: image }], layout, upToOp, 0);
      expect(got.records.length, `upToOp ${upToOp}`).toBe(upToOp - 1);
    }
  });

  it('never counts a frame of an earlier life of the file (placed before the header the image holds)', () => {
    const old = transactions([{ events: ['old'], end: 'commit' }]);
    const { layout } = build([], { headerOp: 5, stale: old });
    const header = layout.byFile.get(SEGMENT)?.get(0)?.[0]?.bytes ?? new Uint8Array();
    const staleBytes = layout.byFile.get(SEGMENT)?.get(ORACLE_SEGMENT_HEADER_BYTES)?.[0]?.bytes ?? new Uint8Array();
    const image = new Uint8Array([...header, ...staleBytes]);
    const got = expectedReplay([{ name: SEGMENT, bytes: image }], layout, 1_000, 0);
    expect(got.failure).toBeNull();
    expect(got.records).toEqual([]);
    expect(got.transactions).toEqual([]);
    expect(got.maxSurvivingLsn).toBe(0);
  });
});

describe('expectedReplay: replay semantics on the surviving records', () => {
  const shapeArb = fc.array(fc.record({ events: fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 3 }), end: fc.constantFrom<'commit' | 'abort' | 'open'>('commit', 'commit', 'abort', 'open') }), { maxLength: 6 });

  it('is the committed transactions beginning above the checkpoint LSN, in commit order, with their events in order', () => {
    fc.assert(
      fc.property(shapeArb, fc.nat(), fc.nat(), (shape, cpPick, cutPick) => {
        // An open transaction is only legal last; keep the rest committed or aborted.
        const legal = shape.map((t, i) => (t.end === 'open' && i < shape.length - 1 ? { ...t, end: 'commit' as const } : t));
        const recs = transactions(legal);
        const { layout, image, ends } = build(recs);
        // The checkpoint LSN sits on a transaction boundary (0 included), exactly at the last LSN of a tx.
        const boundaries = [0, ...recs.filter((r) => r.kind === 'TxCommit' || r.kind === 'TxAbort').map((r) => r.lsn)];
        const cp = boundaries[cpPick % boundaries.length] ?? 0;
        const cut = [ORACLE_SEGMENT_HEADER_BYTES, ...ends][cutPick % (ends.length + 1)] ?? image.length;
        const got = expectedReplay([{ name: SEGMENT, bytes: image.slice(0, cut) }], layout, 1_000, cp);
        const surviving = recs.slice(0, ends.filter((e) => e <= cut).length);
        // Reference: a transaction replays when its commit survived and its begin is above cp.
        const want: ReplayedTx[] = [];
        for (const c of surviving.filter((r) => r.kind === 'TxCommit')) {
          const begin = c.txBeginLsn ?? -1;
          if (begin <= cp) continue;
          const events = surviving.filter((r) => r.kind === 'Mutation' && r.txBeginLsn === begin).flatMap((r) => [...r.events]);
          want.push({ beginLsn: begin, commitLsn: c.lsn, events });
        }
        expect(got.failure).toBeNull();
        expect(txText(got.transactions)).toEqual(txText(want));
      }),
      { numRuns: 300 },
    );
  });

  it('interleaved transactions replay in commit order, each with only its own events', () => {
    const recs: Rec[] = [
      { lsn: 1, kind: 'TxBegin', txBeginLsn: null, events: [] },
      { lsn: 2, kind: 'TxBegin', txBeginLsn: null, events: [] },
      { lsn: 3, kind: 'Mutation', txBeginLsn: 1, events: [ev('x1')] },
      { lsn: 4, kind: 'Mutation', txBeginLsn: 2, events: [ev('y1')] },
      { lsn: 5, kind: 'MutationBatch', txBeginLsn: 1, events: [ev('x2'), ev('x3')] },
      { lsn: 6, kind: 'TxCommit', txBeginLsn: 2, events: [] },
      { lsn: 7, kind: 'TxCommit', txBeginLsn: 1, events: [] },
    ];
    const { layout, image } = build(recs);
    const got = expectedReplay([{ name: SEGMENT, bytes: image }], layout, 1_000, 0);
    expect(txText(got.transactions)).toEqual(['2..6:y1', '1..7:x1,x2,x3']);
  });

  it('reports the newest surviving checkpoint marker above the checkpoint LSN', () => {
    const recs: Rec[] = [
      { lsn: 1, kind: 'Checkpoint', txBeginLsn: null, events: [] },
      { lsn: 2, kind: 'Checkpoint', txBeginLsn: null, events: [] },
    ];
    const withSnap = (r: Rec, s: number): HistoryRecord => ({ ...record(r), snapshotLsn: s });
    const base = build(recs);
    // Give the markers snapshot LSNs 7 and 9.
    const byOffset = base.layout.byFile.get(SEGMENT);
    const placed = [...(byOffset?.values() ?? [])].flat().filter((p) => p.kind === 'frame');
    const layout: Layout = {
      problems: [],
      byFile: new Map([[SEGMENT, new Map([...(byOffset ?? new Map<number, Placement[]>())].map(([o, ps]) => [o, ps.map((p) => (p.kind === 'frame' ? { ...p, record: withSnap(p.record, p.record.lsn === 1 ? 7 : 9) } : p))]))]]),
    };
    expect(placed).toHaveLength(2);
    expect(expectedReplay([{ name: SEGMENT, bytes: base.image }], layout, 1_000, 0).checkpointObserved).toBe(9);
    expect(expectedReplay([{ name: SEGMENT, bytes: base.image }], layout, 1_000, 1).checkpointObserved).toBe(9);
    expect(expectedReplay([{ name: SEGMENT, bytes: base.image }], layout, 1_000, 2).checkpointObserved).toBeNull();
    expect(expectedReplay([{ name: SEGMENT, bytes: base.image.slice(0, base.ends[0]) }], layout, 1_000, 0).checkpointObserved).toBe(7);
  });
});
