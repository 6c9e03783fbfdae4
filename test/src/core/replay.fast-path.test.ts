// The replay machine's hot path (replay-machine.ts fastFrames, ReplayApply's fast*) takes the
// usual frames of a v2 segment without building record objects. It must decide exactly as the
// general path does: same transactions, same summary, same typed error, on intact and damaged
// logs and at any checkpoint LSN. A planted hot path that skips one check must be told apart.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Result } from '../../../src/core/errors.js';
import type { WalRecord } from '../../../src/core/records.js';
import { ReplayApply } from '../../../src/core/replay-apply.js';
import { replay, replayStream, type ReplayOutcome } from '../../../src/core/replay.js';
import { writeU32, writeU64 } from '../../../src/core/codec.js';
import { crc32cOfRange } from '../../../src/core/crc32c.js';
import { RecordKind } from '../../../src/core/format.js';
import { segmentSalt } from '../../../src/core/segment-header.js';
import { concat, planArb, planLog, plainTransactions, segment, segmentV1, text } from './log-builder.js';
import { mutate, mutationArb } from './log-mutations.js';

const deep = process.env['WALREF_DEEP'] !== undefined;
const runs = (quick: number): number => (deep ? quick * 20 : quick);

function comparable(result: Result<ReplayOutcome>): unknown {
  return result.ok ? { ...result.value, transactions: plainTransactions(result.value.transactions) } : result;
}

const logCaseArb = fc.record({
  plans: planArb,
  recordsPerSegment: fc.integer({ min: 2, max: 12 }),
  mutations: fc.array(mutationArb, { maxLength: 3 }),
  checkpointLsn: fc.nat(40),
});

type LogCase = typeof logCaseArb extends fc.Arbitrary<infer T> ? T : never;

/** Whether replay with and without the hot path agree on one generated (maybe damaged) log. */
function pathsAgree({ plans, recordsPerSegment, mutations, checkpointLsn }: LogCase): boolean {
  const segments = mutations.reduce((s, m) => mutate(s, m), planLog(plans, recordsPerSegment).segments);
  const fast = replay({ segments, checkpointLsn, hotPath: true });
  const general = replay({ segments, checkpointLsn, hotPath: false });
  expect(comparable(fast)).toEqual(comparable(general));
  return true;
}

afterEach(() => {
  vi.restoreAllMocks();
});

/** A v2 frame around `body`, sealed with a good checksum under `salt`: only the body can be wrong. */
function rawFrame(body: Uint8Array, salt: number): Uint8Array {
  const frame = new Uint8Array(12 + body.length);
  writeU32(frame, 0, body.length);
  writeU32(frame, 8, salt);
  frame.set(body, 12);
  writeU32(frame, 4, crc32cOfRange(frame, 8, frame.length, crc32cOfRange(frame, 0, 4)));
  return frame;
}

describe('replay hot path', () => {
  it('a batch or commit whose LSN does not ascend (M4), or lies below its segment\'s base (M3), is Malformed on the hot path as on the general path', () => {
    const cases = [
      // A batch repeating the LSN before it.
      segment(1, 1, [{ kind: 'TxBegin', lsn: 1 }, { kind: 'MutationBatch', lsn: 2, txBeginLsn: 1, events: [text('a')] }, { kind: 'MutationBatch', lsn: 2, txBeginLsn: 1, events: [text('b')] }, { kind: 'TxCommit', lsn: 3, txBeginLsn: 1 }]),
      // A commit repeating the LSN before it.
      segment(1, 1, [{ kind: 'TxBegin', lsn: 1 }, { kind: 'MutationBatch', lsn: 2, txBeginLsn: 1, events: [text('a')] }, { kind: 'TxCommit', lsn: 2, txBeginLsn: 1 }]),
      // A begin going back.
      segment(1, 1, [{ kind: 'TxBegin', lsn: 4 }, { kind: 'TxAbort', lsn: 5, txBeginLsn: 4 }, { kind: 'TxBegin', lsn: 3 }]),
      // Records below the segment's base LSN.
      [segment(1, 10, [{ kind: 'TxBegin', lsn: 4 }, { kind: 'MutationBatch', lsn: 5, txBeginLsn: 4, events: [text('a')] }, { kind: 'TxCommit', lsn: 6, txBeginLsn: 4 }])],
      // A transaction open across a rotation whose batch, then commit, lie below the new segment's base.
      [segment(1, 1, [{ kind: 'TxBegin', lsn: 1 }, { kind: 'MutationBatch', lsn: 2, txBeginLsn: 1, events: [text('a')] }]), segment(2, 10, [{ kind: 'MutationBatch', lsn: 5, txBeginLsn: 1, events: [text('b')] }, { kind: 'TxCommit', lsn: 11, txBeginLsn: 1 }])],
      [segment(1, 1, [{ kind: 'TxBegin', lsn: 1 }, { kind: 'MutationBatch', lsn: 2, txBeginLsn: 1, events: [text('a')] }]), segment(2, 10, [{ kind: 'TxCommit', lsn: 5, txBeginLsn: 1 }])],
    ];
    for (const [i, c] of cases.entries()) {
      const segments = Array.isArray(c) ? c : [c];
      const general = replay({ segments, checkpointLsn: 0, hotPath: false });
      expect(general.ok ? 'ok' : general.error.code, `case ${i}`).toBe('Malformed');
      expect(comparable(replay({ segments, checkpointLsn: 0, hotPath: true })), `case ${i}`).toEqual(comparable(general));
    }
  });

  it('decides a record at, just below and just above the checkpoint LSN as the general path does, at every checkpoint LSN of a small log', () => {
    const plans = [
      { events: [text('a'), text('b')], ending: 'commit' as const, batched: true },
      { events: [text('c')], ending: 'abort' as const, batched: false },
      { events: [text('d'), text('e')], ending: 'commit' as const, batched: true },
      { events: [text('f')], ending: 'open' as const, batched: true },
    ];
    const { segments, maxLsn } = planLog(plans, 4);
    for (let checkpointLsn = 0; checkpointLsn <= maxLsn + 1; checkpointLsn++) {
      const general = replay({ segments, checkpointLsn, hotPath: false });
      expect(comparable(replay({ segments, checkpointLsn, hotPath: true })), `checkpoint ${checkpointLsn}`).toEqual(comparable(general));
    }
  });

  it('a batch or commit naming a transaction that is not open, or no longer the newest, decides the same on the hot path as on the general path (M5)', () => {
    const cases = [
      // A batch, then a commit, naming a transaction that never began.
      segment(1, 1, [{ kind: 'TxBegin', lsn: 1 }, { kind: 'MutationBatch', lsn: 2, txBeginLsn: 9, events: [text('a')] }]),
      segment(1, 1, [{ kind: 'TxBegin', lsn: 1 }, { kind: 'TxCommit', lsn: 2, txBeginLsn: 9 }]),
      // A commit of a transaction already committed, and one already aborted.
      segment(1, 1, [{ kind: 'TxBegin', lsn: 1 }, { kind: 'TxCommit', lsn: 2, txBeginLsn: 1 }, { kind: 'TxCommit', lsn: 3, txBeginLsn: 1 }]),
      segment(1, 1, [{ kind: 'TxBegin', lsn: 1 }, { kind: 'TxAbort', lsn: 2, txBeginLsn: 1 }, { kind: 'MutationBatch', lsn: 3, txBeginLsn: 1, events: [text('a')] }]),
    ];
    for (const [i, c] of cases.entries()) {
      const general = replay({ segments: [c], checkpointLsn: 0, hotPath: false });
      expect(general.ok ? 'ok' : general.error, `case ${i}`).toMatchObject({ code: 'Malformed', rule: 'missing-tx-begin' });
      expect(comparable(replay({ segments: [c], checkpointLsn: 0, hotPath: true })), `case ${i}`).toEqual(comparable(general));
    }
    // One transaction of several batches, a Mutation among them: every event, in order.
    const several = segment(1, 1, [
      { kind: 'TxBegin', lsn: 1 },
      { kind: 'MutationBatch', lsn: 2, txBeginLsn: 1, events: [text('a')] },
      { kind: 'MutationBatch', lsn: 3, txBeginLsn: 1, events: [text('b'), text('c')] },
      { kind: 'Mutation', lsn: 4, txBeginLsn: 1, event: text('d') },
      { kind: 'MutationBatch', lsn: 5, txBeginLsn: 1, events: [] },
      { kind: 'MutationBatch', lsn: 6, txBeginLsn: 1, events: [text('e')] },
      { kind: 'TxCommit', lsn: 7, txBeginLsn: 1 },
    ]);
    const replayed = replay({ segments: [several], checkpointLsn: 0, hotPath: true });
    expect(comparable(replayed)).toEqual(comparable(replay({ segments: [several], checkpointLsn: 0, hotPath: false })));
    expect(replayed.ok ? plainTransactions(replayed.value.transactions) : replayed.error).toEqual(plainTransactions([{ beginLsn: 1, commitLsn: 7, events: ['a', 'b', 'c', 'd', 'e'].map(text) }]));
    // Interleaved: the older transaction's batch and commit come after a newer begin, and still count.
    const interleaved = segment(1, 1, [
      { kind: 'TxBegin', lsn: 1 },
      { kind: 'TxBegin', lsn: 2 },
      { kind: 'MutationBatch', lsn: 3, txBeginLsn: 1, events: [text('old')] },
      { kind: 'MutationBatch', lsn: 4, txBeginLsn: 2, events: [text('new')] },
      { kind: 'TxCommit', lsn: 5, txBeginLsn: 1 },
      { kind: 'TxCommit', lsn: 6, txBeginLsn: 2 },
    ]);
    const fast = replay({ segments: [interleaved], checkpointLsn: 0, hotPath: true });
    expect(comparable(fast)).toEqual(comparable(replay({ segments: [interleaved], checkpointLsn: 0, hotPath: false })));
    expect(fast.ok ? plainTransactions(fast.value.transactions) : fast.error).toEqual(
      plainTransactions([
        { beginLsn: 1, commitLsn: 5, events: [text('old')] },
        { beginLsn: 2, commitLsn: 6, events: [text('new')] },
      ]),
    );
  });

  it('a frame with a good checksum that breaks its kind\'s shape decides the same on the hot path as on the general path, and is never a record', () => {
    const body = (tag: number, bytes: number, lsn: number, txBeginLsn = 0): Uint8Array => {
      const b = new Uint8Array(bytes);
      b[0] = tag;
      writeU64(b, 1, lsn);
      if (bytes >= 17) writeU64(b, 9, txBeginLsn);
      return b;
    };
    const batch = (count: number, bytes: number, txBeginLsn = 1): Uint8Array => {
      const b = body(RecordKind.MutationBatch, bytes, 3, txBeginLsn);
      writeU32(b, 17, count);
      return b;
    };
    // Each comes at LSN 3, after transaction 1's begin and first batch, and is right in every other way.
    const shapes: readonly [string, Uint8Array][] = [
      ['a TxBegin body of 10 bytes', body(RecordKind.TxBegin, 10, 3)],
      ['a TxBegin at LSN 0', body(RecordKind.TxBegin, 9, 0)],
      ['a TxCommit body of 18 bytes', body(RecordKind.TxCommit, 18, 3, 1)],
      ['a TxCommit at LSN 0', body(RecordKind.TxCommit, 17, 0, 1)],
      ['a MutationBatch whose count runs past its body', batch(3, 21)],
      ['a MutationBatch of one entry whose length runs past its body', concat([batch(1, 21), Uint8Array.of(200, 0, 0, 0, 7)])],
      ['a MutationBatch in transaction 0', batch(0, 21, 0)],
      ['a body of 8 bytes', body(RecordKind.TxBegin, 9, 3).subarray(0, 8)],
    ];
    const salt = segmentSalt(1, 1);
    const open = segment(1, 1, [{ kind: 'TxBegin', lsn: 1 }, { kind: 'MutationBatch', lsn: 2, txBeginLsn: 1, events: [text('a')] }]);
    for (const [name, bad] of shapes) {
      for (const sealed of [false, true]) {
        const first = { ...open, bytes: concat([open.bytes, rawFrame(bad, salt)]) };
        const segments = sealed ? [first, segment(2, 4, [{ kind: 'TxBegin', lsn: 4 }])] : [first];
        const general = replay({ segments, checkpointLsn: 0, hotPath: false });
        expect(comparable(replay({ segments, checkpointLsn: 0, hotPath: true })), `${name}, ${sealed ? 'sealed' : 'active'}`).toEqual(comparable(general));
        // Never a record: either the replay fails, or transaction 1 stays uncommitted.
        if (general.ok) expect(plainTransactions(general.value.transactions), name).toEqual([]);
      }
    }
  });

  it('the hot path is taken unless hotPath is false, and never when events are copied out or under skip-corrupted (the other policies take it)', async () => {
    // Which path ran shows only in the work done (the outcome is the same, as the properties
    // here check), so a spy on the hot path's TxBegin counts its calls.
    const fastBegin = vi.spyOn(ReplayApply.prototype, 'fastBegin');
    const seg = segment(1, 1, [{ kind: 'TxBegin', lsn: 1 }, { kind: 'TxCommit', lsn: 2, txBeginLsn: 1 }]);
    const runs: [string, () => Promise<unknown> | unknown, number][] = [
      ['hotPath omitted', () => replay({ segments: [seg], checkpointLsn: 0 }), 1],
      ['hotPath: true', () => replay({ segments: [seg], checkpointLsn: 0, hotPath: true }), 1],
      ['hotPath: false', () => replay({ segments: [seg], checkpointLsn: 0, hotPath: false }), 0],
      ['skip-corrupted', () => replay({ segments: [seg], checkpointLsn: 0, policy: 'skip-corrupted' }), 0],
      ['point-in-time', () => replay({ segments: [seg], checkpointLsn: 0, policy: 'point-in-time' }), 1],
      ['absolute', () => replay({ segments: [seg], checkpointLsn: 0, policy: 'absolute' }), 1],
      ['chunks that are not fresh (events copied)', () => replayStream({ segments: [{ ...seg, chunks: [seg.bytes] }], checkpointLsn: 0 }, () => undefined), 0],
      ['fresh chunks (events left in them)', () => replayStream({ segments: [{ ...seg, chunks: [seg.bytes] }], checkpointLsn: 0, chunksAreFresh: true }, () => undefined), 1],
    ];
    for (const [name, run, calls] of runs) {
      fastBegin.mockClear();
      await run();
      expect(fastBegin, name).toHaveBeenCalledTimes(calls);
    }
  });

  it('on a clean log every TxBegin, MutationBatch and TxCommit is taken by the hot path, and each is accepted there', () => {
    // The general path gives the same outcome (the properties here check that), so which path
    // took each record shows only through spies: a batch the hot path reads wrongly (a wrong
    // transaction, a wrong entry count) is refused there and taken by the general path instead.
    const spies = (['fastBegin', 'fastBatch', 'fastCommit'] as const).map((name) => vi.spyOn(ReplayApply.prototype, name));
    const records = Array.from({ length: 5 }, (_, i) => [
      { kind: 'TxBegin', lsn: 3 * i + 1 },
      { kind: 'MutationBatch', lsn: 3 * i + 2, txBeginLsn: 3 * i + 1, events: [text(`e${i}`), text('second event')] },
      { kind: 'TxCommit', lsn: 3 * i + 3, txBeginLsn: 3 * i + 1 },
    ] satisfies WalRecord[]).flat();
    const r = replay({ segments: [segment(1, 1, records)], checkpointLsn: 0 });
    expect(r.ok && r.value.transactions.map((t) => t.events.length)).toEqual([2, 2, 2, 2, 2]);
    for (const spy of spies) {
      expect(spy.mock.results.map((result) => result.value), spy.getMockName()).toEqual([true, true, true, true, true]);
      spy.mockRestore();
    }
  });

  it('a v1 segment never goes through the hot path: bytes laid out as a v2 frame with salt 0 are a torn tail there, as the v1 decoder reads them', () => {
    const v1 = segmentV1(1, 1, [{ kind: 'TxBegin', lsn: 1 }, { kind: 'TxCommit', lsn: 2, txBeginLsn: 1 }]);
    const begin = new Uint8Array(9);
    begin[0] = RecordKind.TxBegin;
    writeU64(begin, 1, 3);
    const segments = [{ ...v1, bytes: concat([v1.bytes, rawFrame(begin, 0)]) }];
    const general = replay({ segments, checkpointLsn: 0, hotPath: false });
    expect(general.ok && general.value.tornTail).toMatchObject({ offsetBytes: v1.bytes.length, cause: 'bad-checksum' });
    expect(general.ok && general.value.maxLsn).toBe(2);
    expect(comparable(replay({ segments, checkpointLsn: 0 }))).toEqual(comparable(general));
  });

  it('the hot path decides exactly as the general path: same transactions, summary or typed error, on intact and damaged logs at any checkpoint LSN', () => {
    fc.assert(fc.property(logCaseArb, pathsAgree), { numRuns: runs(500) });
  });

  it('planted: a hot path that does not hold TxBegin to the checkpoint LSN is told apart from the general path', () => {
    vi.spyOn(ReplayApply.prototype, 'fastBegin').mockImplementation(function (this: ReplayApply, lsn: number): boolean {
      // The real fastBegin without `lsn <= checkpointLsn`.
      const self = this as unknown as { previousLsn: number; segmentBaseLsn: number; noteRecord(lsn: number): void; transactions: { begin(lsn: number): void } };
      if (lsn <= self.previousLsn || lsn < self.segmentBaseLsn) return false;
      self.noteRecord(lsn);
      self.transactions.begin(lsn);
      return true;
    });
    const outcome = fc.check(fc.property(logCaseArb, pathsAgree), { numRuns: runs(500) });
    expect(outcome.failed).toBe(true);
  });
});
