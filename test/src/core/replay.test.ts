import { describe, expect, it } from 'vitest';
import { deflateRawSync } from 'node:zlib';
import { encodeFrame, encodeFrameV1, rawPayloadOf } from '../../../src/core/codec.js';
import type { WalErrorInfo } from '../../../src/core/errors.js';
import { SEGMENT_HEADER_BYTES, SEGMENT_HEADER_BYTES_V1 } from '../../../src/core/format.js';
import type { WalRecord } from '../../../src/core/records.js';
import { replay, type ReplayOutcome } from '../../../src/core/replay.js';
import { encodeSegmentHeader, segmentSalt } from '../../../src/core/segment-header.js';
import { inflateRaw } from '../../../src/compression.js';
import { concat, planLog, plainTransactions, segment, segmentV1, text, type SegmentInput } from './log-builder.js';
import { exampleRecords } from './worked-example.js';

function outcomeOf(segments: readonly SegmentInput[], checkpointLsn = 0): ReplayOutcome {
  const result = replay({ segments, checkpointLsn, inflate: inflateRaw });
  if (!result.ok) throw new Error(`expected an outcome, got ${JSON.stringify(result.error)}`);
  return result.value;
}

function errorOf(segments: readonly SegmentInput[], checkpointLsn = 0): WalErrorInfo {
  const result = replay({ segments, checkpointLsn, inflate: inflateRaw });
  if (result.ok) throw new Error('expected a typed error, got an outcome');
  return result.error;
}

/** The v2 frame size of a record. */
const frameSize = (record: WalRecord): number => encodeFrame(record, 1).length;

const withBytes = (s: SegmentInput, bytes: Uint8Array): SegmentInput => ({ ...s, bytes });

// One committed transaction (LSN 1-3), one aborted (4-6), one checkpoint marker (7).
const small: readonly WalRecord[] = exampleRecords;

describe('replay', () => {
  it('an empty log replays to nothing with maxLsn 0', () => {
    expect(outcomeOf([])).toEqual({ transactions: [], maxLsn: 0, tornTail: null, end: null, checkpointObserved: null, segments: [] });
  });

  it('a committed transaction is replayed with its events, an aborted one is dropped, and the marker is observed', () => {
    const outcome = outcomeOf([segment(1, 1, small)]);
    expect(plainTransactions(outcome.transactions)).toEqual(plainTransactions([{ beginLsn: 1, commitLsn: 3, events: [text('alice'), text('bob')] }]));
    expect(outcome.maxLsn).toBe(7);
    expect(outcome.checkpointObserved).toBe(3);
    expect(outcome.tornTail).toBeNull();
    const size = segment(1, 1, small).bytes.length;
    expect(outcome.segments).toEqual([
      {
        name: '00000000000000000001.wal',
        id: 1,
        version: 2,
        salt: segmentSalt(1, 1),
        baseLsn: 1,
        validBytes: size,
        end: 'file-end',
        liveEndBytes: size,
        sizeBytes: size,
        firstLsn: 1,
        lastLsn: 7,
      },
    ]);
    expect(outcome.end).toEqual({ segment: '00000000000000000001.wal', segmentId: 1, offsetBytes: size, kind: 'file-end' });
  });

  it('a transaction still open at the end of the log is dropped, but its LSNs count in maxLsn', () => {
    const outcome = outcomeOf([
      segment(1, 1, [
        { kind: 'TxBegin', lsn: 1 },
        { kind: 'Mutation', lsn: 2, txBeginLsn: 1, event: text('never committed') },
      ]),
    ]);
    expect(outcome.transactions).toEqual([]);
    expect(outcome.maxLsn).toBe(2);
  });

  it('interleaved transactions come back in commit order, each with exactly its own events', () => {
    const outcome = outcomeOf([
      segment(1, 1, [
        { kind: 'TxBegin', lsn: 1 },
        { kind: 'TxBegin', lsn: 2 },
        { kind: 'Mutation', lsn: 3, txBeginLsn: 1, event: text('a1') },
        { kind: 'Mutation', lsn: 4, txBeginLsn: 2, event: text('b1') },
        { kind: 'MutationBatch', lsn: 5, txBeginLsn: 1, events: [text('a2'), text('a3')] },
        { kind: 'TxCommit', lsn: 6, txBeginLsn: 2 },
        { kind: 'TxCommit', lsn: 7, txBeginLsn: 1 },
      ]),
    ]);
    expect(plainTransactions(outcome.transactions)).toEqual(
      plainTransactions([
        { beginLsn: 2, commitLsn: 6, events: [text('b1')] },
        { beginLsn: 1, commitLsn: 7, events: [text('a1'), text('a2'), text('a3')] },
      ]),
    );
  });

  it('a transaction with no events and an empty batch commit as a transaction with no events', () => {
    const outcome = outcomeOf([
      segment(1, 1, [
        { kind: 'TxBegin', lsn: 1 },
        { kind: 'TxCommit', lsn: 2, txBeginLsn: 1 },
        { kind: 'TxBegin', lsn: 3 },
        { kind: 'MutationBatch', lsn: 4, txBeginLsn: 3, events: [] },
        { kind: 'TxCommit', lsn: 5, txBeginLsn: 3 },
      ]),
    ]);
    expect(plainTransactions(outcome.transactions)).toEqual([
      { beginLsn: 1, commitLsn: 2, events: [] },
      { beginLsn: 3, commitLsn: 5, events: [] },
    ]);
  });

  it('records at or below the checkpoint LSN are skipped, and markers at or below it are not observed', () => {
    const outcome = outcomeOf([segment(1, 1, small)], 3);
    expect(outcome.transactions).toEqual([]);
    expect(outcome.checkpointObserved).toBe(3);
    const fenced = outcomeOf([segment(1, 1, small)], 7);
    expect(fenced.checkpointObserved).toBeNull();
    expect(fenced.maxLsn).toBe(7);
  });

  it('a log whose first segments were truncated replays from the checkpoint LSN without missing-begin errors', () => {
    const outcome = outcomeOf(
      [
        segment(3, 10, [
          { kind: 'TxCommit', lsn: 10, txBeginLsn: 8 },
          { kind: 'TxBegin', lsn: 11 },
          { kind: 'Mutation', lsn: 12, txBeginLsn: 11, event: text('kept') },
          { kind: 'TxCommit', lsn: 13, txBeginLsn: 11 },
        ]),
      ],
      10,
    );
    expect(plainTransactions(outcome.transactions)).toEqual(plainTransactions([{ beginLsn: 11, commitLsn: 13, events: [text('kept')] }]));
  });

  it('transactions spanning rotated segments are replayed across them', () => {
    const log = planLog(
      Array.from({ length: 6 }, (_, t) => ({ events: [text(`e${t}`)], ending: 'commit' as const, batched: t % 2 === 0 })),
      4,
    );
    expect(log.segments.length).toBeGreaterThan(2);
    const outcome = outcomeOf(log.segments);
    expect(plainTransactions(outcome.transactions)).toEqual(plainTransactions(log.committed));
    expect(outcome.segments.map((s) => s.baseLsn)).toEqual(log.segments.map((_, i) => outcome.segments[i]!.firstLsn));
  });

  it('events of the array form are views into the given segment bytes, not copies', () => {
    const seg = segment(1, 1, small);
    const outcome = outcomeOf([seg]);
    expect(outcome.transactions[0]!.events[0]!.buffer).toBe(seg.bytes.buffer);
  });
});

describe('replay: torn tails and corruption', () => {
  it('every truncation of the active segment inside its frames is a torn tail at the last whole frame', () => {
    const records = small;
    const seg = segment(1, 1, records);
    const boundaries = [SEGMENT_HEADER_BYTES];
    for (const r of records) boundaries.push(boundaries[boundaries.length - 1]! + frameSize(r));
    for (let cut = SEGMENT_HEADER_BYTES + 1; cut < seg.bytes.length; cut++) {
      const outcome = outcomeOf([withBytes(seg, seg.bytes.subarray(0, cut))]);
      const whole = boundaries.filter((b) => b <= cut);
      const lastBoundary = whole[whole.length - 1]!;
      if (lastBoundary === cut) {
        expect(outcome.tornTail).toBeNull();
        continue;
      }
      expect(outcome.tornTail).toEqual({
        segment: seg.name,
        segmentId: 1,
        offsetBytes: lastBoundary,
        droppedBytes: cut - lastBoundary,
        cause: cut - lastBoundary < 12 ? 'truncated-frame-header' : 'truncated-body',
        validFramesAfter: false,
        headerTorn: false,
      });
      expect(outcome.segments[0]!.validBytes).toBe(lastBoundary);
      expect(outcome.maxLsn).toBe(whole.length - 1);
      expect(outcome.transactions.length).toBe(lastBoundary >= boundaries[3]! ? 1 : 0);
    }
  });

  it('a zero-filled tail in a v1 active segment (a file that grew without its data) is a torn tail with bad-length', () => {
    const seg = segmentV1(1, 1, small);
    const outcome = outcomeOf([withBytes(seg, concat([seg.bytes, new Uint8Array(700)]))]);
    expect(outcome.tornTail).toMatchObject({ offsetBytes: seg.bytes.length, droppedBytes: 700, cause: 'bad-length', validFramesAfter: false });
    expect(outcome.end).toMatchObject({ offsetBytes: seg.bytes.length, kind: 'torn' });
    expect(outcome.transactions.length).toBe(1);
  });

  it('ZerosAfterTheLastLiveFrameOfTheActiveSegmentAreItsCleanEnd: a preallocated v2 file, no torn tail', () => {
    const seg = segment(1, 1, small);
    const outcome = outcomeOf([withBytes(seg, concat([seg.bytes, new Uint8Array(700)]))]);
    expect(outcome.tornTail).toBeNull();
    expect(outcome.end).toMatchObject({ offsetBytes: seg.bytes.length, kind: 'zeros' });
    expect(outcome.segments[0]).toMatchObject({ validBytes: seg.bytes.length, sizeBytes: seg.bytes.length + 700, end: 'zeros' });
    expect(outcome.transactions.length).toBe(1);
  });

  it('a damaged frame in the middle of the active segment is a torn tail that reports the whole frames after it and counts their LSNs', () => {
    const seg = segment(1, 1, small);
    const damagedAt = SEGMENT_HEADER_BYTES + frameSize(small[0]!); // the MutationBatch at LSN 2
    const bytes = seg.bytes.slice();
    bytes[damagedAt + 16]! ^= 0x40;
    const outcome = outcomeOf([withBytes(seg, bytes)]);
    expect(outcome.tornTail).toMatchObject({ offsetBytes: damagedAt, cause: 'bad-checksum', validFramesAfter: true, headerTorn: false });
    expect(outcome.tornTail!.droppedBytes).toBe(bytes.length - damagedAt);
    expect(outcome.transactions).toEqual([]);
    expect(outcome.maxLsn).toBe(7);
    expect(outcome.segments[0]!.lastLsn).toBe(1);
    expect(outcome.segments[0]!.liveEndBytes).toBe(bytes.length);
  });

  it('a damaged frame in a sealed segment is Corruption naming the segment, the offset and the last good LSN', () => {
    const first = segment(1, 1, small);
    const second = segment(2, 8, [{ kind: 'TxBegin', lsn: 8 }], { previousEnd: first.bytes.length });
    const damagedAt = SEGMENT_HEADER_BYTES + frameSize(small[0]!) + frameSize(small[1]!); // TxCommit at LSN 3
    const bytes = first.bytes.slice();
    bytes[damagedAt + 13]! ^= 0x01;
    expect(errorOf([withBytes(first, bytes), second])).toEqual({
      code: 'Corruption',
      segment: first.name,
      offsetBytes: damagedAt,
      lsn: 2,
      cause: 'bad-checksum',
    });
  });

  it('a truncated sealed v1 segment is Corruption, not a torn tail', () => {
    const first = segmentV1(1, 1, small);
    const second = segmentV1(2, 8, []);
    const error = errorOf([withBytes(first, first.bytes.subarray(0, first.bytes.length - 2)), second]);
    expect(error).toMatchObject({ code: 'Corruption', segment: first.name, cause: 'truncated-body', lsn: 6 });
  });

  it('ASealedSegmentWhoseLiveFramesEndBeforeThePreviousEndItsSuccessorNamesIsCorruption', () => {
    const first = segment(1, 1, small);
    const second = segment(2, 8, [], { previousEnd: first.bytes.length });
    // The last frame (the Checkpoint at LSN 7) lost: zeros where it was, as in a preallocated file.
    const lastAt = first.bytes.length - frameSize(small[6]!);
    const bytes = first.bytes.slice();
    bytes.fill(0, lastAt);
    expect(errorOf([withBytes(first, bytes), second])).toEqual({ code: 'Corruption', segment: first.name, offsetBytes: lastAt, lsn: 6, cause: 'bad-length' });
    // The same bytes with a successor that names them as the end are a sealed segment that ends there.
    expect(outcomeOf([withBytes(first, bytes), segment(2, 8, [], { previousEnd: lastAt })]).maxLsn).toBe(6);
  });

  it('ALiveFrameAfterTheEndOfASealedSegmentIsCorruption, even where no successor names the end', () => {
    const first = segment(1, 1, small);
    const secondAt = SEGMENT_HEADER_BYTES + frameSize(small[0]!);
    const bytes = first.bytes.slice();
    bytes.fill(0, secondAt, secondAt + frameSize(small[1]!)); // zeros where LSN 2 was; LSN 3..7 whole after it
    expect(errorOf([withBytes(first, bytes), segment(2, 8, [])])).toEqual({ code: 'Corruption', segment: first.name, offsetBytes: secondAt, lsn: 1, cause: 'bad-length' });
  });

  it('a sealed segment with no frames whose successor names another end is Corruption with no last good LSN', () => {
    const empty = segment(1, 1, []);
    const next = segment(2, 1, [{ kind: 'TxBegin', lsn: 1 }], { previousEnd: SEGMENT_HEADER_BYTES + 21 });
    expect(errorOf([empty, next])).toEqual({ code: 'Corruption', segment: empty.name, offsetBytes: SEGMENT_HEADER_BYTES, lsn: null, cause: 'truncated-frame-header' });
  });

  it('a sweep that begins at a segment whose header names its predecessor\'s end (that segment was removed after a checkpoint) replays it', () => {
    const records: WalRecord[] = [{ kind: 'TxBegin', lsn: 8 }, { kind: 'TxCommit', lsn: 9, txBeginLsn: 8 }];
    const outcome = outcomeOf([segment(2, 8, records, { previousEnd: 500 })], 7);
    expect(outcome.transactions.map((t) => t.commitLsn)).toEqual([9]);
    expect(outcome.maxLsn).toBe(9);
  });

  it('a live frame inside the torn frame that ends the active segment counts to its last byte in liveEndBytes, zeros included', () => {
    // The frame at the end claims 100 body bytes; the file ends after 33 of its bytes, which are
    // 12 bytes of a damaged header and a whole TxBegin of this life (LSN 3: its last 7 bytes are zeros).
    const salt = segmentSalt(1, 1);
    const seg = segment(1, 1, [{ kind: 'TxBegin', lsn: 1 }]);
    const spot = new Uint8Array(12);
    new DataView(spot.buffer).setUint32(0, 100, true);
    spot.fill(0xab, 4);
    const inside = encodeFrame({ kind: 'TxBegin', lsn: 3 }, salt);
    expect(inside.subarray(-7)).toEqual(new Uint8Array(7));
    const bytes = concat([seg.bytes, spot, inside]);
    const outcome = outcomeOf([withBytes(seg, bytes)]);
    expect(outcome.tornTail).toMatchObject({ offsetBytes: seg.bytes.length, cause: 'truncated-body', validFramesAfter: true });
    expect(outcome.maxLsn).toBe(3);
    expect(outcome.segments[0]).toMatchObject({ validBytes: seg.bytes.length, liveEndBytes: bytes.length });
  });
});

describe('replay: segment headers', () => {
  const sealed = segment(1, 1, small);

  it('a sealed segment with a bad header is BadSegmentHeader', () => {
    const bytes = sealed.bytes.slice();
    bytes[0] = 0;
    expect(errorOf([withBytes(sealed, bytes), segment(2, 8, [])])).toEqual({ code: 'BadSegmentHeader', segment: sealed.name, cause: 'bad-magic' });
  });

  it('an empty, short or zeroed active segment after a sealed one is a torn creation: offset 0, base LSN maxLsn + 1', () => {
    const active = segment(2, 8, []);
    for (const bytes of [new Uint8Array(0), active.bytes.subarray(0, 20), new Uint8Array(32), new Uint8Array(4096)]) {
      const outcome = outcomeOf([sealed, withBytes(active, bytes)]);
      expect(outcome.tornTail).toEqual({
        segment: active.name,
        segmentId: 2,
        offsetBytes: 0,
        droppedBytes: bytes.length,
        cause: bytes.length < 32 ? 'truncated-header' : 'bad-magic',
        validFramesAfter: false,
        headerTorn: true,
      });
      expect(outcome.segments[1]).toMatchObject({ name: active.name, id: 2, baseLsn: 8, validBytes: 0, firstLsn: null, lastLsn: null, end: 'torn', sizeBytes: bytes.length });
      expect(outcome.transactions.length).toBe(1);
    }
  });

  it('a torn header as the only segment is a torn creation with base LSN 1', () => {
    const outcome = outcomeOf([withBytes(sealed, new Uint8Array(10))]);
    expect(outcome.tornTail).toMatchObject({ headerTorn: true, offsetBytes: 0, cause: 'truncated-header' });
    expect(outcome.segments[0]!.baseLsn).toBe(1);
  });

  it('an active segment whose header is damaged but whose frames are whole is BadSegmentHeader, never rewritten', () => {
    const bytes = sealed.bytes.slice();
    bytes[29]! ^= 0x10;
    expect(errorOf([withBytes(sealed, bytes)])).toEqual({ code: 'BadSegmentHeader', segment: sealed.name, cause: 'bad-header-checksum' });
  });

  it('an active segment carrying another segment id or format version is BadSegmentHeader even with no frames', () => {
    const other = { name: '00000000000000000002.wal', id: 2, bytes: encodeSegmentHeader({ segmentId: 3, baseLsn: 8, salt: 1 }) };
    expect(errorOf([sealed, other])).toEqual({ code: 'BadSegmentHeader', segment: other.name, cause: 'id-mismatch' });
    const future = { ...other, bytes: encodeSegmentHeader({ segmentId: 2, baseLsn: 8, version: 3, salt: 1 }) };
    expect(errorOf([sealed, future])).toEqual({ code: 'BadSegmentHeader', segment: other.name, cause: 'unsupported-version' });
  });

  it('an active segment with only a valid header is empty: validBytes 44, no LSNs', () => {
    const outcome = outcomeOf([sealed, segment(2, 8, [])]);
    expect(outcome.segments[1]).toMatchObject({ name: '00000000000000000002.wal', id: 2, baseLsn: 8, validBytes: SEGMENT_HEADER_BYTES, firstLsn: null, lastLsn: null });
    expect(outcome.tornTail).toBeNull();
  });
});

describe('replay: stale frames, zeros and torn frames after the last live frame (format v2)', () => {
  /** Segment 1's first life (salt of id 1, base 1) holding `small`, reused as segment `id` at `base` with `records`. */
  function reused(id: number, base: number, records: readonly WalRecord[]): SegmentInput {
    const old = segment(1, 1, small).bytes;
    const salt = segmentSalt(id, base);
    const now = concat([encodeSegmentHeader({ segmentId: id, baseLsn: base, salt }), ...records.map((r) => encodeFrame(r, salt))]);
    const bytes = old.slice();
    bytes.set(now, 0);
    return { name: `0000000000000000000${id}.wal`, id, bytes };
  }
  const newer: readonly WalRecord[] = [
    { kind: 'TxBegin', lsn: 20 },
    { kind: 'MutationBatch', lsn: 21, txBeginLsn: 20, events: [text('hello, dave!')] },
    { kind: 'TxCommit', lsn: 22, txBeginLsn: 20 },
  ];

  it('AStaleFrameIsNeverReplayed: the frames of a reused file\'s earlier life end the active segment', () => {
    const seg = reused(3, 20, newer);
    const outcome = outcomeOf([seg]);
    expect(plainTransactions(outcome.transactions)).toEqual(plainTransactions([{ beginLsn: 20, commitLsn: 22, events: [text('hello, dave!')] }]));
    expect(outcome.maxLsn).toBe(22);
    expect(outcome.tornTail).toBeNull();
    const endAt = SEGMENT_HEADER_BYTES + newer.reduce((n, r) => n + frameSize(r), 0);
    expect(outcome.end).toEqual({ segment: seg.name, segmentId: 3, offsetBytes: endAt, kind: 'stale' });
  });

  it('a reused file whose new frames were all lost replays nothing: the first frame after the header is stale', () => {
    const seg = reused(3, 20, []);
    const outcome = outcomeOf([seg]);
    expect(outcome.transactions).toEqual([]);
    expect(outcome.maxLsn).toBe(0);
    expect(outcome.end).toMatchObject({ offsetBytes: SEGMENT_HEADER_BYTES, kind: 'stale' });
  });

  it('stale frames after the end of a sealed segment are the end of its records, not corruption', () => {
    const first = reused(3, 20, newer);
    const endAt = SEGMENT_HEADER_BYTES + newer.reduce((n, r) => n + frameSize(r), 0);
    const second = segment(4, 23, [{ kind: 'TxBegin', lsn: 23 }, { kind: 'TxCommit', lsn: 24, txBeginLsn: 23 }], { previousEnd: endAt });
    const outcome = outcomeOf([first, second]);
    expect(outcome.transactions.map((t) => t.commitLsn)).toEqual([22, 24]);
    expect(outcome.segments[0]).toMatchObject({ end: 'stale', validBytes: endAt });
  });

  it('the remains of a stale frame the new life partly overwrote are a torn end: a torn tail in the active segment, Corruption in a sealed one (sealed segments end at a marker of zeros)', () => {
    const seg = reused(3, 20, newer.slice(0, 2)); // the new frames end inside segment 1's TxCommit 3
    const endAt = SEGMENT_HEADER_BYTES + frameSize(newer[0]!) + frameSize(newer[1]!);
    const bytes = seg.bytes.slice();
    bytes.set(encodeFrame({ kind: 'TxBegin', lsn: 22 }, segmentSalt(3, 20)).subarray(0, 5), endAt); // a torn first sector
    const active = outcomeOf([withBytes(seg, bytes)]);
    expect(active.end).toMatchObject({ offsetBytes: endAt, kind: 'torn' });
    expect(active.tornTail).toMatchObject({ offsetBytes: endAt, validFramesAfter: false });
    expect(errorOf([withBytes(seg, bytes), segment(4, 23, [], { previousEnd: endAt })])).toMatchObject({ code: 'Corruption', segment: seg.name, offsetBytes: endAt });
  });

  it('a live frame after a stale spot in the active segment is a torn tail that counts its LSN; in a sealed segment it is corruption', () => {
    const salt = segmentSalt(3, 20);
    const header = encodeSegmentHeader({ segmentId: 3, baseLsn: 20, salt });
    const stale = encodeFrame({ kind: 'TxBegin', lsn: 4 }, segmentSalt(1, 1));
    const live = encodeFrame({ kind: 'TxBegin', lsn: 25 }, salt);
    const seg = { name: '00000000000000000003.wal', id: 3, bytes: concat([header, encodeFrame(newer[0]!, salt), stale, live, new Uint8Array(40)]) };
    const staleAt = SEGMENT_HEADER_BYTES + frameSize(newer[0]!);
    const active = outcomeOf([seg]);
    expect(active.tornTail).toMatchObject({ offsetBytes: staleAt, cause: 'stale-frame', validFramesAfter: true });
    expect(active.maxLsn).toBe(25);
    expect(active.segments[0]!.liveEndBytes).toBe(staleAt + stale.length + live.length);
    expect(errorOf([seg, segment(4, 26, [])])).toEqual({ code: 'Corruption', segment: seg.name, offsetBytes: staleAt, lsn: 20, cause: 'stale-frame' });
  });

  it('NoResurrectionInv: in the active segment liveEndBytes reaches the last non-zero byte behind the end (the rest of a frame whose length was lost, an earlier life\'s frames), and zeros alone leave it at the end', () => {
    const salt = segmentSalt(1, 1);
    const header = encodeSegmentHeader({ segmentId: 1, baseLsn: 1, salt });
    const first = encodeFrame({ kind: 'TxBegin', lsn: 1 }, salt);
    const lost = encodeFrame({ kind: 'MutationBatch', lsn: 2, txBeginLsn: 1, events: [text('remains')] }, salt);
    const endAt = header.length + first.length;
    const clean = concat([header, first, new Uint8Array(96)]);
    expect(outcomeOf([{ name: '00000000000000000001.wal', id: 1, bytes: clean }]).segments[0]).toMatchObject({ end: 'zeros', validBytes: endAt, liveEndBytes: endAt });
    // A crash lost the 16-byte sector with the frame's length, checksum and salt (zeros there) and
    // kept the rest of it: nothing at the end says a frame starts there.
    const remains = clean.slice();
    remains.set(lost.subarray(16), endAt + 16);
    const outcome = outcomeOf([{ name: '00000000000000000001.wal', id: 1, bytes: remains }]);
    expect(outcome.segments[0]).toMatchObject({ end: 'zeros', validBytes: endAt, liveEndBytes: endAt + lost.length - (lost.at(-1) === 0 ? 1 : 0) });
    expect(outcome.segments[0]!.liveEndBytes).toBeGreaterThan(endAt + 16);
    expect(outcome.tornTail).toBeNull();
    // A sealed segment is never written again: its liveEndBytes stays at what replay can name.
    const sealed = outcomeOf([{ name: '00000000000000000001.wal', id: 1, bytes: remains }, segment(2, 2, [], { previousEnd: endAt })]);
    expect(sealed.segments[0]).toMatchObject({ end: 'zeros', liveEndBytes: endAt });
    // An earlier life's frames behind a stale end reach the file's last non-zero byte.
    const seg = reused(3, 20, newer);
    let lastNonZero = seg.bytes.length;
    while (seg.bytes[lastNonZero - 1] === 0) lastNonZero--;
    expect(outcomeOf([seg]).segments[0]).toMatchObject({ end: 'stale', liveEndBytes: lastNonZero });
  });

  it('a v1 log followed by v2 segments replays as one log', () => {
    const v1 = segmentV1(1, 1, small);
    const v2 = segment(2, 8, [{ kind: 'TxBegin', lsn: 8 }, { kind: 'TxCommit', lsn: 9, txBeginLsn: 8 }], { previousEnd: v1.bytes.length });
    const outcome = outcomeOf([v1, v2]);
    expect(outcome.transactions.map((t) => t.commitLsn)).toEqual([3, 9]);
    expect(outcome.segments.map((x) => [x.version, x.validBytes])).toEqual([
      [1, v1.bytes.length],
      [2, v2.bytes.length],
    ]);
    expect(SEGMENT_HEADER_BYTES_V1).toBe(32);
  });
});

describe('replay: deflated payloads', () => {
  const deflatedBatch = (lsn: number, txBeginLsn: number, events: Uint8Array[]): WalRecord => {
    const raw = rawPayloadOf({ kind: 'MutationBatch', lsn, txBeginLsn, events });
    return { kind: 'MutationBatch', lsn, txBeginLsn, events, stored: { deflated: new Uint8Array(deflateRawSync(raw)), rawBytes: raw.length } };
  };

  it('a deflated batch replays as its events, and a log may mix deflated and stored frames', () => {
    const events = [text('{"k":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}'), text('{"k":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"}')];
    const outcome = outcomeOf([
      segment(1, 1, [
        { kind: 'TxBegin', lsn: 1 },
        deflatedBatch(2, 1, events),
        { kind: 'TxCommit', lsn: 3, txBeginLsn: 1 },
        { kind: 'TxBegin', lsn: 4 },
        { kind: 'MutationBatch', lsn: 5, txBeginLsn: 4, events: [text('plain')] },
        { kind: 'TxCommit', lsn: 6, txBeginLsn: 4 },
      ]),
    ]);
    expect(plainTransactions(outcome.transactions)).toEqual(
      plainTransactions([
        { beginLsn: 1, commitLsn: 3, events },
        { beginLsn: 4, commitLsn: 6, events: [text('plain')] },
      ]),
    );
  });

  it('replay given no inflate function refuses a deflated frame, naming the segment and the offset (a caller error, not damage)', () => {
    const events = [text('{"k":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}')];
    const log = segment(1, 1, [{ kind: 'TxBegin', lsn: 1 }, deflatedBatch(2, 1, events), { kind: 'TxCommit', lsn: 3, txBeginLsn: 1 }]);
    const offset = SEGMENT_HEADER_BYTES + frameSize({ kind: 'TxBegin', lsn: 1 });
    expect(() => replay({ segments: [log], checkpointLsn: 0 })).toThrow(
      new Error(`replay: ${log.name} holds a deflated frame at offset ${offset}, and replay was given no inflate function`),
    );
  });

  it('a deflated single-event Mutation replays as its event', () => {
    const event = text('{"k":"' + 'c'.repeat(60) + '"}');
    const raw = rawPayloadOf({ kind: 'Mutation', lsn: 2, txBeginLsn: 1, event });
    const outcome = outcomeOf([
      segment(1, 1, [
        { kind: 'TxBegin', lsn: 1 },
        { kind: 'Mutation', lsn: 2, txBeginLsn: 1, event, stored: { deflated: new Uint8Array(deflateRawSync(raw)), rawBytes: raw.length } },
        { kind: 'TxCommit', lsn: 3, txBeginLsn: 1 },
      ]),
    ]);
    expect(plainTransactions(outcome.transactions)).toEqual(plainTransactions([{ beginLsn: 1, commitLsn: 3, events: [event] }]));
  });

  it('ACorruptCompressedBodyIsATypedCorruptionErrorWithSegmentOffsetAndLsn, in the active segment as in a sealed one', () => {
    const bad: WalRecord = { kind: 'MutationBatch', lsn: 2, txBeginLsn: 1, events: [], stored: { deflated: Uint8Array.of(0xff, 0xfe, 0xfd, 0x07), rawBytes: 12 } };
    const records: WalRecord[] = [{ kind: 'TxBegin', lsn: 1 }, bad, { kind: 'TxCommit', lsn: 3, txBeginLsn: 1 }];
    const at = SEGMENT_HEADER_BYTES + frameSize(records[0]!);
    const expected = { code: 'Corruption', segment: '00000000000000000001.wal', offsetBytes: at, lsn: 2, cause: 'bad-compressed-body' };
    expect(errorOf([segment(1, 1, records)])).toEqual(expected);
    expect(errorOf([segment(1, 1, records), segment(2, 4, [])])).toEqual(expected);
  });

  it('a deflated frame at or below the checkpoint LSN is skipped without being inflated', () => {
    const bad: WalRecord = { kind: 'MutationBatch', lsn: 2, txBeginLsn: 1, events: [], stored: { deflated: Uint8Array.of(0xff), rawBytes: 12 } };
    const outcome = outcomeOf([segment(1, 1, [{ kind: 'TxBegin', lsn: 1 }, bad, { kind: 'TxCommit', lsn: 3, txBeginLsn: 1 }])], 3);
    expect(outcome.transactions).toEqual([]);
  });

  it('v1 frames never carry the stored flag; encodeFrameV1 refuses a deflated payload', () => {
    expect(() => encodeFrameV1(deflatedBatch(2, 1, [text('x'.repeat(80))]))).toThrow(RangeError);
  });
});

describe('replay: its arguments', () => {
  it('refuses a checkpoint LSN that is not a non-negative safe integer, naming it', () => {
    for (const checkpointLsn of [-1, 1.5, Number.NaN, 2 ** 53]) {
      expect(() => replay({ segments: [], checkpointLsn }), String(checkpointLsn)).toThrow(new RangeError(`replay: checkpointLsn ${checkpointLsn} is not a non-negative safe integer`));
    }
  });
});
