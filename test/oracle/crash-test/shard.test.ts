// Shards split the plan's list of crash states by index: every state in exactly one shard, the
// same split every time; k/n is checked.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShard, parseShard, selectShard } from '../../../oracle/crash-test/shard.js';

describe('shards', () => {
  it('state i goes to shard (i mod n) + 1: together the shards hold every state once, in plan order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 12 }), (count, n) => {
        const planned = Array.from({ length: count }, (_, i) => i);
        const shards = Array.from({ length: n }, (_, k) => selectShard(planned, { k: k + 1, n }));
        expect(shards.flat().sort((a, b) => a - b)).toEqual(planned);
        for (const [k, shard] of shards.entries()) for (const i of shard) expect(i % n).toBe(k);
        for (const shard of shards) expect(Math.max(...shards.map((s) => s.length)) - shard.length).toBeLessThanOrEqual(1);
      }),
    );
    expect(selectShard(['a', 'b', 'c', 'd', 'e'], { k: 2, n: 2 })).toEqual(['b', 'd']);
  });

  it('--shard reads k/n with 1 ≤ k ≤ n; anything else is BadOption naming --shard', () => {
    expect(parseShard('3/8')).toEqual({ k: 3, n: 8 });
    expect(parseShard('1/1')).toEqual({ k: 1, n: 1 });
    expect(parseShard(' 12/16\n')).toEqual({ k: 12, n: 16 });
    for (const bad of ['0/4', '5/4', '1/0', '2', 'a/b', '1/2/3', '-1/2', '1.5/2']) {
      expect(() => parseShard(bad)).toThrow(expect.objectContaining({ code: 'BadOption', message: expect.stringContaining('--shard') }));
    }
  });

  it('a share is valid only with whole numbers 1 ≤ k ≤ n, whoever built it', () => {
    const valid = [[1, 1], [1, 3], [3, 3]];
    const invalid = [[0, 3], [4, 3], [1, 0], [1.5, 3], [1, 2.5], [Number.NaN, 3], [1, Number.POSITIVE_INFINITY], [2 ** 53, 2 ** 53 + 2]];
    for (const [k, n] of valid) expect(isShard({ k: k!, n: n! }), `${k}/${n}`).toBe(true);
    for (const [k, n] of invalid) expect(isShard({ k: k!, n: n! }), `${k}/${n}`).toBe(false);
  });
});
