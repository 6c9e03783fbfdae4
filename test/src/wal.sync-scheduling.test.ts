// When the shell starts a sync on its own (src/wal.ts): under group with maxCommits, as soon as the
// maxCommits-th commit since the last sync is written, not at the flusher's next tick; and under
// per-commit, once for all the waitDurable calls of one turn of the event loop, not once each (a
// sync attempt per waiter is a lane hop per waiter, the cost the pipelined fsync exists to save).
// Counted in turns and in scheduled callbacks on the simulated file system, never timed.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimFileSystem } from '../../crash-sim/sim-fs.js';
import { openWal } from '../../src/index.js';
import type { Wal } from '../../src/wal.js';
import { ev, settlesWithin } from './helpers.js';

async function commits(wal: Wal, count: number): Promise<number> {
  let last = 0;
  for (let i = 0; i < count; i++) last = (await wal.writeTransaction([ev(`tx-${i}`)])).commitLsn;
  return last;
}

describe('the syncs the shell starts on its own', () => {
  afterEach(() => vi.restoreAllMocks());

  it('group with maxCommits: the maxCommits-th commit starts a sync at once, with the interval an hour away; fewer commits wait for the interval', async () => {
    const { wal } = await openWal('/wal', { sync: { mode: 'group', intervalMs: 3_600_000, maxCommits: 4 }, fs: new SimFileSystem() });
    const third = await commits(wal, 3);
    expect(await settlesWithin(wal.waitDurable(third), 50), 'three commits of four are not synced before the interval').toBe(false);
    const fourth = await commits(wal, 1);
    expect(await settlesWithin(wal.waitDurable(fourth), 50), 'the fourth commit starts a sync').toBe(true);
    expect(wal.durableLsn()).toBe(fourth);
    await wal.close();
  });

  it('per-commit: the waitDurable calls of one turn start one sync attempt between them, and every one of them resolves', async () => {
    const { wal } = await openWal('/wal', { sync: { mode: 'per-commit' }, fs: new SimFileSystem() });
    for (const waiters of [1, 2, 5]) {
      const lsns = [];
      for (let i = 0; i < waiters; i++) lsns.push((await wal.writeTransaction([ev(`w-${i}`)])).commitLsn);
      const scheduled = vi.spyOn(globalThis, 'setImmediate');
      const waits = lsns.map((lsn) => wal.waitDurable(lsn));
      expect(scheduled, `${waiters} waiters in one turn`).toHaveBeenCalledTimes(1);
      scheduled.mockRestore();
      await Promise.all(waits);
      expect(wal.durableLsn()).toBe(lsns.at(-1));
    }
    await wal.close();
  });
});
