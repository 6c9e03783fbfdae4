// src/durable-waiters.ts: each waitDurable caller waits for one LSN; a settle resolves exactly the
// callers the durable LSN covers (at or below it) and keeps the rest, an error rejects every one
// still waiting, and the owner hears once when nobody is left waiting.
import { describe, expect, it } from 'vitest';
import { WalError } from '../../src/core/errors.js';
import { DurableWaiters } from '../../src/durable-waiters.js';
import { nextTurn } from './helpers.js';


function tracked(waiters: DurableWaiters, lsn: number): { state: () => string } {
  let state = 'pending';
  waiters.waitFor(lsn).then(
    () => (state = 'resolved'),
    (error: WalError) => (state = `rejected ${error.code}`),
  );
  return { state: () => state };
}

describe('DurableWaiters', () => {
  it('resolves the callers at or below the durable LSN, keeps the others, and hears when none is left', async () => {
    let none = 0;
    const waiters = new DurableWaiters(() => none++);
    const [a, b, c] = [3, 5, 8].map((lsn) => tracked(waiters, lsn));
    waiters.settle(5, null);
    await nextTurn();
    expect([a, b, c].map((w) => w?.state())).toEqual(['resolved', 'resolved', 'pending']);
    expect(none).toBe(0);
    waiters.settle(7, null);
    await nextTurn();
    expect(c?.state()).toBe('pending');
    waiters.settle(8, null);
    await nextTurn();
    expect(c?.state()).toBe('resolved');
    expect(none).toBe(1);
    // Nobody waits: a settle says nothing more.
    waiters.settle(9, null);
    expect(none).toBe(1);
  });

  it('rejects every caller still waiting with the error, those the durable LSN covers too', async () => {
    let none = 0;
    const waiters = new DurableWaiters(() => none++);
    const all = [1, 4, 9].map((lsn) => tracked(waiters, lsn));
    waiters.settle(4, new WalError({ code: 'Poisoned', reason: 'fsync failed' }));
    await nextTurn();
    expect(all.map((w) => w.state())).toEqual(['rejected Poisoned', 'rejected Poisoned', 'rejected Poisoned']);
    expect(none).toBe(1);
  });
});
