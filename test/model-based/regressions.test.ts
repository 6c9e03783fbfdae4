// The pinned shrunk counterexample of every planted bug, replayed against src/ as it is: each
// must pass. With its bug planted, each fails (see planted/); together they pin the bug's shape.
// Counterexamples that fresh seeds found in src/ itself are pinned here too, as command lists.

import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { concurrencyArbitraries as a, concurrentCommitters } from '../concurrency/group-commit-property.js';
import { modelBasedProperty } from './planted/catch-planted-bug.js';
import { concurrencyPin, pins } from './planted/pins.js';
import { CrashDuringRecoverCommand } from './crash-during-recover-command.js';
import { newStats, runModel } from './run-model.js';
import { TransactionCommand } from './transaction-command.js';

describe('pinned counterexamples of the planted bugs pass against src/', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] }));
  afterEach(() => vi.useRealTimers());

  for (const [name, pin] of Object.entries(pins)) {
    it(`the pinned counterexample of "${name}" (${pin.commands}) passes`, async () => {
      const details = await fc.check(modelBasedProperty(pin.policies, pin.replayPath, 'profile' in pin ? pin.profile : 'all'), { seed: pin.seed, path: pin.path, endOnFailure: true });
      // A passing replay goes on with the runs after the pinned one; those must pass too.
      expect(details.failed, fc.defaultReportMessage(details) ?? '').toBe(false);
    });
  }

  it('the pinned concurrent counterexample of "acknowledging durability before fsync" passes', async () => {
    const stats = { runs: 0, acknowledgements: 0, crashStates: 0 };
    const details = await fc.check(
      fc.asyncProperty(a.scheduler, a.committers, a.ticks, a.knobs, a.segmentTargetBytes, a.crashSeed, (s, committers, ticks, knobs, target, seed) =>
        concurrentCommitters(s, committers, ticks, knobs, target, seed, 2, stats),
      ),
      { ...concurrencyPin, endOnFailure: true },
    );
    expect(details.failed, fc.defaultReportMessage(details) ?? '').toBe(false);
    expect(stats.acknowledgements).toBeGreaterThan(0);
  });

  // Found by a fresh seed (1948305194): the first crash left segment 1's only frame torn; recovery
  // wrote zeros behind the end, and a second power loss kept one sector of those zeros and lost
  // the others. The frame's own bytes there were zeros (high bytes of an LSN), so the kept sector
  // completed the torn frame and LSN 1 came back, which InterruptedRecoveryStates forbids. Recovery
  // now cuts the file at the end, durably, before it grows the file back.
  it('an interrupted recovery never completes a torn frame (fresh-seed counterexample: zeros behind the end, a second crash keeping some of them)', async () => {
    const stats = newStats();
    const config = { policy: 'group' as const, segmentTargetBytes: 64, knobs: { sectorBytes: 16, ordered: false, safeAppend: false, dirSync: true } };
    await runModel(config, [new TransactionCommand(1), new CrashDuringRecoverCommand(1917329233, 2, 297840296)], stats);
    expect(stats.crashes).toBe(2);
  });
});
