// crash-sim/crash-points.ts: the streamed plan (planCrashStream, crash-test's) visits exactly the
// crash states of the plan held in memory (planCrashStates, explore's), in the same order, within
// the budget it announces, and holds no crash point it has handed on.
import { describe, expect, it } from 'vitest';
import { crashPointsOf, planCrashStates, planCrashStream } from '../../crash-sim/crash-points.js';
import { resolveKnobs } from '../../crash-sim/knobs.js';
import { SimFileSystem } from '../../crash-sim/sim-fs.js';

async function history(knobs = resolveKnobs({ sectorBytes: 64 })): Promise<SimFileSystem> {
  const sim = new SimFileSystem(knobs);
  sim.mkdirp('/d');
  const a = sim.open('/d/a', 'create-exclusive');
  for (let i = 0; i < 6; i++) {
    a.write(new Uint8Array(100 + 37 * i).fill(i + 1), 50 * i);
    if (i % 2 === 1) await a.datasync();
  }
  const b = sim.open('/d/b', 'create-exclusive');
  b.write(new Uint8Array(300).fill(9), 0);
  sim.rename('/d/b', '/d/c');
  await sim.fsyncDir('/d');
  a.truncate(120);
  return sim;
}

const keysOf = (points: Iterable<{ states(): Iterable<{ key: string }> }>): string[] => [...points].flatMap((p) => [...p.states()].map((s) => s.key));

describe('the crash plan, held or streamed', () => {
  for (const maxStates of [10_000, 60, 5]) {
    it(`visits the same states in the same order with a budget of ${maxStates}`, async () => {
      for (const ordered of [true, false]) {
        const sim = await history(resolveKnobs({ sectorBytes: 64, ordered, safeAppend: ordered }));
        const held = planCrashStates(crashPointsOf(sim.knobs, sim.opLog), maxStates, 7);
        const streamed = planCrashStream(sim.knobs, sim.opLog, maxStates, 7);
        expect([streamed.pointCount, streamed.spaceTotal, streamed.exhaustive]).toEqual([held.points.length, held.spaceTotal, held.exhaustive]);
        const keys = keysOf(streamed.points());
        expect(keys).toEqual(keysOf(held.points));
        expect(keys.length).toBeLessThanOrEqual(streamed.budgetTotal);
        // A second pass folds the log again and gives the same states.
        expect(keysOf(streamed.points())).toEqual(keys);
      }
    });
  }

  it('reports each crash point as it sizes it', async () => {
    const sim = await history();
    const sized: number[] = [];
    const streamed = planCrashStream(sim.knobs, sim.opLog, 100, 1, { onSized: (points) => sized.push(points) });
    expect(sized).toEqual(Array.from({ length: streamed.pointCount }, (_, i) => i + 1));
  });
});
