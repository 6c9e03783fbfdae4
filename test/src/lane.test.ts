// src/lane.ts: the shell's first-in-first-out mutex. A free lane is taken at once (no promise for
// a synchronous body, whose value or throw comes back synchronously); a held lane queues its
// callers and hands itself to them one at a time in call order, however many wait; a body's
// throw or rejection releases the lane to the next caller.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Lane } from '../../src/lane.js';
import { nextTurn } from './helpers.js';


describe('Lane', () => {
  it('is taken at once when free, and not again until released', () => {
    const lane = new Lane();
    expect(lane.busy).toBe(false);
    expect(lane.tryTake()).toBe(true);
    expect(lane.busy).toBe(true);
    expect(lane.tryTake()).toBe(false);
    lane.release();
    expect(lane.busy).toBe(false);
    expect(lane.tryTake()).toBe(true);
  });

  it('hands a held lane to its waiters in call order, staying held until the last releases it', async () => {
    const lane = new Lane();
    lane.tryTake();
    const order: number[] = [];
    const waiters = [1, 2, 3, 4].map((n) => lane.take().then(() => order.push(n)));
    await nextTurn();
    expect(order).toEqual([]);
    for (let i = 1; i <= 4; i++) {
      lane.release();
      await nextTurn();
      expect(order).toEqual([1, 2, 3, 4].slice(0, i));
      expect(lane.busy).toBe(true);
      // Nobody else may take it while it passes from waiter to waiter.
      expect(lane.tryTake()).toBe(false);
    }
    await Promise.all(waiters);
    lane.release();
    expect(lane.busy).toBe(false);
  });

  it('runs a synchronous body at once on a free lane, handing back its value or its throw synchronously', () => {
    const lane = new Lane();
    expect(lane.runInOrder(() => 7)).toBe(7);
    expect(lane.busy).toBe(false);
    expect(() =>
      lane.runInOrder(() => {
        throw new Error('body failed');
      }),
    ).toThrow('body failed');
    expect(lane.busy).toBe(false);
  });

  it('holds the lane until an asynchronous body settles, whether it resolves or rejects', async () => {
    const lane = new Lane();
    let finish!: () => void;
    const first = lane.runInOrder(() => new Promise<string>((resolve) => (finish = () => resolve('first'))));
    expect(lane.busy).toBe(true);
    const second = lane.runInOrder(() => 'second');
    expect(second).toBeInstanceOf(Promise);
    finish();
    await expect(first).resolves.toBe('first');
    await expect(second).resolves.toBe('second');
    expect(lane.busy).toBe(false);
    await expect(lane.runInOrder(() => Promise.reject(new Error('late failure')))).rejects.toThrow('late failure');
    expect(lane.busy).toBe(false);
  });

  it('runs bodies queued behind a held lane in call order, any number of them, mixing run and runInOrder, through throws and rejections', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ via: fc.constantFrom('run', 'runInOrder'), outcome: fc.constantFrom('value', 'throw', 'reject', 'async') }), { minLength: 3, maxLength: 12 }), async (calls) => {
        const lane = new Lane();
        lane.tryTake();
        const started: number[] = [];
        let running = 0;
        const results = calls.map(({ via, outcome }, i) => {
          const body = (): number | Promise<number> => {
            started.push(i);
            running++;
            expect(running).toBe(1);
            running--;
            if (outcome === 'throw') throw new Error(`call ${i}`);
            if (outcome === 'reject') return Promise.reject(new Error(`call ${i}`));
            if (outcome === 'async') {
              running++;
              return new Promise((resolve) => setImmediate(() => {
                running--;
                resolve(i);
              }));
            }
            return i;
          };
          return Promise.resolve()
            .then(() => (via === 'run' ? lane.run(body) : lane.runInOrder(body)))
            .then(
              (value) => ['ok', value],
              (error: Error) => ['failed', error.message],
            );
        });
        // The calls are made in order before the lane is let go.
        await nextTurn();
        expect(started).toEqual([]);
        lane.release();
        const outcomes = await Promise.all(results);
        expect(started).toEqual(calls.map((_, i) => i));
        outcomes.forEach((o, i) => expect(o).toEqual(calls[i]?.outcome === 'throw' || calls[i]?.outcome === 'reject' ? ['failed', `call ${i}`] : ['ok', i]));
        expect(lane.busy).toBe(false);
      }),
      { numRuns: 100 },
    );
  });
});
