// src/core/replay-policy-machine.ts fed in chunks that may end anywhere (the logs of
// chunk-cases.ts), under every recovery policy. A chunk that ends inside a damaged frame sends the
// frame through the carry, and the policy decides what reads the rest of the chunk: the scan behind
// a torn spot, a resync (skip-corrupted), a cut (point-in-time), or nothing once the segment is
// over. Wherever the chunks end, the result, the report and the transactions delivered must be
// the ones of the whole segments. The whole replays under each policy are pinned by
// replay.policies.test.ts; here they are the reference.
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecoveryPolicy } from '../../../src/core/errors.js';
import { ReplayPolicyMachine } from '../../../src/core/replay-policy-machine.js';
import { cases, feed, paths, split, type Case, type Fed } from './chunk-cases.js';

const policies: readonly RecoveryPolicy[] = ['tolerate-torn-tail', 'absolute', 'point-in-time', 'skip-corrupted'];

const feedUnder = (policy: RecoveryPolicy, c: Case, chunksOf: (index: number, bytes: Uint8Array) => Uint8Array[], copyEvents: boolean): Fed =>
  feed((options) => new ReplayPolicyMachine({ ...options, policy }), c.segments, chunksOf, copyEvents);

const whole = (policy: RecoveryPolicy, c: Case, copyEvents: boolean): Fed => feedUnder(policy, c, (_, bytes) => [bytes], copyEvents);

describe('the policy machine fed in chunks', () => {
  it('gives the same result under every policy, split in two at any position of any one segment', () => {
    for (const policy of policies) {
      for (const c of cases) {
        for (const copyEvents of paths) {
          const expected = whole(policy, c, copyEvents);
          for (const [target, s] of c.segments.entries()) {
            for (let at = 1; at < s.bytes.length; at++) {
              const fed = feedUnder(policy, c, (i, bytes) => (i === target ? split(bytes, [at]) : [bytes]), copyEvents);
              // expect() only on a difference: thousands of deep comparisons through it take seconds.
              if (!isDeepStrictEqual(fed, expected)) expect(fed, `${policy}: ${c.name}, segment ${target} split at ${at}, copyEvents ${copyEvents}`).toEqual(expected);
            }
          }
        }
      }
    }
  });

  it('gives the same result under every policy one byte per chunk', () => {
    for (const policy of policies) {
      for (const c of cases) {
        const fed = feedUnder(policy, c, (_, bytes) => Array.from(bytes, (_b, i) => bytes.slice(i, i + 1)), false);
        expect(fed, `${policy}: ${c.name}`).toEqual(whole(policy, c, false));
      }
    }
  });

  it('gives the same result under every policy cut anywhere into any number of chunks', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...policies),
        fc.nat(cases.length - 1),
        fc.array(fc.array(fc.nat(400), { maxLength: 8 }), { minLength: 3, maxLength: 3 }),
        fc.boolean(),
        (policy, index, cuts, copyEvents) => {
          const c = cases[index]!;
          expect(feedUnder(policy, c, (i, bytes) => split(bytes, cuts[i % cuts.length]!), copyEvents)).toEqual(whole(policy, c, copyEvents));
        },
      ),
      { numRuns: 200 },
    );
  });
});
