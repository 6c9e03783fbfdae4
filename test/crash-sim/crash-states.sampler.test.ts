// crashStatesOf's sampler, on crash spaces built by hand, so that the number of distinct images a
// space holds is known: it takes the two extremes first, never yields one image twice, and spends
// at most four draws per state it may yield, whatever the space.
import { describe, expect, it } from 'vitest';
import { crashStatesOf, type CrashSpace, type CrashState } from '../../crash-sim/crash-states.js';
import { resolveKnobs } from '../../crash-sim/knobs.js';

/** A space of `axes` whose point's image is `imageOf(choice)`; it counts the points it builds. */
function countingSpace(axes: readonly number[], imageOf: (choice: readonly number[]) => string): CrashSpace & { builds: number } {
  const knobs = resolveKnobs({});
  const space = {
    axes,
    total: axes.reduce((a, b) => a * b, 1),
    builds: 0,
    build(choice: readonly number[]): CrashState {
      space.builds++;
      return {
        choice,
        key: imageOf(choice),
        knobs,
        files: new Map(),
        dirs: [],
        dirOps: [],
        image: () => {
          throw new Error('not needed');
        },
        describe: () => imageOf(choice),
      };
    },
  };
  return space;
}

describe('crash-sim: the sampler of a crash space larger than maxStates', () => {
  it('spends 4 × maxStates draws in all, the two extremes among them, when the space holds fewer images than that', () => {
    for (const maxStates of [3, 5, 40]) {
      // Two images only: the all-zero point and every other point.
      const space = countingSpace([50, 50, 50], (choice) => (choice.every((c) => c === 0) ? 'nothing survived' : 'something survived'));
      const states = [...crashStatesOf(space, { maxStates, seed: 7 })];
      expect(states.map((s) => s.key), `maxStates ${maxStates}`).toEqual(['nothing survived', 'something survived']);
      expect(space.builds, `maxStates ${maxStates}`).toBe(4 * maxStates);
    }
  });

  it('yields both extremes whatever the budget, even a budget of one (the plan counts them: crash-points.ts)', () => {
    const space = countingSpace([50, 50], (choice) => choice.join(','));
    expect([...crashStatesOf(space, { maxStates: 1, seed: 1 })].map((s) => s.key)).toEqual(['0,0', '49,49']);
    expect(space.builds).toBe(2);
  });

  it('stops drawing as soon as it has maxStates distinct images', () => {
    const space = countingSpace([1000, 1000], (choice) => choice.join(','));
    const states = [...crashStatesOf(space, { maxStates: 20, seed: 3 })];
    expect(states).toHaveLength(20);
    expect(new Set(states.map((s) => s.key)).size).toBe(20);
    expect(states[0]?.choice).toEqual([0, 0]);
    expect(states[1]?.choice).toEqual([999, 999]);
    // A million points and distinct images: a repeat among 20 draws is unlikely, and seed 3 has none.
    expect(space.builds).toBe(20);
  });
});
