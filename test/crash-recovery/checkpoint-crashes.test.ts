// OneEpochInv and EpochDurabilityInv on crash-sim: every crash state around every checkpoint of
// random workloads, under every combination of the knobs (ordered, safeAppend, dirSync, sector
// size), lost renames and lost directory entries included (checkpoint-crashes.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { budget } from '../model-based/run-config.js';
import { checkCheckpointCrashes, emptyStats, knobsArbitrary, stepsArbitrary } from './checkpoint-crashes.js';

const runs = budget.deep ? 400 : 25;

describe('checkpoint through the MANIFEST under crashes', () => {
  it(
    'OneEpochInv, EpochDurabilityInv and DurabilityInv hold in every crash state around every checkpoint, under every knob combination',
    async () => {
      const stats = emptyStats();
      const knobsSeen = new Set<string>();
      await fc.assert(
        fc.asyncProperty(knobsArbitrary, fc.constantFrom(64, 128, 4096), stepsArbitrary, fc.nat(), async (knobs, segmentTargetBytes, steps, seed) => {
          knobsSeen.add(`${knobs.ordered}/${knobs.safeAppend}/${knobs.dirSync}`);
          const violations = await checkCheckpointCrashes({ knobs, segmentTargetBytes, steps, statesPerPoint: budget.deep ? 64 : 12, seed }, stats);
          expect(violations, violations.join('\n\n')).toEqual([]);
        }),
        { numRuns: runs },
      );
      console.log(`checkpoint crashes: ${JSON.stringify(stats)}, knob combinations ${knobsSeen.size}`);
      expect(stats.checkpoints).toBeGreaterThan(runs / 2);
      // Both outcomes of a checkpoint interrupted between its rename and its commit point occur.
      expect(stats.newEpoch).toBeGreaterThan(0);
      expect(stats.oldEpoch).toBeGreaterThan(0);
    },
    budget.testTimeoutMs,
  );
});
