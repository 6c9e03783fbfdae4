// src/commit-points.ts keeps, for every commit of the session above the last checkpoint, whether
// it is a boundary or splits a transaction and, if it splits one, the oldest begin open across
// it, in one bit and two bytes an LSN. Whatever the commits, the distances down to their oldest
// open begin (near ones and ones too far for two bytes) and the checkpoints that drop a prefix, it
// answers what a plain map of every commit answers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommitPoints } from '../../src/commit-points.js';
import type { CommitPoint } from '../../src/core/checkpoint.js';

type Op = { readonly kind: 'commit'; readonly gap: number; readonly openAges: readonly number[] } | { readonly kind: 'drop'; readonly back: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('commit' as const),
      // LSNs skipped before the commit: begins and appends of this and other transactions.
      gap: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 70_000 })),
      // How far below the commit each open transaction began; none makes a boundary.
      openAges: fc.array(fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 65_530, max: 200_000 })), { maxLength: 3 }),
    }),
  },
  // A checkpoint at most 100 LSNs back, or one far below every LSN noted (below the base even),
  // which must change nothing.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), back: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 200_000 })) }) },
);

describe('CommitPoints', () => {
  it('answers, for every LSN above the last checkpoint, what a map of every commit of the session answers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000 }), fc.array(opArb, { maxLength: 40 }), (base, ops) => {
        const points = new CommitPoints(base);
        const reference = new Map<number, CommitPoint>();
        let lsn = base;
        let dropped = base;
        for (const op of ops) {
          if (op.kind === 'commit') {
            lsn += op.gap;
            // Open begins, oldest first, each at or above LSN 1 and below the commit; the oldest is noted.
            const begins = [...new Set(op.openAges.map((age) => Math.max(1, lsn - age)))].filter((b) => b < lsn).sort((a, b) => a - b);
            points.note(lsn, begins[0] ?? null);
            reference.set(lsn, begins.length === 0 ? { kind: 'boundary' } : { kind: 'split', txBeginLsn: begins[0]! });
          } else {
            // A fence below the last one (or below the base) forgets nothing more.
            points.dropThrough(lsn - op.back);
            dropped = Math.max(dropped, lsn - op.back);
          }
        }
        for (let probe = base - 2; probe <= lsn + 2; probe += probe < base + 50 || probe > lsn - 50 ? 1 : 997) {
          const answer = points.at(probe);
          const expected = reference.get(probe) ?? { kind: 'unknown' };
          // A checkpoint forgets whole bytes of bits: up to seven LSNs at or below its fence may stay
          // known (the checkpointer refuses those LSNs before asking), none above it is forgotten.
          if (probe > dropped) expect(answer).toEqual(expected);
          else if (probe > dropped - 8 && probe > base) expect([expected, { kind: 'unknown' }]).toContainEqual(answer);
          else expect(answer).toEqual({ kind: 'unknown' });
        }
        for (const [commitLsn, expected] of reference) {
          if (commitLsn > dropped) expect(points.at(commitLsn)).toEqual(expected);
          else if (commitLsn <= dropped - 8) expect(points.at(commitLsn)).toEqual({ kind: 'unknown' });
        }
      }),
      { numRuns: 300 },
    );
  });
});
