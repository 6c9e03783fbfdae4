// poolStream, the scheduler crash-test runs its checks with: every item is run once, its result
// lands at the item's place, no more than `limit` tasks run at once (and as many as there is work
// for), and the iterable is read lazily: an item is taken only when a worker is free, and once it
// has said it is done it is never asked again (an iterator need not keep answering done).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { poolStream } from '../../../oracle/crash-test/check-stream.js';

/** An iterable over 0..n-1 that counts how often it is asked, and what it was asked after it ended. */
function counted(n: number) {
  const log = { nexts: 0, afterDone: 0 };
  let at = 0;
  const iterable: Iterable<number> = {
    [Symbol.iterator]: () => ({
      next: (): IteratorResult<number> => {
        log.nexts++;
        if (at >= n) {
          if (at++ > n) log.afterDone++;
          return { done: true, value: undefined };
        }
        return { done: false, value: at++ };
      },
    }),
  };
  return { iterable, log };
}

describe('poolStream', () => {
  it('runs every item once, results in item order, at most limit at once, reading the items lazily', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(12), fc.integer({ min: 0, max: 4 }), fc.infiniteStream(fc.integer({ min: 1, max: 4 })), async (n, limit, delays) => {
        const { iterable, log } = counted(n);
        let running = 0;
        let most = 0;
        const seen: number[] = [];
        const results = await poolStream(iterable, limit, async (item, index) => {
          expect(index).toBe(item);
          // Taken only when a worker is free: no item is read ahead of the tasks running.
          expect(log.nexts).toBe(item + 1);
          seen.push(item);
          running++;
          most = Math.max(most, running);
          // At least one turn, so that the first wave all start before any ends.
          for (let i = delays.next().value; i > 0; i--) await Promise.resolve();
          running--;
          return `r${item}`;
        });
        expect(results).toEqual(Array.from({ length: n }, (_, i) => `r${i}`));
        expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
        expect(most).toBe(Math.min(Math.max(1, limit), n));
        // Each worker may ask once more and hear done; none asks after the iterator said it.
        expect(log.afterDone).toBe(0);
        expect(log.nexts).toBe(n + 1);
      }),
      { numRuns: 100 },
    );
  });

  it('runs no task for no items, whatever the limit', async () => {
    // A task that throws, so that a pool that ran one past the end fails at once rather than spinning.
    const none = async (): Promise<number> => {
      throw new Error('a task ran with no item');
    };
    for (const limit of [0, 1, 3]) expect(await poolStream([], limit, none)).toEqual([]);
  });
});
