// Named crash scenarios, each explored exhaustively under all four combinations of ordered ×
// safeAppend (dirSync on): zero violations of the recovery guarantee, plus one fact per scenario
// showing the exploration really reached the situation it is named after. Then every scenario under
// each other recovery policy, whose expected replay the oracle computes for that policy: absolute
// must refuse every torn crash state, point-in-time must recover as the default does (a legal
// crash damages only the active segment), skip-corrupted must replay every whole transaction the
// crash state holds (prefix aside, which it gives up).
import { describe, expect, it } from 'vitest';
import { runWorkload } from '../../oracle/explore/run-workload.js';
import type { ExploreResult } from '../../oracle/explore/explore.js';
import type { WorkloadStep } from '../../oracle/explore/workload.js';
import { KNOB_COMBINATIONS, decode, explore, knobLabel, realOpenWal, violationText, workload } from './helpers.js';

const recoveredEvents = (r: ExploreResult): string[][] =>
  r.details.map((d) => (d.recovered ?? []).flatMap((t) => t.events.map(decode)));
const survivals = (r: ExploreResult): string => r.details.map((d) => d.survival).join('\n');

interface Scenario {
  readonly name: string;
  readonly steps: readonly WorkloadStep[];
  readonly segmentTargetBytes?: number;
  readonly sync?: { mode: 'none' };
  readonly fact: (r: ExploreResult) => void;
}

/** Finds a seed whose mid-workload crash leaves a torn tail for recovery to cut off. */
async function tornTailSeed(steps: readonly WorkloadStep[], knobs: { ordered: boolean; safeAppend: boolean }): Promise<number> {
  for (let seed = 0; seed < 200; seed++) {
    const withSeed = steps.map((s) => ('crash' in s ? { crash: seed } : s));
    const run = await runWorkload(workload(withSeed, { ...knobs, sectorBytes: 64, dirSync: true }, { sync: { mode: 'none' } }), realOpenWal);
    if (run.history.sessions[1]?.tornTail === true) return seed;
  }
  throw new Error('no seed leaves a torn tail');
}

const scenarios: Scenario[] = [
  {
    name: 'crash right after commit before flush',
    steps: [{ tx: ['a'] }, { flush: true }, { tx: ['b'] }],
    fact: (r) => {
      expect(recoveredEvents(r)).toContainEqual(['a']);
      expect(recoveredEvents(r).flat()).not.toContain('b');
    },
  },
  {
    name: 'crash during rotation (old segment sealed, the prepared file renamed into place, directory not yet fsynced)',
    segmentTargetBytes: 60,
    steps: [{ tx: ['a'] }, { flush: true }, { tx: ['b'] }, { flush: true }, { tx: ['c'] }, { flush: true }],
    fact: (r) => {
      // (A crash state that lost the rename is the disk before it: the same image, counted once.)
      expect(survivals(r)).toMatch(/dir: rename \/wal\/00000000000000000002\.free -> \/wal\/00000000000000000002\.wal persisted/);
      expect(recoveredEvents(r)).toContainEqual(['a', 'b', 'c']);
    },
  },
  {
    name: 'crash during truncateUpTo',
    segmentTargetBytes: 60,
    steps: [{ tx: ['a'] }, { flush: true }, { tx: ['b'] }, { flush: true }, { tx: ['c'] }, { flush: true }, { tx: ['d'] }, { flush: true }, { truncateUpTo: 'lastCommit' }, { tx: ['e'] }, { flush: true }],
    fact: (r) => {
      // The freed segment is kept for reuse: renamed to a free file, not unlinked.
      expect(survivals(r)).toMatch(/dir: rename \/wal\/00000000000000000001\.wal -> \/wal\/00000000000000000001\.free lost/);
      expect(survivals(r)).toMatch(/dir: rename \/wal\/00000000000000000001\.wal -> \/wal\/00000000000000000001\.free persisted/);
      expect(recoveredEvents(r)).toContainEqual(['e']);
    },
  },
  {
    name: 'crash while writing into a reused segment (a freed segment renamed into place, its previous life behind the new frames)',
    segmentTargetBytes: 96,
    steps: [
      ...['a', 'b', 'c', 'd'].flatMap((e): WorkloadStep[] => [{ tx: [e] }, { flush: true }]),
      { truncateUpTo: 'lastCommit' },
      ...['e', 'f', 'g'].flatMap((e): WorkloadStep[] => [{ tx: [e] }, { flush: true }]),
    ],
    fact: (r) => {
      expect(survivals(r)).toMatch(/dir: rename \/wal\/00000000000000000001\.wal -> \/wal\/00000000000000000001\.free persisted/);
      expect(survivals(r)).toMatch(/dir: rename \/wal\/\d{20}\.free -> \/wal\/\d{20}\.wal persisted/);
      expect(recoveredEvents(r)).toContainEqual(['e', 'f', 'g']);
    },
  },
  {
    name: 'crash after a checkpoint marker',
    steps: [{ tx: ['a'] }, { flush: true }, { checkpointMarker: true }, { flush: true }, { tx: ['b'] }, { flush: true }],
    fact: (r) => expect(recoveredEvents(r)).toContainEqual(['a', 'b']),
  },
  {
    name: 'a frame torn across a sector boundary',
    steps: [{ tx: ['a'] }, { flush: true }, { tx: ['x'.repeat(150)] }, { flush: true }],
    fact: (r) => {
      const torn = r.details.filter((d) => d.files.some((f) => f.classes.includes('torn')));
      expect(torn.length).toBeGreaterThan(0);
      for (const d of torn) expect((d.recovered ?? []).map((t) => t.events.map(decode))).not.toContainEqual(['x'.repeat(150)]);
    },
  },
  {
    name: 'fsync EIO then further commits',
    steps: [{ tx: ['a'] }, { flush: true }, { tx: ['b'] }, { fault: 'fsync-eio' }, { flush: true }, { tx: ['c'] }, { flush: true }],
    fact: (r) => {
      expect(r.steps.filter((s) => !s.ok).map((s) => s.index)).toEqual([4, 5, 6]);
      expect(recoveredEvents(r)).toContainEqual(['a']);
      expect(recoveredEvents(r)).toContainEqual(['a', 'b']);
      expect(recoveredEvents(r).flat()).not.toContain('c');
    },
  },
  {
    name: 'ENOSPC mid-frame',
    steps: [{ tx: ['a'] }, { flush: true }, { tx: ['b', 'b'.repeat(60)] }, { fault: 'enospc' }, { flush: true }, { recover: true }, { tx: ['c'] }, { flush: true }],
    fact: (r) => {
      expect(r.steps[4]?.ok).toBe(false);
      expect(recoveredEvents(r).flat()).not.toContain('b');
      expect(recoveredEvents(r)).toContainEqual(['a', 'c']);
    },
  },
];

describe.each(KNOB_COMBINATIONS)('crash scenarios, $ordered ordered, $safeAppend safeAppend', (knobs) => {
  for (const scenario of scenarios) {
    it(`${scenario.name}: no violation in any crash state (${knobLabel(knobs)})`, async () => {
      const result = await explore(
        workload(scenario.steps, { ...knobs, sectorBytes: 64, dirSync: true }, scenario.segmentTargetBytes === undefined ? {} : { segmentTargetBytes: scenario.segmentTargetBytes }),
        { details: 100_000 },
      );
      expect(violationText(result)).toBe('');
      expect(result.violationCount).toBe(0);
      expect(result.exhaustive).toBe(true);
      scenario.fact(result);
    });
  }

  it(`recover after a torn tail, then more commits, then another crash: no violation (${knobLabel(knobs)})`, async () => {
    const steps: WorkloadStep[] = [
      { tx: ['a'] },
      { fsync: true },
      { tx: ['b'.repeat(100)] },
      { flush: true },
      { crash: 0 },
      { tx: ['c'] },
      { flush: true },
      { fsync: true },
      { tx: ['d'] },
      { flush: true },
    ];
    const seed = await tornTailSeed(steps, knobs);
    const withSeed = steps.map((s) => ('crash' in s ? { crash: seed } : s));
    const result = await explore(workload(withSeed, { ...knobs, sectorBytes: 64, dirSync: true }, { sync: { mode: 'none' } }), { details: 100_000 });
    expect(violationText(result)).toBe('');
    expect(result.exhaustive).toBe(true);
    expect(recoveredEvents(result)).toContainEqual(['a', 'c']);
  });
});

describe.each(['absolute', 'point-in-time', 'skip-corrupted'] as const)('crash scenarios under the %s recovery policy', (recovery) => {
  for (const knobs of [KNOB_COMBINATIONS[0]!, KNOB_COMBINATIONS[KNOB_COMBINATIONS.length - 1]!]) {
    for (const scenario of scenarios) {
      it(`${scenario.name}: the recovery that policy's column gives, in every crash state (${knobLabel(knobs)})`, async () => {
        const result = await explore(
          workload(scenario.steps, { ...knobs, sectorBytes: 64, dirSync: true }, scenario.segmentTargetBytes === undefined ? {} : { segmentTargetBytes: scenario.segmentTargetBytes }),
          { recovery },
        );
        expect(violationText(result)).toBe('');
        expect(result.exhaustive).toBe(true);
      });
    }
  }
});

describe('the recovery policies reach what they are about in crash states', () => {
  // Two transactions in one unsynced write on an unordered disk that may grow over holes: a crash
  // can keep the second's frames and lose a sector of the first's (frames after a torn spot, R10).
  const steps: WorkloadStep[] = [{ tx: ['a'] }, { flush: true }, { tx: ['b'.repeat(40)] }, { tx: ['c'] }, { fsync: true }];
  const unordered = { ordered: false, safeAppend: false, sectorBytes: 32, dirSync: true };
  const byKey = (r: ExploreResult): Map<string, ExploreResult['details'][number]> => new Map(r.details.map((d) => [`${d.crashAfterOp}|${d.key}`, d]));

  it('absolute refuses some crash states with Damaged, and skip-corrupted recovers a transaction the default cuts off with a torn tail', async () => {
    const w = workload(steps, unordered, { sync: { mode: 'none' } });
    const [byDefault, absolute, skip] = await Promise.all([
      explore(w, { details: 100_000 }),
      explore(w, { details: 100_000, recovery: 'absolute' }),
      explore(w, { details: 100_000, recovery: 'skip-corrupted' }),
    ]);
    for (const r of [byDefault, absolute, skip]) expect(violationText(r)).toBe('');
    expect(absolute.details.some((d) => d.recovered === null && (d.error ?? '').startsWith('Damaged'))).toBe(true);
    const defaults = byKey(byDefault);
    const more = skip.details.filter((d) => (d.recovered?.length ?? 0) > (defaults.get(`${d.crashAfterOp}|${d.key}`)?.recovered?.length ?? 0));
    expect(more.length).toBeGreaterThan(0);
  });
});
