// src/core/open-begins.ts: the writer's open transactions as a persistent set. Whatever values
// are derived from whichever older ones, in any order and however often, each keeps answering as
// the plain sorted array it stands for.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OpenBegins } from '../../../src/core/open-begins.js';

type Op =
  | { readonly kind: 'begin'; readonly from: number; readonly gap: number }
  | { readonly kind: 'close'; readonly from: number; readonly pick: number };

// `from` picks the value to derive from, counted back from the newest: mostly the newest (the
// writer's usual step), sometimes an older one (a step computed again, a failed effect's `before`).
const fromArb = fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat(40) });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('begin' as const), from: fromArb, gap: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('close' as const), from: fromArb, pick: fc.nat() }) },
);

function expectSame(set: OpenBegins, members: readonly number[], probes: readonly number[]): void {
  expect(set.toArray()).toEqual(members);
  expect(set.size).toBe(members.length);
  expect(set.oldest()).toBe(members[0] ?? null);
  for (const lsn of probes) expect(set.has(lsn)).toBe(members.includes(lsn));
}

describe('OpenBegins', () => {
  it('every value answers as its plain array, whichever values are derived from which, and in what order', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 400 }), (ops) => {
        const values: { set: OpenBegins; members: number[] }[] = [{ set: OpenBegins.empty(), members: [] }];
        let next = 1;
        for (const op of ops) {
          const base = values[values.length - 1 - (op.from % values.length)]!;
          if (op.kind === 'begin') {
            next += op.gap;
            values.push({ set: base.set.with(next), members: [...base.members, next] });
          } else {
            // A member, or now and then an LSN that is none (which changes nothing).
            const lsn = op.pick % 5 === 0 || base.members.length === 0 ? (op.pick % next) + 1 : base.members[op.pick % base.members.length]!;
            values.push({ set: base.set.without(lsn), members: base.members.filter((m) => m !== lsn) });
          }
        }
        const probes = Array.from({ length: next + 2 }, (_, i) => i);
        for (const { set, members } of values) expectSame(set, members, probes);
      }),
      { numRuns: 200 },
    );
  });

  it('a long run of begins and closes on the newest value, the oldest left open throughout, keeps every member', () => {
    // Thousands of closed members accumulate behind one old open transaction: the store is
    // compacted many times, and the values made before each compaction still answer as before.
    let set = OpenBegins.empty().with(1);
    const kept: { set: OpenBegins; members: number[] }[] = [];
    let open = [1];
    for (let lsn = 2; lsn < 5_000; lsn += 2) {
      set = set.with(lsn);
      open.push(lsn);
      if (lsn % 3 === 0) {
        const closed = open[1]!;
        set = set.without(closed);
        open = open.filter((m) => m !== closed);
      }
      if (lsn % 500 === 0) kept.push({ set, members: [...open] });
    }
    expectSame(set, open, [0, 1, 2, 3, 4998, 4999, 5000]);
    for (const { set: older, members } of kept) expectSame(older, members, [0, 1, members[1]!, members.at(-1)!]);
  });

  it('is built from an ascending list, and refuses a begin LSN at or below one added before it', () => {
    const set = OpenBegins.of([3, 5, 9]);
    expectSame(set, [3, 5, 9], [2, 3, 4, 5, 9, 10]);
    expect(() => set.with(9)).toThrow(new RangeError('open transactions: a begin LSN 9 at or below 9, added before it'));
    // A closed member's LSN stays taken: a new begin must still be above it.
    expect(() => set.without(9).with(7)).toThrow(RangeError);
    expect(set.without(9).with(10).toArray()).toEqual([3, 5, 10]);
    expect(() => OpenBegins.of([4, 4])).toThrow(RangeError);
    expect(OpenBegins.empty().with(0).toArray()).toEqual([0]);
  });

  it('an older value closes on a copy of its own: a begin after that close never takes in the members its newer values added', () => {
    const older = OpenBegins.of([1, 2]);
    const newer = older.with(3);
    const closed = older.without(1);
    expect(closed.with(4).toArray()).toEqual([2, 4]);
    expect(newer.toArray()).toEqual([1, 2, 3]);
    expect(newer.with(5).toArray()).toEqual([1, 2, 3, 5]);
  });

  it('a begin on the newest value adds in place, closed members and all, until they pass twice the open ones plus 32', () => {
    // Ten begins, the five oldest closed: the store holds 10 entries for 5 members.
    let set = OpenBegins.of([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const lsn of [1, 2, 3, 4, 5]) set = set.without(lsn);
    expect(set.storeLength).toBe(10);
    expect(set.with(11).storeLength).toBe(11);
    // One open member and 33 closed: 34 entries is exactly 2 × 1 + 32, so the begin compacts first.
    const oneOpen = (entries: number): OpenBegins => {
      let one = OpenBegins.of(Array.from({ length: entries }, (_, i) => i + 1));
      for (let lsn = 2; lsn <= entries; lsn++) one = one.without(lsn);
      return one;
    };
    expect([oneOpen(34).size, oneOpen(34).storeLength]).toEqual([1, 34]);
    const compacted = oneOpen(34).with(35);
    expect([compacted.toArray(), compacted.storeLength]).toEqual([[1, 35], 2]);
    // One entry fewer, and it still adds in place.
    expect(oneOpen(33).with(34).storeLength).toBe(34);
  });

  it('closed members never hold more than twice the open ones plus 32 entries, however long the run', () => {
    let set = OpenBegins.empty().with(1);
    let most = 0;
    for (let lsn = 2; lsn < 2_000; lsn++) {
      set = set.with(lsn);
      most = Math.max(most, set.storeLength - (2 * set.size + 32));
      set = set.without(lsn);
    }
    expect(set.toArray()).toEqual([1]);
    expect(most).toBeLessThanOrEqual(1);
  });

  it('closing an LSN that is not a member gives the same value; JSON holds the members', () => {
    const set = OpenBegins.of([2, 4]);
    expect(set.without(3)).toBe(set);
    expect(set.without(2).without(2).toArray()).toEqual([4]);
    expect(JSON.stringify({ open: set })).toBe('{"open":[2,4]}');
    expect(OpenBegins.empty().oldest()).toBeNull();
  });
});
