// The pinned shrunk counterexample of every planted bug, replayed against src/ as it is: each
// must pass. With its bug planted, each fails (see planted/); together they pin the bug's shape.

import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { concurrencyArbitraries as a, concurrentCommitters } from '../concurrency/group-commit-property.js';
import { modelBasedProperty } from './planted/catch-planted-bug.js';
import { concurrencyPin, pins } from './planted/pins.js';

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
});
