// The group-commit property (group-commit.test.ts runs it; test/model-based's regressions and a
// planted bug reuse it). Many concurrent committers under the group policy, interleaved by fc.scheduler: each writes a
// transaction, flushes (a write to the OS only) and awaits waitDurable(commitLsn); the background
// flusher runs at scheduled ticks. Checked against crash-sim's record of every operation:
//   - an acknowledgement never precedes the fsync that covers it: at the moment a committer is
//     acknowledged, the commit is intact in the disk image that holds only what was fsynced;
//   - the durable LSN never goes backwards (it is sampled at every file-system operation);
//   - a crash at any scheduled point keeps every commit acknowledged before it, and replays only
//     committed transactions with exactly their events.

import fc from 'fast-check';
import { expect, vi } from 'vitest';
import { SimFileSystem } from '../../crash-sim/sim-fs.js';
import type { SimKnobs } from '../../crash-sim/knobs.js';
import { openWal } from '../../src/index.js';
import { encoder } from '../model-based/world.js';
import { DIR, expectAcknowledgedOnStableStorage, expectCrashKeepsAcknowledged, expectDurableLsnNeverRegresses, INTERVAL_MS, syncOptionFor, type Tx } from './harness.js';

export interface ConcurrencyStats {
  runs: number;
  acknowledgements: number;
  crashStates: number;
}

export const concurrencyArbitraries = {
  scheduler: fc.scheduler(),
  committers: fc.integer({ min: 2, max: 6 }),
  ticks: fc.integer({ min: 0, max: 4 }),
  knobs: fc.record({ sectorBytes: fc.constantFrom(16, 64, 512), ordered: fc.boolean(), safeAppend: fc.boolean(), dirSync: fc.boolean() }),
  segmentTargetBytes: fc.constantFrom(96, 1 << 20),
  crashSeed: fc.nat(),
};

/** One scheduled run and its checks; throws (an expect failure) on any violation. */
export async function concurrentCommitters(
  s: fc.Scheduler,
  committers: number,
  ticks: number,
  knobs: SimKnobs,
  segmentTargetBytes: number,
  crashSeed: number,
  crashStatesPerPoint: number,
  stats: ConcurrencyStats,
): Promise<void> {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  const sim = new SimFileSystem(knobs);
  const { wal } = await openWal(DIR, { sync: syncOptionFor('group'), segmentTargetBytes, fs: sim });
  sim.setProbe(() => wal.durableLsn());
  const committed: Tx[] = [];
  const acks: { tx: Tx; atOp: number }[] = [];
  const crashPoints = new Set<number>();

  const committer = async (i: number): Promise<void> => {
    await s.schedule(Promise.resolve(`committer ${i} commits`));
    const events = [`c${i}`];
    const { beginLsn, commitLsn } = await wal.writeTransaction(events.map((e) => encoder.encode(e)));
    const tx = { beginLsn, commitLsn, events };
    committed.push(tx);
    await s.schedule(Promise.resolve(`committer ${i} flushes`));
    await wal.flush();
    crashPoints.add(sim.opLog.length);
    await wal.waitDurable(commitLsn);
    acks.push({ tx, atOp: sim.opLog.length });
    crashPoints.add(sim.opLog.length);
  };
  const flusher = async (): Promise<void> => {
    for (let tick = 0; tick < ticks; tick++) {
      await s.schedule(Promise.resolve(`flusher tick ${tick}`));
      vi.advanceTimersByTime(INTERVAL_MS);
      crashPoints.add(sim.opLog.length);
    }
  };
  let finished = false;
  const all = Promise.all([...Array.from({ length: committers }, (_, i) => committer(i)), flusher()]).then(() => {
    finished = true;
  });
  // Committers waiting for durability wait on the flusher, not on the scheduler: when the
  // scheduler has nothing left, let the flusher run, until everyone is acknowledged.
  for (let round = 0; round < 4 * committers + ticks + 4 && !finished; round++) {
    await s.waitAll();
    if (!finished) vi.advanceTimersByTime(INTERVAL_MS);
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(finished, 'every committer was acknowledged').toBe(true);
  await all;
  await wal.close();
  vi.useRealTimers();
  stats.runs += 1;
  stats.acknowledgements += acks.length;

  // The durable LSN, sampled at every operation, never goes backwards.
  expectDurableLsnNeverRegresses(sim);

  // An acknowledgement never precedes the fsync that covers it.
  expectAcknowledgedOnStableStorage(sim, DIR, acks);

  // A crash at any scheduled point keeps every commit acknowledged before it.
  for (const point of [...crashPoints].sort((a, b) => a - b)) {
    const owed = acks.filter((ack) => ack.atOp <= point).map((ack) => ack.tx);
    stats.crashStates += await expectCrashKeepsAcknowledged({ sim, point, owed, committed, maxStates: crashStatesPerPoint, seed: crashSeed + point, policy: 'group', segmentTargetBytes });
  }
}
