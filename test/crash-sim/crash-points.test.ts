// crash-sim/crash-points.ts: the streamed plan (planCrashStream, crash-test's) visits exactly the
// crash states of the plan held in memory (planCrashStates, explore's), in the same order, within
// the budget it announces, and holds no crash point it has handed on.
import { describe, expect, it } from 'vitest';
import { crashPointsOf, crashSpacesAlong, planCrashStates, planCrashStream } from '../../crash-sim/crash-points.js';
import { crashStatesOf, enumerateCrashStates } from '../../crash-sim/crash-states.js';
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

/** create, write, two acks, fsync, write, one ack: ops 0 to 6, marks at 2, 3 and 6. */
async function withMarks(): Promise<SimFileSystem> {
  const sim = new SimFileSystem(resolveKnobs({ sectorBytes: 64 }));
  const a = sim.open('/a', 'create-exclusive');
  a.write(new Uint8Array(10).fill(1), 0);
  sim.mark('ack-1');
  sim.mark('ack-2');
  await a.datasync();
  a.write(new Uint8Array(10).fill(2), 10);
  sim.mark('ack-3');
  return sim;
}

const statesOf = (space: Parameters<typeof crashStatesOf>[0]): string[] => [...crashStatesOf(space, { maxStates: 1000, seed: 1 })].map((s) => s.key);

describe('crash points of a log with marks', () => {
  it('a crash may strike after every op but a mark, and what the host knew there runs to the next op that is no mark, or to the log\'s last op', async () => {
    const sim = await withMarks();
    const log = sim.opLog;
    expect(log.map((op) => (op.kind === 'mark' ? op.label : op.kind))).toEqual(['create', 'write', 'ack-1', 'ack-2', 'fsync', 'write', 'ack-3']);
    const points = crashPointsOf(sim.knobs, log);
    expect(points.map((p) => [p.afterOp, p.contextEndOp])).toEqual([
      [0, 1],
      [1, 4],
      [4, 5],
      [5, 6],
    ]);
    // Each point's space is the log folded up to its op and no further.
    const spaces = points.map((p) => statesOf(p.space));
    expect(new Set(spaces.map((keys) => keys.join()))).toHaveLength(4);
  });

  it('firstOp leaves out the points before it, and crashPoints: end keeps only the last point, with the same knowledge', async () => {
    const sim = await withMarks();
    const log = sim.opLog;
    expect(crashPointsOf(sim.knobs, log, { firstOp: 2 }).map((p) => [p.afterOp, p.contextEndOp])).toEqual([
      [4, 5],
      [5, 6],
    ]);
    expect(crashPointsOf(sim.knobs, log, { firstOp: 5 }).map((p) => p.afterOp)).toEqual([5]);
    expect(crashPointsOf(sim.knobs, log, { firstOp: 6 })).toEqual([]);
    const end = crashPointsOf(sim.knobs, log, { crashPoints: 'end' });
    expect(end.map((p) => [p.afterOp, p.contextEndOp])).toEqual([[5, 6]]);
    expect(statesOf(end[0]!.space)).toEqual(statesOf(crashPointsOf(sim.knobs, log).at(-1)!.space));
    expect(crashPointsOf(sim.knobs, log, { crashPoints: 'end', firstOp: 6 })).toEqual([]);
  });

  it('crashSpacesAlong folds the ops over a start image and gives one space per op that is no mark: the spaces of the same crash points', async () => {
    const sim = await withMarks();
    const spaces = crashSpacesAlong(new SimFileSystem(sim.knobs), sim.opLog);
    expect(spaces.map(statesOf)).toEqual(crashPointsOf(sim.knobs, sim.opLog).map((p) => statesOf(p.space)));
  });

  it('a plan is exhaustive exactly when the spaces together fit the budget, and then visits every state of every space', async () => {
    const sim = await withMarks();
    const points = crashPointsOf(sim.knobs, sim.opLog);
    const total = points.reduce((sum, p) => sum + p.space.total, 0);
    const fits = planCrashStates(points, total, 3);
    expect([fits.spaceTotal, fits.exhaustive]).toEqual([total, true]);
    expect(fits.points.map((p) => [...p.states()].map((s) => s.key))).toEqual(points.map((p) => statesOf(p.space)));
    const streamed = planCrashStream(sim.knobs, sim.opLog, total, 3);
    expect([streamed.spaceTotal, streamed.exhaustive, streamed.budgetTotal]).toEqual([total, true, total]);
    const last = points.at(-1)!.space;
    expect(enumerateCrashStates(last, { maxStates: last.total, seed: 1 }).exhaustive).toBe(true);
    expect(enumerateCrashStates(last, { maxStates: last.total - 1, seed: 1 }).exhaustive).toBe(false);
    const short = planCrashStates(points, total - 1, 3);
    expect([short.spaceTotal, short.exhaustive]).toEqual([total, false]);
    // A budget of one state a point: each space is sampled, which yields at most its two extremes.
    const tight = planCrashStates(points, points.length, 3);
    const visited = tight.points.flatMap((p) => [...p.states()]).length;
    expect(total).toBeGreaterThan(2 * points.length);
    expect(visited).toBeLessThanOrEqual(2 * points.length);
  });
});

describe('sharing a budget among crash points (water filling)', () => {
  /** Eight crash points whose spaces hold 2, 1, 2, 4, 8, 16, 1 and 4 states (unordered 4-byte sectors). */
  async function spaces(): Promise<SimFileSystem> {
    const sim = new SimFileSystem(resolveKnobs({ sectorBytes: 4, ordered: false, safeAppend: true }));
    const a = sim.open('/a', 'create-exclusive');
    await sim.fsyncDir('/');
    for (let i = 0; i < 4; i++) a.write(new Uint8Array(4).fill(i + 1), 4 * i);
    await a.datasync();
    a.write(new Uint8Array(8).fill(9), 16);
    return sim;
  }

  // Smallest first, each space gets the smaller of its size and an even share of what is left:
  // with 20, the spaces of 1, 1, 2, 2, 4, 4, 8 and 16 get shares of 2, 2, 3, 3, 3, 3, 4 and 4, so
  // budgets of 1, 1, 2, 2, 3, 3, 4 and 4. With 10: 1 each, and 2 for the two largest (8 and 16).
  // A sampled space yields at least its two extremes, so a budget of 1 below its size gives 2.
  // With 30, the 8 and the 16 get 8 each: the 8 is whole and the 16 sampled.
  const cases = [
    { maxStates: 10, visited: [2, 1, 2, 2, 2, 2, 1, 2], budgetTotal: 14 },
    { maxStates: 20, visited: [2, 1, 2, 3, 4, 4, 1, 3], budgetTotal: 20 },
    { maxStates: 30, visited: [2, 1, 2, 3, 4, 5, 1, 3], budgetTotal: 30 },
    // Whole, a space yields its distinct images: fewer than its points where the sectors agree.
    { maxStates: 38, visited: [2, 1, 2, 3, 4, 5, 1, 3], budgetTotal: 38 },
  ];
  for (const c of cases) {
    it(`a budget of ${c.maxStates} visits ${c.visited.join(', ')} states at the eight points`, async () => {
      const sim = await spaces();
      const points = crashPointsOf(sim.knobs, sim.opLog);
      expect(points.map((p) => p.space.total)).toEqual([2, 1, 2, 4, 8, 16, 1, 4]);
      const held = planCrashStates(points, c.maxStates, 3);
      expect(held.points.map((p) => [...p.states()].length)).toEqual(c.visited);
      const streamed = planCrashStream(sim.knobs, sim.opLog, c.maxStates, 3);
      expect([streamed.budgetTotal, streamed.exhaustive]).toEqual([c.budgetTotal, c.maxStates >= 38]);
    });
  }
});

