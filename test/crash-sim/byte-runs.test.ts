// crash-sim/byte-runs.ts's RunMap, checked against a plain array with one entry per byte: random
// sets, clears and queries over a short range, so that ranges at 0 and at the end, adjacent and
// overlapping ranges, equal and different values all come up often. After every change the run
// list must be exactly the array's maximal runs of equal values (sorted, disjoint, never empty, and
// adjacent runs with equal values merged), and every query must answer what the array says.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendRun, RunMap, type ByteRun } from '../../crash-sim/byte-runs.js';

/** Bytes the model holds; ranges reach one byte past them, so that runs may end at the very end. */
const SPAN = 24;
const LIMIT = SPAN + 2;

type Value = 'a' | 'b' | 'c';
type Model = (Value | undefined)[];

type Command =
  | { readonly kind: 'set'; readonly start: number; readonly end: number; readonly value: Value }
  | { readonly kind: 'clear'; readonly start: number; readonly end: number | undefined }
  | { readonly kind: 'within'; readonly start: number; readonly end: number; readonly gap: Value }
  | { readonly kind: 'firstGap'; readonly limit: number };

const position = fc.nat(SPAN);
const valueArb = fc.constantFrom<Value>('a', 'b', 'c');

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('set' as const), start: position, end: position, value: valueArb }) },
  // Clears to the end (as file-image.ts does), of a range, and of an empty or reversed range,
  // which clears nothing.
  {
    weight: 1,
    arbitrary: fc
      .record({ start: fc.nat(SPAN - 1), length: fc.option(fc.integer({ min: -2, max: SPAN }), { nil: undefined }) })
      .map(({ start, length }) => ({ kind: 'clear' as const, start, end: length === undefined ? undefined : Math.min(SPAN, start + length) })),
  },
  // Queries over any range, empty and reversed ones included: those answer with nothing.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('within' as const), start: fc.nat(LIMIT), end: fc.nat(LIMIT), gap: valueArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('firstGap' as const), limit: fc.nat(LIMIT) }) },
);

/** The maximal runs of equal values among [start, end) of the model; uncovered bytes are `gap`'s runs. */
function modelRuns(model: Model, start: number, end: number): ByteRun<Value | undefined>[] {
  const out: ByteRun<Value | undefined>[] = [];
  for (let at = start; at < end; at++) {
    const value = model[at];
    const last = out[out.length - 1];
    if (last !== undefined && last.endBytes === at && last.value === value) out[out.length - 1] = { ...last, endBytes: at + 1 };
    else out.push({ startBytes: at, endBytes: at + 1, value });
  }
  return out;
}

function run(commands: readonly Command[]): void {
  const map = new RunMap<Value>();
  const model: Model = new Array<Value | undefined>(LIMIT).fill(undefined);
  for (const c of commands) {
    if (c.kind === 'set' || c.kind === 'clear') {
      if (c.kind === 'set') map.set(c.start, c.end, c.value);
      else if (c.end === undefined) map.clear(c.start);
      else map.clear(c.start, c.end);
      const end = c.end ?? LIMIT;
      for (let at = c.start; at < end; at++) model[at] = c.kind === 'set' ? c.value : undefined;
      // The run list is the model's covered runs, merged: nothing else, nothing empty, nothing split.
      expect([...map.runs], `runs after ${JSON.stringify(c)}`).toEqual(modelRuns(model, 0, LIMIT).filter((r) => r.value !== undefined));
    } else if (c.kind === 'within') {
      const expected = modelRuns(model, c.start, c.end).map((r) => ({ ...r, value: r.value ?? c.gap }));
      expect(map.within(c.start, c.end, c.gap), JSON.stringify(c)).toEqual(expected);
    } else {
      const hole = model.findIndex((v, at) => at < c.limit && v === undefined);
      expect(map.firstGap(c.limit), JSON.stringify(c)).toBe(hole);
    }
  }
}

describe('RunMap against a byte-array model', () => {
  it('keeps merged, disjoint runs and answers every query as the model does', () => {
    fc.assert(fc.property(fc.array(commandArb, { maxLength: 40 }), run), { numRuns: 300 });
  });

  // Cases the random commands reach only sometimes, pinned.
  const set = (start: number, end: number, value: Value): Command => ({ kind: 'set', start, end, value });
  const within = (start: number, end: number, gap: Value = 'c'): Command => ({ kind: 'within', start, end, gap });
  const firstGap = (limit: number): Command => ({ kind: 'firstGap', limit });
  const cases: { name: string; commands: Command[] }[] = [
    { name: 'a range set next to an equal run merges with it on either side', commands: [set(0, 4, 'a'), set(8, 12, 'a'), set(4, 8, 'a')] },
    { name: 'a range set next to a different run stays apart', commands: [set(0, 4, 'a'), set(8, 12, 'b'), set(4, 8, 'b'), set(4, 8, 'a')] },
    { name: 'a range set inside a run splits it, and setting it back merges it again', commands: [set(0, 12, 'a'), set(4, 8, 'b'), set(4, 8, 'a')] },
    { name: 'a range that starts or ends where a run does', commands: [set(2, 6, 'a'), set(2, 4, 'b'), set(4, 6, 'c'), { kind: 'clear', start: 4, end: 6 }] },
    { name: 'queries that start and end on run edges, before, between and after the runs', commands: [set(2, 4, 'a'), set(6, 8, 'b'), within(2, 4), within(0, 6), within(4, 8), within(7, 20), within(8, 10)] },
    { name: 'an empty or reversed clear inside a run clears nothing and leaves the run whole', commands: [set(2, 10, 'a'), { kind: 'clear', start: 6, end: 6 }, { kind: 'clear', start: 6, end: 4 }, { kind: 'clear', start: 10, end: 2 }] },
    { name: 'empty and reversed queries answer with nothing', commands: [set(2, 8, 'a'), within(5, 5), within(6, 3), within(8, 8), within(10, 4)] },
    { name: 'firstGap at, below and past the first hole', commands: [set(0, 4, 'a'), set(6, 8, 'b'), firstGap(4), firstGap(5), firstGap(3), firstGap(8), set(4, 6, 'c'), firstGap(8), firstGap(9)] },
  ];
  for (const c of cases) it(c.name, () => run(c.commands));
});

describe('appendRun', () => {
  it('appends runs in order, merging a run into the last one only when it is adjacent and equal, and skipping an empty or reversed one', () => {
    const runs: ByteRun<string>[] = [];
    appendRun(runs, 0, 4, 'a');
    appendRun(runs, 4, 6, 'a'); // adjacent and equal: merged
    appendRun(runs, 8, 9, 'a'); // equal across a gap: apart
    appendRun(runs, 9, 12, 'b'); // adjacent, different: apart
    appendRun(runs, 12, 12, 'c'); // empty
    appendRun(runs, 14, 13, 'b'); // reversed
    expect(runs).toEqual([
      { startBytes: 0, endBytes: 6, value: 'a' },
      { startBytes: 8, endBytes: 9, value: 'a' },
      { startBytes: 9, endBytes: 12, value: 'b' },
    ]);
  });
});
