// Planted bug: acknowledging durability before fsync (the write a flush makes under group and none
// advances the durable LSN over records only written to the OS).

import fc from 'fast-check';
import { expect, it, vi } from 'vitest';
import { concurrencyArbitraries as a, concurrentCommitters } from '../../concurrency/group-commit-property.js';
import { budget } from '../run-config.js';
import { describePlantedBug } from './catch-planted-bug.js';
import { concurrencyPin } from './pins.js';

vi.mock('../../../src/core/writer.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/core/writer.js')>();
  return {
    ...actual,
    writePending: (state: Parameters<typeof actual.writePending>[0]) => {
      const step = actual.writePending(state);
      if (!step.ok || state.config.syncMode === 'per-commit') return step;
      return { ...step, state: { ...step.state, durableLsn: step.state.writtenLsn } };
    },
  };
});

describePlantedBug('acknowledging durability before fsync', ['group', 'none'], () => {
    for (const pinned of [false, true]) {
      it(pinned ? 'the pinned concurrent counterexample still fails with the bug planted' : 'the concurrent committers test finds an acknowledgement that precedes its fsync', async () => {
        const stats = { runs: 0, acknowledgements: 0, crashStates: 0 };
        const details = await fc.check(
          fc.asyncProperty(a.scheduler, a.committers, a.ticks, a.knobs, a.segmentTargetBytes, a.crashSeed, (s, committers, ticks, knobs, target, seed) =>
            concurrentCommitters(s, committers, ticks, knobs, target, seed, 2, stats),
          ),
          pinned ? { ...concurrencyPin, endOnFailure: true } : { numRuns: budget.concurrentRuns },
        );
        const report = fc.defaultReportMessage(details) ?? '';
        if (process.env['WALREF_REPORT']) console.log(`planted bug "acknowledging durability before fsync" (concurrency):\n${report}`);
        expect(details.failed).toBe(true);
        expect(report).toMatch(/seed: -?\d+, path: "[\d:]+"/);
        expect(report).toMatch(/schedulerFor\(\)/);
      });
    }
});
