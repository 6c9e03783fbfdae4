import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../../src/core/codec.js';
import type { WalErrorInfo } from '../../../src/core/errors.js';
import type { WalRecord } from '../../../src/core/records.js';
import { replay, type ReplayOutcome } from '../../../src/core/replay.js';
import { encodeSegmentHeader } from '../../../src/core/segment-header.js';
import { concat, planLog, plainTransactions, segment, text, type SegmentInput } from './log-builder.js';
import { exampleRecords } from './worked-example.js';

function outcomeOf(segments: readonly SegmentInput[], checkpointLsn = 0): ReplayOutcome {
  const result = replay({ segments, checkpointLsn });
  if (!result.ok) throw new Error(`expected an outcome, got ${JSON.stringify(result.error)}`);
  return result.value;
}

function errorOf(segments: readonly SegmentInput[], checkpointLsn = 0): WalErrorInfo {
  const result = replay({ segments, checkpointLsn });
  if (result.ok) throw new Error('expected a typed error, got an outcome');
  return result.error;
}

const withBytes = (s: SegmentInput, bytes: Uint8Array): SegmentInput => ({ ...s, bytes });

// One committed transaction (LSN 1-3), one aborted (4-6), one checkpoint marker (7).
const small: readonly WalRecord[] = exampleRecords;

describe('replay', () => {
  it('an empty log replays to nothing with maxLsn 0', () => {
    expect(outcomeOf([])).toEqual({ transactions: [], maxLsn: 0, tornTail: null, checkpointObserved: null, segments: [] });
  });

  it('a committed transaction is replayed with its events, an aborted one is dropped, and the marker is observed', () => {
    const outcome = outcomeOf([segment(1, 1, small)]);
    expect(plainTransactions(outcome.transactions)).toEqual(plainTransactions([{ beginLsn: 1, commitLsn: 3, events: [text('alice'), text('bob')] }]));
    expect(outcome.maxLsn).toBe(7);
    expect(outcome.checkpointObserved).toBe(3);
    expect(outcome.tornTail).toBeNull();
    expect(outcome.segments).toEqual([
      { name: '00000000000000000001.wal', id: 1, baseLsn: 1, validBytes: segment(1, 1, small).bytes.length, firstLsn: 1, lastLsn: 7 },
    ]);
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
    const boundaries = [32];
    for (const r of records) boundaries.push(boundaries[boundaries.length - 1]! + encodeFrame(r).length);
    for (let cut = 33; cut < seg.bytes.length; cut++) {
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
        cause: cut - lastBoundary < 8 ? 'truncated-frame-header' : 'truncated-body',
        validFramesAfter: false,
        headerTorn: false,
      });
      expect(outcome.segments[0]!.validBytes).toBe(lastBoundary);
      expect(outcome.maxLsn).toBe(whole.length - 1);
      expect(outcome.transactions.length).toBe(lastBoundary >= boundaries[3]! ? 1 : 0);
    }
  });

  it('a zero-filled tail in the active segment (a file that grew without its data) is a torn tail with bad-length', () => {
    const seg = segment(1, 1, small);
    const outcome = outcomeOf([withBytes(seg, concat([seg.bytes, new Uint8Array(700)]))]);
    expect(outcome.tornTail).toMatchObject({ offsetBytes: seg.bytes.length, droppedBytes: 700, cause: 'bad-length', validFramesAfter: false });
    expect(outcome.transactions.length).toBe(1);
  });

  it('a damaged frame in the middle of the active segment is a torn tail that reports the whole frames after it and counts their LSNs', () => {
    const seg = segment(1, 1, small);
    const damagedAt = 32 + encodeFrame(small[0]!).length; // the MutationBatch at LSN 2
    const bytes = seg.bytes.slice();
    bytes[damagedAt + 12]! ^= 0x40;
    const outcome = outcomeOf([withBytes(seg, bytes)]);
    expect(outcome.tornTail).toMatchObject({ offsetBytes: damagedAt, cause: 'bad-checksum', validFramesAfter: true, headerTorn: false });
    expect(outcome.tornTail!.droppedBytes).toBe(bytes.length - damagedAt);
    expect(outcome.transactions).toEqual([]);
    expect(outcome.maxLsn).toBe(7);
    expect(outcome.segments[0]!.lastLsn).toBe(1);
  });

  it('a damaged frame in a sealed segment is Corruption naming the segment, the offset and the last good LSN', () => {
    const first = segment(1, 1, small);
    const second = segment(2, 8, [{ kind: 'TxBegin', lsn: 8 }]);
    const damagedAt = 32 + encodeFrame(small[0]!).length + encodeFrame(small[1]!).length; // TxCommit at LSN 3
    const bytes = first.bytes.slice();
    bytes[damagedAt + 9]! ^= 0x01;
    expect(errorOf([withBytes(first, bytes), second])).toEqual({
      code: 'Corruption',
      segment: first.name,
      offsetBytes: damagedAt,
      lsn: 2,
      cause: 'bad-checksum',
    });
  });

  it('a truncated sealed segment is Corruption, not a torn tail', () => {
    const first = segment(1, 1, small);
    const second = segment(2, 8, []);
    const error = errorOf([withBytes(first, first.bytes.subarray(0, first.bytes.length - 2)), second]);
    expect(error).toMatchObject({ code: 'Corruption', segment: first.name, cause: 'truncated-body', lsn: 6 });
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
      expect(outcome.segments[1]).toEqual({ name: active.name, id: 2, baseLsn: 8, validBytes: 0, firstLsn: null, lastLsn: null });
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
    const other = { name: '00000000000000000002.wal', id: 2, bytes: encodeSegmentHeader({ segmentId: 3, baseLsn: 8 }) };
    expect(errorOf([sealed, other])).toEqual({ code: 'BadSegmentHeader', segment: other.name, cause: 'id-mismatch' });
    const future = { ...other, bytes: encodeSegmentHeader({ segmentId: 2, baseLsn: 8, version: 2 }) };
    expect(errorOf([sealed, future])).toEqual({ code: 'BadSegmentHeader', segment: other.name, cause: 'unsupported-version' });
  });

  it('an active segment with only a valid header is empty: validBytes 32, no LSNs', () => {
    const outcome = outcomeOf([sealed, segment(2, 8, [])]);
    expect(outcome.segments[1]).toEqual({ name: '00000000000000000002.wal', id: 2, baseLsn: 8, validBytes: 32, firstLsn: null, lastLsn: null });
    expect(outcome.tornTail).toBeNull();
  });
});

describe('replay: its arguments', () => {
  it('refuses a checkpoint LSN that is not a non-negative safe integer, naming it', () => {
    for (const checkpointLsn of [-1, 1.5, Number.NaN, 2 ** 53]) {
      expect(() => replay({ segments: [], checkpointLsn }), String(checkpointLsn)).toThrow(new RangeError(`replay: checkpointLsn ${checkpointLsn} is not a non-negative safe integer`));
    }
  });
});
