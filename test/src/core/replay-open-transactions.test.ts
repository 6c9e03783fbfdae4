// The open-transaction table of replay (src/core/replay-open-transactions.ts): events held in
// place, copied out of a buffer the reader is about to reuse (detachFrom), and handed over in order.
import { describe, expect, it } from 'vitest';
import { OpenTransactions } from '../../../src/core/replay-open-transactions.js';
import { putEntries, text } from './log-builder.js';

const texts = (events: readonly Uint8Array[]): string[] => events.map((e) => new TextDecoder().decode(e));

describe('OpenTransactions', () => {
  it('detachFrom copies every event held in the buffer, batches in place and added views alike, and nothing held elsewhere', () => {
    const shared = new Uint8Array(256).fill(0x5a);
    const other = new Uint8Array(64).fill(0x33);
    const table = new OpenTransactions();
    // 1: one batch of three entries left in place, with bytes of other frames after it.
    table.begin(1);
    putEntries(shared, 10, ['alpha', 'be', 'gamma'].map(text));
    table.addBatch(1, shared, 10, 3);
    // 2: events that are views of the shared buffer, then one of another buffer.
    table.begin(2);
    const end = putEntries(shared, 100, ['delta'].map(text));
    table.add(2, [shared.subarray(104, end)]);
    other.set(text('kept'), 0);
    const elsewhere = other.subarray(0, 4);
    table.add(2, [elsewhere]);
    // 3: a batch held in place in the other buffer only.
    table.begin(3);
    putEntries(other, 20, ['zeta', 'eta'].map(text));
    table.addBatch(3, other, 20, 2);

    table.detachFrom(shared.buffer);
    shared.fill(0xee);
    expect(table.entries().map(([lsn, events]) => [lsn, texts(events)])).toEqual([
      [1, ['alpha', 'be', 'gamma']],
      [2, ['delta', 'kept']],
      [3, ['zeta', 'eta']],
    ]);
    const two = table.commit(2, 9);
    expect(two?.events[1]).toBe(elsewhere);
    // The other buffer was not detached: its batch still reads through it.
    other.set(text('ZETA'), 24);
    other.set(text('ETA'), 32);
    expect(texts(table.commit(3, 10)?.events ?? [])).toEqual(['ZETA', 'ETA']);
    expect(texts(table.commit(1, 11)?.events ?? [])).toEqual(['alpha', 'be', 'gamma']);
  });

  it('hands out the open transactions oldest first, whatever closed between them, and forgets those closed', () => {
    const table = new OpenTransactions();
    for (const lsn of [1, 2, 3, 4]) table.begin(lsn);
    table.abort(2);
    table.begin(5);
    expect(table.commit(4, 6)?.beginLsn).toBe(4);
    table.begin(7);
    table.add(1, [text('a')]);
    expect(table.entries().map(([lsn]) => lsn)).toEqual([1, 3, 5, 7]);
    expect([1, 2, 3, 4, 5, 7].map((lsn) => table.isOpen(lsn))).toEqual([true, false, true, false, true, true]);
    expect(table.commit(2, 8)).toBeNull();
    table.dropAll();
    expect(table.entries()).toEqual([]);
  });
});
