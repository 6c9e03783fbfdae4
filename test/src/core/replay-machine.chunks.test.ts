// src/core/replay-machine.ts is fed chunks that may end anywhere (the logs of chunk-cases.ts).
// Wherever the chunks end, the machine must deliver the same transactions and return the same
// summary or typed error as when each segment comes whole. Each log's whole replay is pinned as
// well, so the two paths cannot agree on a wrong answer.
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReplayMachine } from '../../../src/core/replay-machine.js';
import { cases, feed as feedAny, paths, split, type Case, type Fed } from './chunk-cases.js';
import type { SegmentInput } from './log-builder.js';

const feed = (segments: readonly SegmentInput[], chunksOf: (index: number, bytes: Uint8Array) => Uint8Array[], copyEvents: boolean): Fed =>
  feedAny((options) => new ReplayMachine(options), segments, chunksOf, copyEvents);
const whole = (c: Case, copyEvents: boolean): Fed => feed(c.segments, (_, bytes) => [bytes], copyEvents);

describe('the replay machine fed in chunks', () => {
  it('replays each of these logs whole as expected', () => {
    for (const c of cases) {
      for (const copyEvents of paths) {
        const { result, transactions } = whole(c, copyEvents);
        if ('error' in c.whole) expect(result.ok ? 'an outcome' : result.error.code, c.name).toBe(c.whole.error);
        else expect(result.ok && result.value, c.name).toMatchObject(c.whole);
        expect(transactions.map((t) => (t as { beginLsn: number }).beginLsn), c.name).toEqual(c.delivered);
      }
    }
  });

  it('gives the same result, split in two at any position of any one segment', () => {
    for (const c of cases) {
      for (const copyEvents of paths) {
        const expected = whole(c, copyEvents);
        for (const [target, s] of c.segments.entries()) {
          for (let at = 1; at < s.bytes.length; at++) {
            const fed = feed(c.segments, (i, bytes) => (i === target ? split(bytes, [at]) : [bytes]), copyEvents);
            // expect() only on a difference: thousands of deep comparisons through it take seconds.
            if (!isDeepStrictEqual(fed, expected)) expect(fed, `${c.name}, segment ${target} split at ${at}, copyEvents ${copyEvents}`).toEqual(expected);
          }
        }
      }
    }
  });

  it('gives the same result one byte per chunk', () => {
    for (const c of cases) {
      for (const copyEvents of paths) {
        const fed = feed(c.segments, (_, bytes) => Array.from(bytes, (_b, i) => bytes.slice(i, i + 1)), copyEvents);
        expect(fed, `${c.name}, copyEvents ${copyEvents}`).toEqual(whole(c, copyEvents));
      }
    }
  });

  it('gives the same result cut anywhere into any number of chunks', () => {
    fc.assert(
      fc.property(
        fc.nat(cases.length - 1),
        fc.array(fc.array(fc.nat(400), { maxLength: 8 }), { minLength: 3, maxLength: 3 }),
        fc.boolean(),
        (index, cuts, copyEvents) => {
          const c = cases[index]!;
          const fed = feed(c.segments, (i, bytes) => split(bytes, cuts[i % cuts.length]!), copyEvents);
          expect(fed).toEqual(whole(c, copyEvents));
        },
      ),
      { numRuns: 300 },
    );
  });
});
