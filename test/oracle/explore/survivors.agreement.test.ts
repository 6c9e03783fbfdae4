// survivors.ts and layout.ts + expected-replay.ts are two independent oracles for what a crash
// state holds intact, kept on purpose (docs/fault-model.md, "Two survivor computations"):
//   - survivingRecords reads the bytes alone: it walks the frames the writer handed to the OS by
//     their length prefixes and calls a frame intact when the crash image holds exactly its bytes.
//     The model-based tests hand its count to the model's Crash.
//   - expectedReplay knows from the history which records each write carried (layout.ts places
//     them by arithmetic) and compares placements with the image; walref explore checks recovery
//     against it.
// They share no code beyond docs/format.md's constants, so each checks the other: on every crash
// state of the example workloads, under every knob combination, they find the same intact
// records, and the bytes-alone walk never sees an LSN that the placements say did not survive.
// survivors.ts assumes the page cache holds only what the writer wrote, which is false right after
// an in-workload power loss (the cache is then the crash image, torn tail and all, until recovery
// cuts it): the comparison stops at a workload's first `crash` step. Past it they do differ (the
// bytes walk counts frames of the torn tail the crash kept); walref explore uses the placements.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crashPointsOf, planCrashStates } from '../../../crash-sim/crash-points.js';
import { segmentImages } from '../../../oracle/explore/disk-format.js';
import { expectedReplay } from '../../../oracle/explore/expected-replay.js';
import { buildLayout } from '../../../oracle/explore/layout.js';
import { runWorkload } from '../../../oracle/explore/run-workload.js';
import { survivingRecords } from '../../../oracle/explore/survivors.js';
import { parseWorkloadText } from '../../../oracle/explore/workload.js';
import { KNOB_COMBINATIONS, knobLabel, realOpenWal } from '../../crash-recovery/helpers.js';

const dir = join(import.meta.dirname, '../../../oracle/explore/workloads');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

describe('the two survivor computations agree', () => {
  for (const file of files) {
    it(`on every crash state of ${file}`, async () => {
      const parsed = parseWorkloadText(readFileSync(join(dir, file), 'utf8'));
      if (!parsed.ok) throw new Error(parsed.error);
      let compared = 0;
      for (const knobs of KNOB_COMBINATIONS) {
        const run = await runWorkload({ ...parsed.workload, knobs: { ...parsed.workload.knobs, ...knobs } }, realOpenWal);
        const layout = buildLayout(run.history, run.log);
        const plan = planCrashStates(crashPointsOf(run.knobs, run.log), 400, 1);
        const firstCrash = run.log.findIndex((op) => op.kind === 'crash');
        for (const { point, states } of plan.points) {
          if (firstCrash !== -1 && point.afterOp >= firstCrash) continue;
          for (const crash of states()) {
            const expected = expectedReplay(segmentImages(crash, run.history.dir), layout, point.afterOp + 1, 0);
            // A sealed segment that is not intact is no legal crash state: both oracles say so differently.
            if (expected.failure !== null) continue;
            const survivors = survivingRecords(crash, run.history.dir, run.log.slice(0, point.afterOp + 1));
            const where = `${knobLabel(knobs)}, crash after op ${point.afterOp}\n${crash.describe()}`;
            expect(survivors.intactLsns, `intact records, ${where}`).toEqual(expected.records.map((r) => r.lsn));
            expect(Math.max(0, ...survivors.intactLsns, survivors.strayLsn ?? 0), `highest surviving frame, ${where}`).toBeLessThanOrEqual(expected.maxSurvivingLsn);
            compared++;
          }
        }
      }
      expect(compared).toBeGreaterThan(0);
    });
  }
});
