// crash-sim/crash-states.ts, directory entries checked against a small independent model: with
// dirSync on, for random creates, renames (over existing files too), unlinks and directory fsyncs
// in one directory, the entries of the crash states are exactly those of the durable entries with
// any subset of the undecided changes applied in issue order, each change whole. A rename is one
// change: it may be lost or kept, never half done, so a rename over an existing file leaves the
// target name naming the old file or the new one in every crash state, never neither. An unlink
// or a rename kept without the change that put its file under the name leaves the name alone.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crashSpace, enumerateCrashStates } from '../../crash-sim/crash-states.js';
import { resolveKnobs } from '../../crash-sim/knobs.js';
import { stateAfter } from '../../crash-sim/apply-op.js';
import type { SimOp } from '../../crash-sim/sim-state.js';

type Step = { readonly kind: 'create' | 'unlink'; readonly name: number } | { readonly kind: 'rename'; readonly from: number; readonly to: number } | { readonly kind: 'fsyncDir' };
type Change = { kind: 'set'; name: string; inode: number } | { kind: 'unlink'; name: string; inode: number } | { kind: 'rename'; from: string; to: string; inode: number };

// The random steps use the first three; 'd' is for the examples.
const NAMES = ['a', 'b', 'c', 'd'];
const knobs = resolveKnobs({ sectorBytes: 8, dirSync: true });

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), name: fc.nat(2) }),
  fc.record({ kind: fc.constant('unlink' as const), name: fc.nat(2) }),
  fc.record({ kind: fc.constant('rename' as const), from: fc.nat(2), to: fc.nat(2) }),
  fc.record({ kind: fc.constant('fsyncDir' as const) }),
);

/** The op log (skipping steps the live directory does not allow) and the model's entry sets at the end. */
function run(steps: readonly Step[]): { log: SimOp[]; expected: Set<string> } {
  const log: SimOp[] = [];
  const add = (o: Record<string, unknown>): void => void log.push({ ...o, index: log.length, durableLsnProbe: null } as SimOp);
  const live = new Map<string, number>();
  let durable = new Map<string, number>();
  let pending: Change[] = [];
  let nextInode = 1;
  for (const s of steps) {
    if (s.kind === 'create') {
      const name = NAMES[s.name] as string;
      if (live.has(name)) continue;
      const inode = nextInode++;
      add({ kind: 'create', path: `/${name}`, inode });
      // One durable byte of its own, so that files are told apart by content (states are distinct by image).
      add({ kind: 'write', path: `/${name}`, inode, offsetBytes: 0, data: new Uint8Array([inode]), writtenBytes: 1, errno: null });
      add({ kind: 'fsync', path: `/${name}`, inode, errno: null });
      live.set(name, inode);
      pending.push({ kind: 'set', name, inode });
    } else if (s.kind === 'unlink') {
      const name = NAMES[s.name] as string;
      const inode = live.get(name);
      if (inode === undefined) continue;
      add({ kind: 'unlink', path: `/${name}`, inode });
      live.delete(name);
      pending.push({ kind: 'unlink', name, inode });
    } else if (s.kind === 'rename') {
      const from = NAMES[s.from] as string;
      const to = NAMES[s.to] as string;
      const inode = live.get(from);
      if (inode === undefined || from === to) continue;
      add({ kind: 'rename', from: `/${from}`, to: `/${to}`, inode });
      live.delete(from);
      live.set(to, inode);
      pending.push({ kind: 'rename', from, to, inode });
    } else {
      add({ kind: 'fsyncDir', path: '/', errno: null });
      durable = applyAll(durable, pending);
      pending = [];
    }
  }
  const expected = new Set<string>();
  for (let mask = 0; mask < 1 << pending.length; mask++) expected.add(listing(applyAll(durable, pending.filter((_, i) => (mask >> i) & 1))));
  return { log, expected };
}

function applyAll(start: ReadonlyMap<string, number>, changes: readonly Change[]): Map<string, number> {
  const entries = new Map(start);
  for (const c of changes) {
    if (c.kind === 'set') entries.set(c.name, c.inode);
    else if (c.kind === 'unlink') {
      if (entries.get(c.name) === c.inode) entries.delete(c.name);
    } else {
      if (entries.get(c.from) === c.inode) entries.delete(c.from);
      entries.set(c.to, c.inode);
    }
  }
  return entries;
}

const listing = (entries: Iterable<readonly [string, number]>): string =>
  [...entries]
    .map(([name, inode]) => `${name}=${inode}`)
    .sort()
    .join(' ');

function check(steps: readonly Step[]): void {
  const { log, expected } = run(steps);
  const { states, exhaustive } = enumerateCrashStates(crashSpace(stateAfter(knobs, log, log.length)), { maxStates: 100_000, seed: 1 });
  expect(exhaustive).toBe(true);
  const actual = new Set(states.map((s) => listing([...s.files].map(([path, f]) => [path.slice(1), f.inode] as const))));
  expect([...actual].sort()).toEqual([...expected].sort());
}

describe('directory entries of crash states match an independent model (dirSync on)', () => {
  it('for random creates, renames, unlinks and directory fsyncs', () => {
    fc.assert(fc.property(fc.array(stepArb, { maxLength: 10 }), check), { numRuns: 200 });
  });

  it('for random renames, unlinks, creates and directory fsyncs over three durable files', () => {
    // Most of what an entry change must not touch is a durable file whose name another change
    // reuses: starting from three of them makes those histories common.
    const durable: Step[] = [{ kind: 'create', name: 0 }, { kind: 'create', name: 1 }, { kind: 'create', name: 2 }, { kind: 'fsyncDir' }];
    fc.assert(fc.property(fc.array(stepArb, { maxLength: 8 }), (steps) => check([...durable, ...steps])), { numRuns: 200 });
  });

  it('an unlink kept without the rename that brought its file under the name removes nothing: the durable file under the name survives', () => {
    // a (inode 1) and c (inode 2) are durable; then c is renamed over a, and a (now inode 2) is
    // unlinked. A crash that keeps the unlink and loses the rename must leave a naming inode 1:
    // the unlink removed inode 2, and no kept change removed inode 1. Were the unlink to remove
    // whatever the name holds, that crash would give "c=2" alone, an image no subset of the
    // changes makes.
    const steps: Step[] = [{ kind: 'create', name: 0 }, { kind: 'create', name: 2 }, { kind: 'fsyncDir' }, { kind: 'rename', from: 2, to: 0 }, { kind: 'unlink', name: 0 }];
    check(steps);
    const { expected } = run(steps);
    expect([...expected].sort()).toEqual(['', 'a=1 c=2', 'a=2']);
  });

  it('a rename kept without the change that brought its file under the source name leaves the name alone', () => {
    // a (inode 1) and b (inode 2) are durable; then a is renamed to c, b to a, and a (now inode 2)
    // to d. A crash that keeps only the last rename must keep a naming inode 1 beside d=2 and b=2:
    // the rename moved inode 2, and taking inode 1's name with it would give "b=2 d=2", an image
    // no subset of the changes makes.
    const steps: Step[] = [
      { kind: 'create', name: 0 },
      { kind: 'create', name: 1 },
      { kind: 'fsyncDir' },
      { kind: 'rename', from: 0, to: 2 },
      { kind: 'rename', from: 1, to: 0 },
      { kind: 'rename', from: 0, to: 3 },
    ];
    check(steps);
    expect(run(steps).expected).toContain('a=1 b=2 d=2');
  });

  it('a rename over a durable file keeps one of the two files under the target name', () => {
    const steps: Step[] = [{ kind: 'create', name: 0 }, { kind: 'create', name: 1 }, { kind: 'fsyncDir' }, { kind: 'rename', from: 0, to: 1 }];
    check(steps);
    const { log } = run(steps);
    const { states } = enumerateCrashStates(crashSpace(stateAfter(knobs, log, log.length)), { maxStates: 100, seed: 1 });
    for (const s of states) expect([1, 2]).toContain(s.files.get('/b')?.inode);
  });
});
