// oracle/explore/explore-history.ts and wal-api.ts: how the oracle compares and names
// transactions (every LSN and every byte of every event counts) and thrown errors (a WalError's
// code before its message, anything else as text), the words of every counterexample.
import { describe, expect, it } from 'vitest';
import { describeTx, describeTxs, sameEvents, sameTx, type ReplayedTx } from '../../../oracle/explore/explore-history.js';
import { describeError } from '../../../oracle/explore/wal-api.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('sameEvents and sameTx', () => {
  it('are equal only for the same events, byte for byte, in the same order', () => {
    expect(sameEvents([], [])).toBe(true);
    expect(sameEvents([bytes(1, 2), bytes()], [bytes(1, 2), bytes()])).toBe(true);
    expect(sameEvents([bytes(1, 2)], [bytes(1, 3)])).toBe(false);
    expect(sameEvents([bytes(1, 2)], [bytes(1, 2, 0)])).toBe(false);
    expect(sameEvents([bytes(1, 2, 0)], [bytes(1, 2)])).toBe(false);
    expect(sameEvents([bytes(1)], [bytes(1), bytes(2)])).toBe(false);
    expect(sameEvents([bytes(1), bytes(2)], [bytes(1)])).toBe(false);
    expect(sameEvents([bytes(1), bytes(2)], [bytes(2), bytes(1)])).toBe(false);
  });

  it('compares both LSNs and the events', () => {
    const tx: ReplayedTx = { beginLsn: 3, commitLsn: 5, events: [bytes(1)] };
    expect(sameTx(tx, { ...tx, events: [bytes(1)] })).toBe(true);
    expect(sameTx(tx, { ...tx, beginLsn: 4 })).toBe(false);
    expect(sameTx(tx, { ...tx, commitLsn: 6 })).toBe(false);
    expect(sameTx(tx, { ...tx, events: [bytes(2)] })).toBe(false);
  });
});

describe('describeTx and describeTxs', () => {
  it('names the LSNs and quotes each event as UTF-8', () => {
    expect(describeTx({ beginLsn: 12, commitLsn: 14, events: [text('a'), text('b"c')] })).toBe('[12..14] {"a", "b\\"c"}');
    expect(describeTx({ beginLsn: 1, commitLsn: 2, events: [] })).toBe('[1..2] {}');
    expect(describeTxs([])).toBe('(none)');
    expect(describeTxs([{ beginLsn: 1, commitLsn: 2, events: [] }, { beginLsn: 3, commitLsn: 4, events: [text('x')] }])).toBe('[1..2] {} [3..4] {"x"}');
  });
});

describe('describeError', () => {
  it('puts a code before the message, and gives anything else as text', () => {
    expect(describeError(Object.assign(new Error('write /wal/x failed: ENOSPC'), { code: 'IoError' }))).toBe('IoError: write /wal/x failed: ENOSPC');
    expect(describeError(new Error('plain'))).toBe('plain');
    expect(describeError(Object.assign(new Error('numbered'), { code: 5 }))).toBe('numbered');
    expect(describeError('a string')).toBe('a string');
    expect(describeError(42)).toBe('42');
  });
});
