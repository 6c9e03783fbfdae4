import { describe, expect, it } from 'vitest';
import { MALFORMED_RULES } from '../../../src/core/errors.js';
import type { WalRecord } from '../../../src/core/records.js';
import { replay } from '../../../src/core/replay.js';
import { CONTENT_RULES, firstBroken, firstBrokenHeaderRule, HEADER_RULES, MALFORMED_LOG_RULES, ORDER_RULES, type RecordFacts } from '../../../src/core/replay-rules.js';
import { segment, text } from './log-builder.js';

describe('replay: the malformed-log rules table', () => {
  it('is complete: every MalformedRule is exactly one labelled row', () => {
    for (const rule of MALFORMED_RULES) expect(MALFORMED_LOG_RULES.filter((row) => row.rule === rule).length, rule).toBe(1);
    expect(MALFORMED_LOG_RULES).toHaveLength(MALFORMED_RULES.length);
  });

  it('has unique labels, a reason for every row, and every row in reach of replay', () => {
    expect(new Set(MALFORMED_LOG_RULES.map((row) => row.label)).size).toBe(MALFORMED_LOG_RULES.length);
    for (const row of MALFORMED_LOG_RULES) expect(row.why.length, row.label).toBeGreaterThan(20);
    const reached = new Set([...HEADER_RULES, ...Object.values(ORDER_RULES).flat(), ...Object.values(CONTENT_RULES).flat()]);
    expect(reached.size).toBe(MALFORMED_LOG_RULES.length);
  });

  it('labels its rows M1, M2, … in order, each with a name of its own', () => {
    MALFORMED_LOG_RULES.forEach((row, i) => expect(row.label).toMatch(new RegExp(`^M${i + 1} [a-z][\\w -]{8,}$`, 'i')));
  });

  it('M1: a base LSN at or below the previous base, or at or below the previous record, is broken, and the detail names both LSNs', () => {
    expect(firstBrokenHeaderRule({ baseLsn: 1, previousBaseLsn: 0, previousLsn: 0 })).toBeNull();
    expect(firstBrokenHeaderRule({ baseLsn: 8, previousBaseLsn: 3, previousLsn: 7 })).toBeNull();
    const belowBase = firstBrokenHeaderRule({ baseLsn: 30, previousBaseLsn: 30, previousLsn: 12 });
    expect(belowBase?.rule).toBe('segment-base-not-increasing');
    expect(belowBase?.detail.match(/\d+/g)).toEqual(['30', '30']);
    const belowRecord = firstBrokenHeaderRule({ baseLsn: 40, previousBaseLsn: 31, previousLsn: 45 });
    expect(belowRecord?.rule).toBe('segment-base-not-increasing');
    expect(belowRecord?.detail.match(/\d+/g)).toEqual(['40', '45']);
  });

  it('each record rule, broken, names its rule and a detail with the LSNs it compared', () => {
    const facts = (over: Partial<RecordFacts> = {}): RecordFacts => ({ segmentBaseLsn: 10, previousLsn: 20, checkpointObserved: 15, isOpen: (lsn) => lsn === 21, ...over });
    const cases: [WalRecord, RecordFacts, string, string[]][] = [
      [{ kind: 'TxBegin', lsn: 21 }, facts({ previousLsn: 5 }), 'duplicate-tx-begin', ['21']],
      [{ kind: 'TxCommit', lsn: 7, txBeginLsn: 21 }, facts({ previousLsn: 0 }), 'lsn-below-segment-base', ['7', '10']],
      [{ kind: 'TxAbort', lsn: 20, txBeginLsn: 21 }, facts(), 'lsn-not-increasing', ['20', '20']],
      [{ kind: 'TxCommit', lsn: 30, txBeginLsn: 22 }, facts(), 'missing-tx-begin', ['22']],
      [{ kind: 'Checkpoint', lsn: 30, snapshotLsn: 31 }, facts(), 'checkpoint-points-forward', ['31', '30']],
      [{ kind: 'Checkpoint', lsn: 30, snapshotLsn: 14 }, facts(), 'checkpoint-regressed', ['14', '15']],
    ];
    for (const [record, f, rule, numbers] of cases) {
      const rows = [...ORDER_RULES[record.kind], ...CONTENT_RULES[record.kind]];
      const broken = firstBroken(rows, record, f);
      expect(broken?.rule, rule).toBe(rule);
      expect(broken?.detail.match(/\d+/g), rule).toEqual(numbers);
    }
    // A record that keeps every rule.
    expect(firstBroken([...ORDER_RULES.TxCommit, ...CONTENT_RULES.TxCommit], { kind: 'TxCommit', lsn: 30, txBeginLsn: 21 }, facts())).toBeNull();
    expect(firstBroken([...ORDER_RULES.Checkpoint, ...CONTENT_RULES.Checkpoint], { kind: 'Checkpoint', lsn: 30, snapshotLsn: 15 }, facts())).toBeNull();
    // A row is asked only about the kinds it names: M2 (a TxBegin whose LSN is already open) does
    // not look at a record's kind itself, and must not judge a commit whose own LSN is open.
    const everyLsnOpen = facts({ isOpen: () => true });
    for (const kind of ['TxCommit', 'TxAbort'] as const) {
      expect(firstBroken([...ORDER_RULES[kind], ...CONTENT_RULES[kind]], { kind, lsn: 30, txBeginLsn: 21 }, everyLsnOpen), kind).toBeNull();
    }
  });

  it('order rows hold below the checkpoint LSN too; content rows only above it', () => {
    const orphan = [segment(1, 1, [{ kind: 'Mutation', lsn: 1, txBeginLsn: 9, event: text('x') }])];
    expect(replay({ segments: orphan, checkpointLsn: 1 }).ok).toBe(true);
    expect(replay({ segments: orphan, checkpointLsn: 0 })).toMatchObject({ ok: false, error: { rule: 'missing-tx-begin' } });
    const disorder = [segment(1, 1, [{ kind: 'TxBegin', lsn: 3 }, { kind: 'TxBegin', lsn: 2 }])];
    expect(replay({ segments: disorder, checkpointLsn: 5 })).toMatchObject({ ok: false, error: { rule: 'lsn-not-increasing' } });
  });
});
