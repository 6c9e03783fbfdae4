// The group policy's background flusher (src/wal.ts) and the process's life: its timer is the only
// thing a Wal keeps scheduled, so whether it holds the event loop open is part of the contract.
//   - An idle WAL never keeps the process alive: while nobody waits for durability the timer is
//     unref'd (a host that forgets close() still exits).
//   - A waitDurable keeps the process alive until it settles: while one is pending the timer is
//     ref'd (a host whose last act is `await waitDurable(lsn)` sees it resolve, not the process
//     exit with the promise pending).
//   - The flusher runs while someone waits: a waiter is resolved by the timer alone.
// Checked on the timer object setInterval returned (hasRef), after every step of a random run of
// commits, waits, syncs and poison: never timed.

import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimFileSystem } from '../../crash-sim/sim-fs.js';
import { openWal } from '../../src/index.js';
import type { Wal } from '../../src/wal.js';
import { ev } from './helpers.js';

type Step = 'commit' | 'wait' | 'flush' | 'forceFsync' | 'poison' | 'close';

/** Opens a group WAL on the simulator and returns it with the flusher timer it scheduled. */
async function groupWal(intervalMs: number): Promise<{ wal: Wal; timer: NodeJS.Timeout }> {
  const spy = vi.spyOn(globalThis, 'setInterval');
  try {
    const { wal } = await openWal('/wal', { sync: { mode: 'group', intervalMs }, fs: new SimFileSystem() });
    const made = spy.mock.results.filter((r) => r.type === 'return').map((r) => r.value as NodeJS.Timeout);
    expect(made, 'the group WAL scheduled one flusher timer').toHaveLength(1);
    return { wal, timer: made[0] as NodeJS.Timeout };
  } finally {
    spy.mockRestore();
  }
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('the group flusher timer', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is scheduled by a group WAL only: per-commit and none schedule no timer', async () => {
    for (const sync of [{ mode: 'per-commit' }, { mode: 'none' }, undefined] as const) {
      const spy = vi.spyOn(globalThis, 'setInterval');
      const { wal } = await openWal('/wal', { ...(sync === undefined ? {} : { sync }), fs: new SimFileSystem() });
      await wal.close();
      expect(spy, `sync ${JSON.stringify(sync)}`).not.toHaveBeenCalled();
      spy.mockRestore();
    }
  });

  it('holds the process open exactly while a waitDurable is pending, whatever the calls before', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<Step>('commit', 'commit', 'wait', 'wait', 'flush', 'forceFsync', 'poison', 'close'), { minLength: 1, maxLength: 25 }),
        async (steps) => {
          // An interval far longer than the run: only the calls settle the waiters.
          const { wal, timer } = await groupWal(3_600_000);
          const pending = new Set<Promise<unknown>>();
          const log: string[] = [];
          try {
            expect(timer.hasRef(), 'a fresh WAL does not hold the process open').toBe(false);
            for (const step of steps) {
              if (step === 'commit') await wal.writeTransaction([ev('e')]).catch(() => undefined);
              else if (step === 'wait' && wal.nextLsn() > 1) {
                const waiting: Promise<unknown> = wal.waitDurable(wal.nextLsn() - 1).catch(() => undefined);
                pending.add(waiting);
                void waiting.finally(() => pending.delete(waiting));
              } else if (step === 'flush') await wal.flush().catch(() => undefined);
              else if (step === 'forceFsync') await wal.forceFsync().catch(() => undefined);
              else if (step === 'poison') wal.poison('the host quarantines it');
              else if (step === 'close') await wal.close().catch(() => undefined);
              await turn();
              log.push(`${step}: ${pending.size} pending, ref ${timer.hasRef()}`);
              expect(timer.hasRef(), `ref'd exactly while a waiter is pending; ${log.join('; ')}`).toBe(pending.size > 0);
            }
          } finally {
            await wal.close().catch(() => undefined);
          }
          expect(pending.size, `close() settled every waiter; ${log.join('; ')}`).toBe(0);
          expect(timer.hasRef(), 'a closed WAL does not hold the process open').toBe(false);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('resolves a waiter with no other call: the flusher runs while someone waits', async () => {
    const { wal, timer } = await groupWal(5);
    const { commitLsn } = await wal.writeTransaction([ev('waited for')]);
    await wal.waitDurable(commitLsn);
    expect(wal.durableLsn()).toBeGreaterThanOrEqual(commitLsn);
    expect(timer.hasRef()).toBe(false);
    await wal.close();
  });
});
