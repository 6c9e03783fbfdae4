import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../../src/core/codec.js';
import { SEGMENT_HEADER_BYTES } from '../../../src/core/format.js';
import { MALFORMED_RULES, type MalformedRule } from '../../../src/core/errors.js';
import type { WalRecord } from '../../../src/core/records.js';
import { replay } from '../../../src/core/replay.js';
import { segment, text, type SegmentInput } from './log-builder.js';

/** The offset of record `index` in a segment built from `records`. */
function offsetOf(records: readonly WalRecord[], index: number): number {
  return SEGMENT_HEADER_BYTES + records.slice(0, index).reduce((n, r) => n + encodeFrame(r, 1).length, 0);
}

interface Case {
  readonly rule: MalformedRule;
  readonly title: string;
  readonly segments: SegmentInput[];
  readonly segment: string;
  readonly offsetBytes: number;
  readonly lsn: number;
}

const begin = (lsn: number): WalRecord => ({ kind: 'TxBegin', lsn });
const s1 = '00000000000000000001.wal';
const s2 = '00000000000000000002.wal';

function inOne(records: WalRecord[], badIndex: number, rule: MalformedRule, title: string): Case {
  return { rule, title, segments: [segment(1, 1, records)], segment: s1, offsetBytes: offsetOf(records, badIndex), lsn: records[badIndex]!.lsn };
}

const cases: Case[] = [
  inOne([{ kind: 'Mutation', lsn: 1, txBeginLsn: 1, event: text('x') }], 0, 'missing-tx-begin', 'a mutation naming no open TxBegin'),
  inOne([begin(1), { kind: 'MutationBatch', lsn: 2, txBeginLsn: 7, events: [] }], 1, 'missing-tx-begin', 'a batch naming no open TxBegin'),
  inOne([begin(1), { kind: 'TxCommit', lsn: 2, txBeginLsn: 3 }], 1, 'missing-tx-begin', 'a commit naming no open TxBegin'),
  inOne([begin(1), { kind: 'TxAbort', lsn: 2, txBeginLsn: 5 }], 1, 'missing-tx-begin', 'an abort naming no open TxBegin'),
  inOne(
    [begin(1), { kind: 'TxCommit', lsn: 2, txBeginLsn: 1 }, { kind: 'TxCommit', lsn: 3, txBeginLsn: 1 }],
    2,
    'missing-tx-begin',
    'a second commit of an already committed transaction',
  ),
  inOne([begin(1), begin(1)], 1, 'duplicate-tx-begin', 'a TxBegin repeating an open one'),
  inOne([begin(1), begin(3), begin(2)], 2, 'lsn-not-increasing', 'an LSN below the previous one'),
  inOne([begin(1), { kind: 'TxCommit', lsn: 2, txBeginLsn: 1 }, begin(2)], 2, 'lsn-not-increasing', 'an LSN equal to the previous one'),
  {
    rule: 'lsn-below-segment-base',
    title: 'a record below its segment base',
    segments: [segment(1, 5, [begin(4)])],
    segment: s1,
    offsetBytes: SEGMENT_HEADER_BYTES,
    lsn: 4,
  },
  {
    rule: 'segment-base-not-increasing',
    title: 'a segment base not above the previous base',
    segments: [segment(1, 5, []), segment(2, 5, [])],
    segment: s2,
    offsetBytes: 0,
    lsn: 5,
  },
  {
    rule: 'segment-base-not-increasing',
    title: 'a segment base not above the previous record',
    segments: [segment(1, 1, [begin(1), begin(2), begin(3)]), segment(2, 3, [])],
    segment: s2,
    offsetBytes: 0,
    lsn: 3,
  },
  inOne([begin(1), { kind: 'Checkpoint', lsn: 2, snapshotLsn: 3 }], 1, 'checkpoint-points-forward', 'a checkpoint naming a snapshot after itself'),
  inOne(
    [{ kind: 'Checkpoint', lsn: 1, snapshotLsn: 1 }, { kind: 'Checkpoint', lsn: 5, snapshotLsn: 4 }, { kind: 'Checkpoint', lsn: 6, snapshotLsn: 3 }],
    2,
    'checkpoint-regressed',
    'a checkpoint older than the previous marker',
  ),
];

describe('replay: malformed logs fail loudly with a typed error', () => {
  for (const c of cases) {
    it(`${c.title} is Malformed ${c.rule}, naming segment, offset and LSN`, () => {
      const result = replay({ segments: c.segments, checkpointLsn: 0 });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error).toMatchObject({ code: 'Malformed', rule: c.rule, segment: c.segment, offsetBytes: c.offsetBytes, lsn: c.lsn });
    });
  }

  it('every MalformedRule has at least one case above', () => {
    expect(new Set(cases.map((c) => c.rule))).toEqual(new Set(MALFORMED_RULES));
  });

  it('records at or below the checkpoint LSN are still checked for LSN order', () => {
    const result = replay({ segments: [segment(1, 1, [begin(2), begin(1)])], checkpointLsn: 10 });
    expect(result.ok === false && result.error).toMatchObject({ code: 'Malformed', rule: 'lsn-not-increasing', lsn: 1 });
  });

  it('a malformed record in the active segment is an error, not a torn tail', () => {
    const result = replay({ segments: [segment(1, 1, []), segment(2, 2, [{ kind: 'TxCommit', lsn: 2, txBeginLsn: 1 }])], checkpointLsn: 0 });
    expect(result.ok === false && result.error).toMatchObject({ code: 'Malformed', rule: 'missing-tx-begin', segment: s2 });
  });
});
