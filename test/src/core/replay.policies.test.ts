// The recovery policies on logs this test damages itself: what each one replays, reports or
// refuses (docs/format.md, "Recovery policies"), first on named examples, then as properties over
// random interleaved logs with random damage. The decision table's columns are checked row by row
// in replay-decision.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../../src/core/codec.js';
import type { RecoveryPolicy, WalErrorInfo } from '../../../src/core/errors.js';
import type { ReplayedTransaction, WalRecord } from '../../../src/core/records.js';
import { replay, replayStream } from '../../../src/core/replay.js';
import type { ReplayOutcome } from '../../../src/core/replay-outcome.js';
import { segmentFileName, SEGMENT_HEADER_BYTES } from '../../../src/core/format.js';
import { encodeSegmentHeader, segmentSalt } from '../../../src/core/segment-header.js';
import { concat, inChunks, plainTransactions, segment, segmentV1, text, type SegmentInput } from './log-builder.js';

/** A frame (or a segment header, tx null) and where it lies. */
interface Placed {
  readonly segment: number;
  readonly start: number;
  readonly end: number;
  readonly tx: number | null;
  readonly kind: WalRecord['kind'] | 'header';
}

interface LaidLog {
  readonly segments: SegmentInput[];
  /** Headers and frames in log order. */
  readonly placed: Placed[];
  readonly committed: (Pick<ReplayedTransaction, 'beginLsn' | 'commitLsn' | 'events'> & { readonly tx: number })[];
}

/**
 * Transactions whose records interleave as `schedule` says (each entry advances one transaction
 * by one record: TxBegin, MutationBatch, then TxCommit or TxAbort or nothing), cut into segments
 * of `perSegment` records.
 */
function layOut(txs: readonly { events: string[]; ending: 'commit' | 'abort' | 'open' }[], schedule: readonly number[], perSegment: number): LaidLog {
  const steps = txs.map(() => 0);
  const begins: number[] = txs.map(() => 0);
  const order: { tx: number; record: WalRecord }[] = [];
  let lsn = 0;
  const advance = (t: number): void => {
    const tx = txs[t]!;
    const step = steps[t]!;
    if (step === 0) order.push({ tx: t, record: { kind: 'TxBegin', lsn: (begins[t] = ++lsn) } });
    else if (step === 1) order.push({ tx: t, record: { kind: 'MutationBatch', lsn: ++lsn, txBeginLsn: begins[t]!, events: tx.events.map(text) } });
    else if (step === 2 && tx.ending !== 'open') order.push({ tx: t, record: { kind: tx.ending === 'commit' ? 'TxCommit' : 'TxAbort', lsn: ++lsn, txBeginLsn: begins[t]! } });
    steps[t] = step + 1;
  };
  for (const pick of schedule) if (txs.length > 0) advance(pick % txs.length);
  for (let t = 0; t < txs.length; t++) while (steps[t]! < 3) advance(t);
  const segments: SegmentInput[] = [];
  const placed: Placed[] = [];
  const committed: LaidLog['committed'] = [];
  for (let i = 0; i < order.length || segments.length === 0; i += perSegment) {
    const id = segments.length + 1;
    const chunk = order.slice(i, i + perSegment);
    const baseLsn = chunk[0]?.record.lsn ?? lsn + 1;
    const salt = segmentSalt(id, baseLsn);
    // Like walref's, a header names where the previous segment's frames end.
    const previousEnd = segments.at(-1)?.bytes.length ?? 0;
    const header = encodeSegmentHeader({ segmentId: id, baseLsn, salt, previousEnd });
    placed.push({ segment: id - 1, start: 0, end: SEGMENT_HEADER_BYTES, tx: null, kind: 'header' });
    let at = SEGMENT_HEADER_BYTES;
    const frames = chunk.map(({ tx, record }) => {
      const frame = encodeFrame(record, salt);
      placed.push({ segment: id - 1, start: at, end: at + frame.length, tx, kind: record.kind });
      at += frame.length;
      if (record.kind === 'TxCommit') committed.push({ tx, beginLsn: record.txBeginLsn, commitLsn: record.lsn, events: txs[tx]!.events.map(text) });
      return frame;
    });
    segments.push({ name: segmentFileName(id), id, bytes: concat([header, ...frames]) });
    if (chunk.length === 0) break;
  }
  return { segments, placed, committed };
}

/** Inverts `length` bytes of the placed item `index` from `offset` within it (never a header's version field). */
function damage(log: LaidLog, hits: readonly { index: number; offset: number; length: number }[]): { segments: SegmentInput[]; damaged: Set<number> } {
  const segments = log.segments.map((s) => ({ ...s, bytes: s.bytes.slice() }));
  const damaged = new Set<number>();
  // Each byte is inverted once, however many hits cover it (two inversions would restore it).
  const inverted = new Set<string>();
  for (const hit of hits) {
    const index = hit.index % log.placed.length;
    const item = log.placed[index]!;
    const size = item.end - item.start;
    let from = item.start + (hit.offset % size);
    if (item.kind === 'header' && from >= 8 && from < 12) from = 12;
    if (item.kind === 'header' && from >= 28 && from < 32) from = 32;
    const to = Math.min(item.end, from + hit.length);
    const bytes = segments[item.segment]!.bytes;
    for (let at = from; at < to; at++) {
      // Nor a header's salt: the salt names the life the frames belong to, and frames of a life no
      // header names are never replayed (a stale frame must not be), so salvage skips them all.
      if (item.kind === 'header' && at >= 28 && at < 32) continue;
      if (inverted.has(`${item.segment}:${at}`)) continue;
      inverted.add(`${item.segment}:${at}`);
      bytes[at] = bytes[at]! ^ 0xff;
      damaged.add(index);
    }
  }
  return { segments, damaged };
}

/** A committed transaction of one batch: TxBegin at `base`, the batch, TxCommit. */
const committedTx = (base: number, events: readonly Uint8Array[]): WalRecord[] => [
  { kind: 'TxBegin', lsn: base },
  { kind: 'MutationBatch', lsn: base + 1, txBeginLsn: base, events: [...events] },
  { kind: 'TxCommit', lsn: base + 2, txBeginLsn: base },
];

/** The segment with a bit flipped inside its header's base LSN, so that the header's checksum fails. */
function damagedHeader(input: SegmentInput): SegmentInput {
  const bytes = input.bytes.slice();
  bytes[25] = bytes[25]! ^ 0xff;
  return { ...input, bytes };
}

const outcome = (segments: SegmentInput[], policy: RecoveryPolicy): { ok: true; value: ReplayOutcome } | { ok: false; error: WalErrorInfo } =>
  replay({ segments, checkpointLsn: 0, policy });

/** The outcome without its transactions and policy report, or the error. */
function outcomeBesidesPolicy(segments: SegmentInput[], policy: RecoveryPolicy): unknown {
  const r = outcome(segments, policy);
  if (!r.ok) return r.error;
  const { policyReport: _report, transactions: _transactions, ...rest } = r.value;
  return rest;
}

const txArb = fc.record({
  events: fc.array(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 2 }),
  ending: fc.constantFrom('commit' as const, 'commit' as const, 'abort' as const, 'open' as const),
});
const logArb = fc
  .tuple(fc.array(txArb, { minLength: 1, maxLength: 8 }), fc.array(fc.nat({ max: 7 }), { maxLength: 30 }), fc.integer({ min: 2, max: 6 }))
  .map(([txs, schedule, perSegment]) => layOut(txs, schedule, perSegment));
const hitsArb = fc.array(fc.record({ index: fc.nat(), offset: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }), { minLength: 1, maxLength: 3 });

describe('recovery policies on damaged logs', () => {
  // Three segments: tx 1 (LSN 1-3) | tx 2 (4-6) | tx 3 (7-9). The batch of tx 2 is damaged.
  const log = layOut(
    [
      { events: ['a'], ending: 'commit' },
      { events: ['b'], ending: 'commit' },
      { events: ['c'], ending: 'commit' },
    ],
    [],
    3,
  );
  const batch2 = log.placed.findIndex((p) => p.tx === 1 && p.kind === 'MutationBatch');
  const { segments: sealedDamage } = damage(log, [{ index: batch2, offset: 10, length: 1 }]);
  const events = (r: ReturnType<typeof outcome>): string[] => (r.ok ? r.value.transactions.flatMap((t) => t.events.map((e) => new TextDecoder().decode(e))) : []);

  it('tolerate-torn-tail and absolute refuse a damaged sealed segment with Corruption', () => {
    for (const policy of ['tolerate-torn-tail', 'absolute'] as const) {
      const r = outcome(sealedDamage, policy);
      expect(r.ok ? null : r.error).toMatchObject({ code: 'Corruption', segment: segmentFileName(2), offsetBytes: log.placed[batch2]!.start, lsn: 4 });
    }
  });

  it('damage to a sealed segment\'s last frame is found even when the next header, which names the true end, is damaged too (fresh seed 671139437)', () => {
    const last = log.placed.reduce((at, p, i) => (p.segment === 1 && p.kind !== 'header' ? i : at), -1);
    const nextHeader = log.placed.findIndex((p) => p.segment === 2 && p.kind === 'header');
    const { segments: both } = damage(log, [{ index: last, offset: 0, length: 1 }, { index: nextHeader, offset: 0, length: 1 }]);
    const start = log.placed[last]!.start;
    for (const policy of ['tolerate-torn-tail', 'absolute'] as const) {
      const r = outcome(both, policy);
      expect(r.ok ? null : r.error).toMatchObject({ code: 'Corruption', segment: segmentFileName(2), offsetBytes: start });
    }
    const r = outcome(both, 'point-in-time');
    expect(r.ok && r.value.policyReport?.cut).toMatchObject({ segment: segmentFileName(2), offsetBytes: start, cutSegments: [segmentFileName(3)] });
  });

  it('point-in-time returns the prefix before the damage and reports the cut: the rest of the segment and every later one', () => {
    const r = outcome(sealedDamage, 'point-in-time');
    expect(events(r)).toEqual(['a']);
    const total = sealedDamage[1]!.bytes.length - log.placed[batch2]!.start + sealedDamage[2]!.bytes.length;
    expect(r.ok && r.value.policyReport).toEqual({
      policy: 'point-in-time',
      cut: { segment: segmentFileName(2), segmentId: 2, offsetBytes: log.placed[batch2]!.start, lsn: 4, cause: 'bad-checksum', cutSegments: [segmentFileName(3)], droppedBytes: total },
      skipped: [],
    });
    // The LSNs of the cut part still count: a reopened WAL must not hand them out again.
    expect(r.ok && r.value.maxLsn).toBe(9);
    // The cut segment keeps its own base LSN and salt: its frames before the cut are live.
    expect(r.ok && r.value.segments.map((s) => [s.name, s.validBytes, s.baseLsn, s.salt])).toEqual([
      [segmentFileName(1), sealedDamage[0]!.bytes.length, 1, segmentSalt(1, 1)],
      [segmentFileName(2), log.placed[batch2]!.start, 4, segmentSalt(2, 4)],
    ]);
  });

  it('point-in-time cut at a damaged sealed header: that segment stays with no valid byte, no salt, and the base LSN after the last record before the cut', () => {
    const header2 = log.placed.findIndex((p) => p.segment === 1 && p.kind === 'header');
    const { segments } = damage(log, [{ index: header2, offset: 33, length: 2 }]);
    const r = outcome(segments, 'point-in-time');
    expect(events(r)).toEqual(['a']);
    expect(r.ok && r.value.policyReport?.cut).toMatchObject({ segment: segmentFileName(2), offsetBytes: 0, lsn: 3, cutSegments: [segmentFileName(3)] });
    // The cut part's LSNs still count (maxLsn 9, which the next LSN comes after); the header walref
    // writes there takes the base after the last record kept, so segment bases still ascend (M1).
    expect(r.ok && r.value.maxLsn).toBe(9);
    expect(r.ok && r.value.segments.map((s) => ({ name: s.name, validBytes: s.validBytes, baseLsn: s.baseLsn, salt: s.salt, end: s.end }))).toEqual([
      { name: segmentFileName(1), validBytes: segments[0]!.bytes.length, baseLsn: 1, salt: segmentSalt(1, 1), end: 'file-end' },
      { name: segmentFileName(2), validBytes: 0, baseLsn: 4, salt: 0, end: 'torn' },
    ]);
  });

  it('point-in-time cut at a sealed header whose magic is damaged still counts the LSNs of the v2 frames behind it, with no later frame to count', () => {
    const seg2 = segment(2, 4, committedTx(4, [text('b')]));
    const badMagic = seg2.bytes.slice();
    badMagic[0] = badMagic[0]! ^ 0xff;
    const segments = [segment(1, 1, committedTx(1, [text('a')])), { ...seg2, bytes: badMagic }, segment(3, 7, [])];
    const r = outcome(segments, 'point-in-time');
    expect(events(r)).toEqual(['a']);
    expect(r.ok && r.value.policyReport?.cut).toMatchObject({ segment: segmentFileName(2), offsetBytes: 0, cutSegments: [segmentFileName(3)] });
    expect(r.ok && r.value.maxLsn).toBe(6);
  });

  it('skip-corrupted skips the damaged frame, never replays the transaction that lost it, and goes on', () => {
    const r = outcome(sealedDamage, 'skip-corrupted');
    expect(events(r)).toEqual(['a', 'c']);
    const batch = log.placed[batch2]!;
    expect(r.ok && r.value.policyReport).toEqual({
      policy: 'skip-corrupted',
      cut: null,
      skipped: [
        { segment: segmentFileName(2), segmentId: 2, offsetBytes: batch.start, endOffsetBytes: batch.end, cause: 'bad-checksum', afterLsn: 4, beforeLsn: 6, droppedTransactions: [4] },
      ],
    });
  });

  it('skip-corrupted reads on under a damaged header with the framing its bytes still name: v1 (no salt) or v2 (the salt at 28), whole or in chunks', async () => {
    const records = (base: number): WalRecord[] => committedTx(base, [text(`e${base}`)]);
    for (const v1 of [true, false]) {
      const first = v1 ? segmentV1(1, 1, records(1)) : segment(1, 1, records(1));
      const second = v1 ? segmentV1(2, 4, records(4)) : segment(2, 4, records(4));
      // The header's checksum is broken (its last byte), so the header reads as torn; the version and salt bytes are intact.
      const headerBytes = v1 ? 32 : SEGMENT_HEADER_BYTES;
      const damaged = { ...second, bytes: second.bytes.slice() };
      damaged.bytes[headerBytes - 1]! ^= 0xff;
      const whole = outcome([first, damaged], 'skip-corrupted');
      expect(events(whole), `v${v1 ? 1 : 2}`).toEqual(['e1', 'e4']);
      for (const chunkBytes of [5, 13, 64]) {
        const seen: string[] = [];
        const chunked = await replayStream(
          { segments: inChunks([first, damaged], chunkBytes), checkpointLsn: 0, policy: 'skip-corrupted' },
          (t) => void seen.push(...t.events.map((e) => new TextDecoder().decode(e))),
        );
        expect(seen, `v${v1 ? 1 : 2} in chunks of ${chunkBytes}`).toEqual(['e1', 'e4']);
        expect(chunked.ok && chunked.value.policyReport, `v${v1 ? 1 : 2} in chunks of ${chunkBytes}`).toEqual(whole.ok && whole.value.policyReport);
      }
    }
  });

  it('a torn tail is cut by every policy but absolute, which names the policy, segment, offset and LSN', () => {
    const whole = log.segments;
    const last = whole[2]!;
    const torn = [...whole.slice(0, 2), { ...last, bytes: last.bytes.subarray(0, last.bytes.length - 3) }];
    const commit3 = log.placed.find((p) => p.tx === 2 && p.kind === 'TxCommit')!;
    for (const policy of ['tolerate-torn-tail', 'point-in-time', 'skip-corrupted'] as const) {
      const r = outcome(torn, policy);
      expect(events(r), policy).toEqual(['a', 'b']);
      expect(r.ok && r.value.tornTail, policy).toMatchObject({ segment: segmentFileName(3), offsetBytes: commit3.start, cause: 'truncated-body' });
    }
    const r = outcome(torn, 'absolute');
    expect(r.ok ? null : r.error).toEqual({ code: 'Damaged', policy: 'absolute', segment: segmentFileName(3), offsetBytes: commit3.start, lsn: 8, cause: 'truncated-body' });
  });

  it('a short header of the active segment is a torn creation under every policy but absolute, which refuses it', () => {
    const short = { name: segmentFileName(4), id: 4, bytes: encodeSegmentHeader({ segmentId: 4, baseLsn: 10, salt: segmentSalt(4, 10) }).subarray(0, 20) };
    const segments = [...log.segments, short];
    for (const policy of ['tolerate-torn-tail', 'point-in-time', 'skip-corrupted'] as const) {
      const r = outcome(segments, policy);
      expect(events(r), policy).toEqual(['a', 'b', 'c']);
      expect(r.ok && r.value.tornTail, policy).toEqual({ segment: short.name, segmentId: 4, offsetBytes: 0, droppedBytes: 20, cause: 'truncated-header', validFramesAfter: false, headerTorn: true });
      expect(r.ok && r.value.policyReport?.skipped, policy).toEqual(policy === 'tolerate-torn-tail' ? undefined : []);
      // Everything else, the segments' base LSNs and valid bytes included (the shell rewrites the header from them), is the default's.
      expect(outcomeBesidesPolicy(segments, policy), policy).toEqual(outcomeBesidesPolicy(segments, 'tolerate-torn-tail'));
    }
    const r = outcome(segments, 'absolute');
    expect(r.ok ? null : r.error).toEqual({ code: 'Damaged', policy: 'absolute', segment: short.name, offsetBytes: 0, lsn: 9, cause: 'truncated-header' });
    // With no record before it there is no last good LSN: null, never 0.
    const alone = outcome([{ ...short, id: 1, name: segmentFileName(1), bytes: encodeSegmentHeader({ segmentId: 1, baseLsn: 1, salt: segmentSalt(1, 1) }).subarray(0, 20) }], 'absolute');
    expect(alone.ok ? null : alone.error).toEqual({ code: 'Damaged', policy: 'absolute', segment: segmentFileName(1), offsetBytes: 0, lsn: null, cause: 'truncated-header' });
  });

  it('point-in-time cuts the log where a sealed segment\'s frames end when its successor\'s header names another end, and reads nothing after; skip-corrupted skips to that end', () => {
    // tx 1 (LSN 1-3) and tx 2's TxBegin (4) in segment 1, the rest of tx 2 and tx 3 after it. The
    // TxBegin is lost to zeros: segment 1's frames end before where segment 2's header says.
    const laid = layOut(
      [
        { events: ['a'], ending: 'commit' },
        { events: ['b'], ending: 'commit' },
        { events: ['c'], ending: 'commit' },
      ],
      [0, 0, 0, 1],
      4,
    );
    const lost = laid.placed.find((p) => p.segment === 0 && p.kind === 'TxBegin' && p.tx === 1)!;
    const segments = laid.segments.map((seg) => ({ ...seg, bytes: seg.bytes.slice() }));
    segments[0]!.bytes.fill(0, lost.start, lost.end);
    expect(outcome(segments, 'tolerate-torn-tail')).toMatchObject({ ok: false, error: { code: 'Corruption', segment: segmentFileName(1), offsetBytes: lost.start } });
    const r = outcome(segments, 'point-in-time');
    expect(events(r)).toEqual(['a']);
    // Dropped: segment 1 from the lost frame on, and every later segment whole, each counted once.
    const droppedBytes = segments[0]!.bytes.length - lost.start + segments.slice(1).reduce((sum, seg) => sum + seg.bytes.length, 0);
    expect(r.ok && r.value.policyReport?.cut).toMatchObject({ segment: segmentFileName(1), offsetBytes: lost.start, lsn: 3, cutSegments: segments.slice(1).map((seg) => seg.name), droppedBytes });
    expect(r.ok && r.value.maxLsn).toBe(9);
    // skip-corrupted skips the lost end instead, as a range of segment 1, and reads on.
    const skipped = outcome(segments, 'skip-corrupted');
    expect(events(skipped)).toEqual(['a', 'c']);
    expect(skipped.ok && skipped.value.policyReport?.skipped).toEqual([
      { segment: segmentFileName(1), segmentId: 1, offsetBytes: lost.start, endOffsetBytes: segments[0]!.bytes.length, cause: 'bad-length', afterLsn: 3, beforeLsn: 5, droppedTransactions: [4] },
    ]);
  });

  it('a sealed v1 segment\'s damaged frame: point-in-time cuts there, skip-corrupted skips that frame and drops its transaction, whole or in chunks', async () => {
    const tx = (base: number, e: string): WalRecord[] => committedTx(base, [text(e)]);
    const first = segmentV1(1, 1, [...tx(1, 'a'), ...tx(4, 'b')]);
    const second = segmentV1(2, 7, tx(7, 'c'));
    // Segment 1's fourth frame (tx 2's TxBegin) gets a bad checksum.
    const damaged = { ...first, bytes: first.bytes.slice() };
    let at = 32;
    for (let i = 0; i < 3; i++) at += 8 + (damaged.bytes[at]! | (damaged.bytes[at + 1]! << 8));
    damaged.bytes[at + 8]! ^= 0xff;
    const cut = outcome([damaged, second], 'point-in-time');
    expect(events(cut)).toEqual(['a']);
    expect(cut.ok && cut.value.policyReport?.cut).toMatchObject({ segment: segmentFileName(1), offsetBytes: at, lsn: 3, cutSegments: [segmentFileName(2)] });
    const skipped = outcome([damaged, second], 'skip-corrupted');
    expect(events(skipped)).toEqual(['a', 'c']);
    const next = at + 8 + (damaged.bytes[at]! | (damaged.bytes[at + 1]! << 8));
    expect(skipped.ok && skipped.value.policyReport?.skipped).toMatchObject([{ segment: segmentFileName(1), offsetBytes: at, endOffsetBytes: next, afterLsn: 3, droppedTransactions: [4] }]);
    // The same in chunks of every size: the cut and the skip count the whole of segment 1.
    for (const policy of ['point-in-time', 'skip-corrupted'] as const) {
      const whole = policy === 'point-in-time' ? cut : skipped;
      const { transactions, ...summary } = whole.ok ? whole.value : { transactions: [] };
      for (let chunkBytes = 1; chunkBytes <= damaged.bytes.length; chunkBytes++) {
        const seen: ReplayedTransaction[] = [];
        const chunked = await replayStream({ segments: inChunks([damaged, second], chunkBytes), checkpointLsn: 0, policy }, (t) => void seen.push(t));
        expect(chunked.ok && chunked.value, `${policy}, chunks of ${chunkBytes}`).toEqual(summary);
        expect(plainTransactions(seen)).toEqual(plainTransactions(transactions));
      }
    }
  });

  it('skip-corrupted: a skipped range ends at the first record read after it, also when that is a record the hot path could take', () => {
    // tx 1's commit is damaged; tx 2's TxBegin, the first record after it, closes the range.
    const laid = layOut(
      [
        { events: ['a'], ending: 'commit' },
        { events: ['b'], ending: 'commit' },
      ],
      [],
      6,
    );
    const commit1 = laid.placed.findIndex((p) => p.tx === 0 && p.kind === 'TxCommit');
    const { segments } = damage(laid, [{ index: commit1, offset: 14, length: 1 }]);
    for (const hotPath of [true, false]) {
      const r = replay({ segments, checkpointLsn: 0, policy: 'skip-corrupted', hotPath });
      expect(events(r)).toEqual(['b']);
      expect(r.ok && r.value.policyReport?.skipped).toEqual([
        { segment: segmentFileName(1), segmentId: 1, offsetBytes: laid.placed[commit1]!.start, endOffsetBytes: laid.placed[commit1]!.end, cause: 'bad-checksum', afterLsn: 2, beforeLsn: 4, droppedTransactions: [1] },
      ]);
    }
  });

  it('the default column replays exactly as replay always did: no report, the same outcome', () => {
    expect(outcome(log.segments, 'tolerate-torn-tail')).toEqual(replay({ segments: log.segments, checkpointLsn: 0 }));
    const r = outcome(log.segments, 'tolerate-torn-tail');
    expect(r.ok && 'policyReport' in r.value).toBe(false);
    for (const policy of ['absolute', 'point-in-time', 'skip-corrupted'] as const) {
      const clean = outcome(log.segments, policy);
      expect(clean.ok && plainTransactions(clean.value.transactions), policy).toEqual(plainTransactions(log.committed));
      expect(clean.ok && clean.value.policyReport, policy).toEqual({ policy, cut: null, skipped: [] });
    }
  });

  it('skip-corrupted: every replayed transaction is whole and undamaged, and every one that lost nothing comes back', () => {
    const seen = { runs: 0, skipped: 0, replayedAfterSkip: 0, dropped: 0 };
    fc.assert(
      fc.property(logArb, hitsArb, (laid, hits) => {
        const { segments, damaged } = damage(laid, hits);
        const r = outcome(segments, 'skip-corrupted');
        if (!r.ok) throw new Error(`skip-corrupted failed: ${JSON.stringify(r.error)}`);
        // A transaction is clean when none of its frames is damaged and no damage lies between its
        // TxBegin and its TxCommit (a skip drops every transaction open across it).
        const firstDamage = Math.min(...damaged);
        const lastSegment = laid.segments.length - 1;
        const clean = laid.committed.filter((tx) => {
          const mine = laid.placed.map((p, i) => [p, i] as const).filter(([p]) => p.tx === tx.tx);
          const from = mine[0]![1];
          const to = mine.at(-1)![1];
          return [...damaged].every((d) => d < from || d > to);
        });
        // Damage in the active segment with no whole frame after it is a torn tail: nothing after it exists.
        const torn = r.value.tornTail;
        const expected = clean.filter((tx) => {
          if (torn === null) return true;
          const commit = laid.placed.find((p) => p.tx === tx.tx && p.kind === 'TxCommit')!;
          return !(commit.segment === lastSegment && commit.start >= torn.offsetBytes);
        });
        expect(plainTransactions(r.value.transactions)).toEqual(plainTransactions(expected));
        expect(Number.isFinite(firstDamage)).toBe(true);
        const skipped = r.value.policyReport!.skipped;
        seen.runs += 1;
        if (skipped.length > 0) seen.skipped += 1;
        if (skipped.length > 0 && r.value.transactions.some((t) => t.beginLsn > (skipped[0]!.afterLsn ?? 0))) seen.replayedAfterSkip += 1;
        if (skipped.some((s) => s.droppedTransactions.length > 0)) seen.dropped += 1;
        // Every damaged byte is inside a reported range, the torn tail, or a torn creation.
        for (const d of damaged) {
          const p = laid.placed[d]!;
          const name = segmentFileName(p.segment + 1);
          const inRange = r.value.policyReport!.skipped.some((s) => s.segment === name && s.offsetBytes < p.end && s.endOffsetBytes > p.start);
          const inTail = torn !== null && torn.segment === name && (torn.headerTorn || torn.offsetBytes <= p.start);
          // A sealed v2 segment's last frames are checked against its successor's header (the previous
          // end it names): with that header damaged too, damage with no intact frame after it cannot show.
          const lastInSegment = !laid.placed.some((q, i) => q.segment === p.segment && q.start > p.start && !damaged.has(i));
          const nextHeader = laid.placed.findIndex((q) => q.segment === p.segment + 1 && q.kind === 'header');
          const hidden = lastInSegment && nextHeader >= 0 && damaged.has(nextHeader);
          expect(inRange || inTail || hidden, `damage at ${name} ${p.start}..${p.end} (${p.kind}) is reported`).toBe(true);
        }
      }),
    );
    // The property is not vacuous: damage was skipped, transactions after it came back, others were dropped.
    expect(seen.skipped).toBeGreaterThan(seen.runs / 4);
    expect(seen.replayedAfterSkip).toBeGreaterThan(0);
    expect(seen.dropped).toBeGreaterThan(0);
  });

  it('point-in-time: the replay is the committed prefix before the first damage', () => {
    fc.assert(
      fc.property(logArb, hitsArb, (laid, hits) => {
        const { segments, damaged } = damage(laid, hits);
        const r = outcome(segments, 'point-in-time');
        if (!r.ok) throw new Error(`point-in-time failed: ${JSON.stringify(r.error)}`);
        const first = Math.min(...damaged);
        const before = laid.committed.filter((tx) => laid.placed.findIndex((p) => p.tx === tx.tx && p.kind === 'TxCommit') < first);
        expect(plainTransactions(r.value.transactions)).toEqual(plainTransactions(before));
        const p = laid.placed[first]!;
        const cut = r.value.policyReport!.cut;
        if (cut !== null) {
          const inFirst = cut.segment === segmentFileName(p.segment + 1) && cut.offsetBytes <= p.start;
          // Damage to a sealed v2 segment's last frames shows only against its successor's header
          // (the previous end it names): when that header is damaged too, the cut is there.
          const atNext = cut.segment === segmentFileName(p.segment + 2) && cut.offsetBytes === 0;
          expect(inFirst || atNext, JSON.stringify(cut)).toBe(true);
        } else {
          // Only the active segment's damage is cut as a torn tail (or a torn creation).
          expect(p.segment).toBe(laid.segments.length - 1);
          expect(r.value.tornTail).not.toBeNull();
        }
      }),
    );
  });

  it('absolute: any damage at all is an error', () => {
    fc.assert(
      fc.property(logArb, hitsArb, (laid, hits) => {
        const { segments } = damage(laid, hits);
        expect(outcome(segments, 'absolute').ok).toBe(false);
      }),
    );
  });

  it('a frame whose length claims the frames after it replays the same in chunks of every size as whole, under every policy', async () => {
    const laid = layOut(['a', 'b', 'c', 'd', 'e', 'f'].map((e) => ({ events: [e], ending: 'commit' as const })), [], 100);
    const batch = laid.placed.findIndex((p) => p.kind === 'MutationBatch' && p.tx === 1);
    for (const extra of [5, 40]) {
      const bytes = laid.segments[0]!.bytes.slice();
      const at = laid.placed[batch]!.start;
      bytes[at] = bytes[at]! + extra; // the body is small: the length's low byte takes the sum
      const segments = [{ ...laid.segments[0]!, bytes }];
      for (const policy of ['tolerate-torn-tail', 'absolute', 'point-in-time', 'skip-corrupted'] as const) {
        const whole = outcome(segments, policy);
        const wholeTxs = whole.ok ? plainTransactions(whole.value.transactions) : whole.error;
        if (policy === 'skip-corrupted') expect(events(whole)).toEqual(['a', 'c', 'd', 'e', 'f']);
        for (let chunkBytes = 1; chunkBytes <= bytes.length; chunkBytes++) {
          const seen: ReplayedTransaction[] = [];
          const chunked = await replayStream(
            { segments: inChunks(segments, chunkBytes), checkpointLsn: 0, policy },
            (t) => void seen.push(t),
          );
          const where = `${policy}, length +${extra}, chunks of ${chunkBytes}`;
          expect(chunked.ok ? plainTransactions(seen) : chunked.error, where).toEqual(wholeTxs);
          if (chunked.ok && whole.ok) expect(chunked.value.policyReport, where).toEqual(whole.value.policyReport);
        }
      }
    }
  });

  it('skip-corrupted: a damaged frame whose length claims a megabyte of the live frames after it resumes inside the bytes carried for it, and reads on from the rest of the chunk, the same in chunks as whole', async () => {
    // Garbage that reads as a frame of 1 MiB: a plausible length, then 0xff bytes (no candidate
    // frame starts in them), then live frames. Fed in chunks smaller than the claim, the machine
    // carries the claimed megabyte, finds it damaged, finds the next live frame inside it, and must
    // read on both from the carried bytes and from the rest of the chunk that completed them:
    // with the carried bytes ending exactly at a frame's end (nothing carried over) or inside one.
    const txA = committedTx(1, [text('a')]);
    const event = (i: number): Uint8Array => new Uint8Array(40_000).fill(0x41 + (i % 26));
    const txsB = Array.from({ length: 40 }, (_, i) => committedTx(4 + 3 * i, [event(i)])).flat();
    const expected = [{ beginLsn: 1, commitLsn: 3, events: [text('a')] }, ...Array.from({ length: 40 }, (_, i) => ({ beginLsn: 4 + 3 * i, commitLsn: 6 + 3 * i, events: [event(i)] }))];
    // Events of 40 kB compared as base64 text: a deep comparison of arrays of numbers takes seconds.
    const compact = (txs: readonly Pick<ReplayedTransaction, 'beginLsn' | 'commitLsn' | 'events'>[]): unknown[] =>
      txs.map((t) => ({ beginLsn: t.beginLsn, commitLsn: t.commitLsn, events: t.events.map((e) => Buffer.from(e).toString('base64')) }));
    const prefix = segment(1, 1, txA).bytes;
    const suffix = segment(1, 1, [...txA, ...txsB]).bytes.subarray(prefix.length);
    const frameEnds: number[] = [];
    for (let at = 0; at < suffix.length; at += 12 + new DataView(suffix.buffer, suffix.byteOffset + at).getUint32(0, true)) frameEnds.push(at);
    const garbageBytes = 64;
    const claimBytes = 1 << 20;
    // The first frame end past the claimed megabyte, measured from the garbage's start.
    const boundary = frameEnds.find((end) => garbageBytes + end > 12 + claimBytes)!;
    for (const carriedEnd of ['at a frame end', 'inside a frame'] as const) {
      const bodyBytes = garbageBytes + boundary - 12 + (carriedEnd === 'at a frame end' ? 0 : 7);
      const garbage = new Uint8Array(garbageBytes).fill(0xff);
      new DataView(garbage.buffer).setUint32(0, bodyBytes, true);
      // The log ends torn, so its end's offset, counted through the resumed frames, is checked too.
      const bytes = concat([prefix, garbage, suffix, encodeFrame({ kind: 'TxBegin', lsn: 124 }, segmentSalt(1, 1)).subarray(0, 15)]);
      const segments = [{ name: segmentFileName(1), id: 1, bytes }];
      const whole = outcome(segments, 'skip-corrupted');
      expect(whole.ok && compact(whole.value.transactions)).toEqual(compact(expected));
      expect(whole.ok && whole.value.policyReport?.skipped.map((r) => [r.offsetBytes, r.endOffsetBytes, r.afterLsn, r.beforeLsn])).toEqual([[prefix.length, prefix.length + garbageBytes, 3, 4]]);
      for (const chunkBytes of [4096, 65_536, 300_001, 1 << 20]) {
        const seen: ReplayedTransaction[] = [];
        const chunked = await replayStream({ segments: inChunks(segments, chunkBytes), checkpointLsn: 0, policy: 'skip-corrupted' }, (t) => void seen.push(t));
        const where = `carried bytes end ${carriedEnd}, chunks of ${chunkBytes}`;
        expect(chunked.ok, where).toBe(true);
        expect(compact(seen), where).toEqual(compact(expected));
        const { transactions: _transactions, ...summary } = whole.ok ? whole.value : { transactions: [] };
        expect(chunked.ok && chunked.value, where).toEqual(summary);
      }
      expect(whole.ok && whole.value.end).toEqual({ segment: segmentFileName(1), segmentId: 1, offsetBytes: bytes.length - 15, kind: 'torn' });
    }
  });

  it('skip-corrupted: two damaged spots in the bytes carried to the segment\'s end are both skipped, whole and in chunks', async () => {
    // Each spot is garbage that claims a 1 MiB frame, more than the segment holds, so the bytes
    // after it are carried to the segment's end. There the first spot starts a resync, which finds
    // the next live frame and reads on into the second spot: a second resync, at the same end.
    const txs = [committedTx(1, [text('a')]), committedTx(4, [text('b')]), committedTx(7, [text('c')])];
    const all = segment(1, 1, txs.flat()).bytes;
    const afterA = segment(1, 1, txs[0]!).bytes.length;
    const afterB = segment(1, 1, [...txs[0]!, ...txs[1]!]).bytes.length;
    const garbage = (): Uint8Array => {
      const bytes = new Uint8Array(64).fill(0xff);
      new DataView(bytes.buffer).setUint32(0, 1 << 20, true);
      return bytes;
    };
    const bytes = concat([all.subarray(0, afterA), garbage(), all.subarray(afterA, afterB), garbage(), all.subarray(afterB)]);
    const segments = [{ name: segmentFileName(1), id: 1, bytes }];
    const whole = outcome(segments, 'skip-corrupted');
    const ranges = [[afterA, afterA + 64], [afterB + 64, afterB + 128]];
    expect(whole.ok && whole.value.transactions.map((t) => t.beginLsn)).toEqual([1, 4, 7]);
    expect(whole.ok && whole.value.policyReport?.skipped.map((r) => [r.offsetBytes, r.endOffsetBytes])).toEqual(ranges);
    expect(whole.ok && whole.value.end).toMatchObject({ offsetBytes: bytes.length, kind: 'file-end' });
    for (const chunkBytes of [1, 7, 64, 100, 4096]) {
      const seen: number[] = [];
      const chunked = await replayStream({ segments: inChunks(segments, chunkBytes), checkpointLsn: 0, policy: 'skip-corrupted' }, (t) => void seen.push(t.beginLsn));
      expect(seen, `chunks of ${chunkBytes}`).toEqual([1, 4, 7]);
      expect(chunked.ok && chunked.value.policyReport?.skipped.map((r) => [r.offsetBytes, r.endOffsetBytes]), `chunks of ${chunkBytes}`).toEqual(ranges);
    }
  });

  it('point-in-time cut at a damaged header still counts the LSNs of the whole frames behind it (any salt: the header that names it is gone), sealed or active', () => {
    // The LSNs of the cut part are on disk: a reopened WAL must hand out LSNs above them. The
    // segment after the damaged one holds no record, so only the cut's own scan can see LSN 6.
    const first = segment(1, 1, committedTx(1, [text('a')]));
    const damaged = damagedHeader(segment(2, 4, committedTx(4, [text('b')])));
    for (const segments of [[first, damaged], [first, damaged, segment(3, 7, [])]]) {
      const role = segments.length === 2 ? 'active' : 'sealed';
      const r = outcome(segments, 'point-in-time');
      expect(r.ok && r.value.transactions.map((t) => t.beginLsn), role).toEqual([1]);
      expect(r.ok && r.value.policyReport?.cut, role).toMatchObject({ segment: segmentFileName(2), offsetBytes: 0, lsn: 3, cause: 'bad-header-checksum' });
      expect(r.ok && r.value.maxLsn, role).toBe(6);
    }
  });

  it('point-in-time cut at the first segment\'s header names no last good LSN (null, not 0): nothing was read before it', () => {
    const r = outcome([damagedHeader(segment(1, 1, committedTx(1, [text('a')]))), segment(2, 4, committedTx(4, [text('b')]))], 'point-in-time');
    expect(r.ok && r.value.transactions).toEqual([]);
    expect(r.ok && r.value.policyReport?.cut).toMatchObject({ segment: segmentFileName(1), offsetBytes: 0, lsn: null, cause: 'bad-header-checksum' });
  });

  it('point-in-time cut where a first segment\'s frames end before its successor says, with no record before it: no last good LSN (null)', () => {
    // Segment 1's only frame (TxBegin 1) is lost to zeros; segment 2's header says where it ended.
    const lostBegin = encodeFrame({ kind: 'TxBegin', lsn: 1 }, segmentSalt(1, 1));
    const first = segment(1, 1, []);
    const firstBytes = concat([first.bytes, new Uint8Array(lostBegin.length)]);
    const second = segment(2, 2, [{ kind: 'TxBegin', lsn: 2 }, { kind: 'TxCommit', lsn: 3, txBeginLsn: 2 }], { previousEnd: firstBytes.length });
    const r = outcome([{ ...first, bytes: firstBytes }, second], 'point-in-time');
    expect(r.ok && r.value.transactions).toEqual([]);
    expect(r.ok && r.value.policyReport?.cut).toMatchObject({ segment: segmentFileName(1), offsetBytes: first.bytes.length, lsn: null, cutSegments: [segmentFileName(2)] });
  });

  it('an active v1 segment\'s torn tail is a torn tail under every policy that tolerates one, never a cut (the v1 cut is for sealed segments)', () => {
    const v1 = segmentV1(1, 1, [...committedTx(1, [text('a')]), ...committedTx(4, [text('b')])]);
    // Each cut tears the last frame (the commit of transaction 4): the frames before it are whole.
    const lastGoodEnd = segmentV1(1, 1, [...committedTx(1, [text('a')]), ...committedTx(4, [text('b')]).slice(0, 2)]).bytes.length;
    for (const tornBytes of [3, 10, 20]) {
      const bytes = v1.bytes.subarray(0, v1.bytes.length - tornBytes);
      for (const policy of ['tolerate-torn-tail', 'point-in-time', 'skip-corrupted'] as const) {
        const r = outcome([{ ...v1, bytes }], policy);
        expect(r.ok && r.value.transactions.map((t) => t.beginLsn), `${policy}, ${tornBytes} bytes torn`).toEqual([1]);
        expect(r.ok && r.value.tornTail?.offsetBytes, `${policy}, ${tornBytes} bytes torn`).toBe(lastGoodEnd);
        expect(r.ok && (r.value.policyReport?.cut ?? null), `${policy}, ${tornBytes} bytes torn`).toBeNull();
      }
    }
  });

  it('every policy replays a damaged log the same whether its segments come whole or in chunks of any size', async () => {
    await fc.assert(
      fc.asyncProperty(logArb, hitsArb, fc.integer({ min: 1, max: 40 }), fc.constantFrom(...(['tolerate-torn-tail', 'absolute', 'point-in-time', 'skip-corrupted'] as const)), async (laid, hits, chunkBytes, policy) => {
        const { segments } = damage(laid, hits);
        const whole = outcome(segments, policy);
        const seen: ReplayedTransaction[] = [];
        const chunked = await replayStream(
          {
            segments: inChunks(segments, chunkBytes),
            checkpointLsn: 0,
            policy,
          },
          (t) => void seen.push(t),
        );
        if (!whole.ok) {
          expect(chunked).toEqual(whole);
          return;
        }
        expect(chunked.ok).toBe(true);
        const { transactions, ...summary } = whole.value;
        expect(chunked.ok && chunked.value).toEqual(summary);
        expect(plainTransactions(seen)).toEqual(plainTransactions(transactions));
      }),
    );
  });
});
