import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { concurrencyArbitraries as a, concurrentCommitters, type ConcurrencyStats } from './group-commit-property.js';
import { assertTimeLimited, budget } from '../model-based/run-config.js';

const stats: ConcurrencyStats = { runs: 0, acknowledgements: 0, crashStates: 0 };
const crashStatesPerPoint = budget.deep ? 24 : 6;

describe('model-based: concurrent committers under the group policy (fc.scheduler)', () => {
  afterAll(() => {
    if (process.env['WALREF_REPORT']) {
      console.log(`concurrency: ${stats.runs} runs, ${stats.acknowledgements} acknowledgements, ${stats.crashStates} crash states`);
    }
  });

  it('an acknowledgement never precedes its fsync, the durable LSN never goes backwards, and a crash at any scheduled point keeps every acknowledged commit', async () => {
    await assertTimeLimited(
      'concurrent committers',
      fc.asyncProperty(a.scheduler, a.committers, a.ticks, a.knobs, a.segmentTargetBytes, a.crashSeed, (s, committers, ticks, knobs, target, seed) =>
        concurrentCommitters(s, committers, ticks, knobs, target, seed, crashStatesPerPoint, stats),
      ),
      { numRuns: budget.concurrentRuns, minRuns: budget.minConcurrentRuns },
    );
  }, budget.testTimeoutMs);
});
