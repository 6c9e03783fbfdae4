// crash-sim/prng.ts: the seeded generator, the garbage bytes and the digest.
//
// The generator's draws and the garbage bytes are pinned to known values: crash states are sampled
// by seed, reported with that seed and replayed from it, and a state that read garbage holds these
// very bytes, so a change to either would make an old seed name another state. (Seed 1's first
// draw is mulberry32's usual published test value.) The digest is pinned as well, so that a change
// to it is a deliberate one; what it must do is checked apart: tell apart inputs that differ in any
// one byte, in their length, or anywhere at random, around its 16-byte blocks and 4-byte words.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Digest, garbageByte, randomInt, seededRandom } from '../../crash-sim/prng.js';

const draws = (seed: number, count: number): number[] => {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => random());
};

/** A byte pattern with no zeros and no repeats within 64 bytes. */
const pattern = (length: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 37 + 11) & 0xff);
const digestOf = (bytes: Uint8Array): string => new Digest().bytes(bytes).digest();

describe('seededRandom and randomInt', () => {
  it('draw the same values for a seed as every earlier version did', () => {
    expect(draws(1, 4)).toEqual([0.6270739405881613, 0.002735721180215478, 0.5274470399599522, 0.9810509674716741]);
    expect(draws(0xdeadbeef, 3)).toEqual([0.9413696140982211, 0.26719574979506433, 0.772033357527107]);
    const random = seededRandom(7);
    expect(Array.from({ length: 8 }, () => randomInt(random, 1000))).toEqual([11, 61, 976, 699, 521, 405, 466, 239]);
  });

  it('draw floats in [0, 1) and integers in [0, bound), every one of them in time', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 6 }), (seed, bound) => {
        for (const x of draws(seed, 50)) expect(x >= 0 && x < 1, `${x}`).toBe(true);
        const random = seededRandom(seed);
        const seen = new Set<number>();
        for (let i = 0; i < 200; i++) {
          const n = randomInt(random, bound);
          expect(Number.isInteger(n) && n >= 0 && n < bound, `${n}`).toBe(true);
          seen.add(n);
        }
        // 200 draws miss one of at most 6 values with a chance below 6 * (5/6)^200, about 1e-15.
        expect(seen.size).toBe(bound);
      }),
      { numRuns: 50 },
    );
  });
});

describe('garbageByte', () => {
  it('gives the same bytes for a region and position as every earlier version did', () => {
    const cases: [number, number, number][] = [
      [0, 0, 243],
      [1, 0, 135],
      [1, 1, 199],
      [2, 4095, 37],
      [12345, 4096, 217],
    ];
    for (const [salt, at, byte] of cases) expect(garbageByte(salt, at), `salt ${salt}, at ${at}`).toBe(byte);
  });

  it('is never zero, so garbage never reads as a hole', () => {
    fc.assert(fc.property(fc.integer(), fc.nat(1 << 30), (salt, at) => garbageByte(salt, at) !== 0 && garbageByte(salt, at) <= 0xff));
  });
});

describe('Digest', () => {
  it('gives the same digests as every earlier version did', () => {
    expect(new Digest().digest()).toBe('9368e53c2792d9b17a1fd1e54f1bbcdc');
    const pinned: [number, string][] = [
      [0, '01e5dc32f46a81878db079688db85609'],
      [1, '66843135c15027abc6d8565e39809d2e'],
      [3, 'f0317db63153efafec31d006a6d54942'],
      [15, '318444f68ee6243342a84980ea8d3a67'],
      [16, '0d5ee2e8670e10516540ec5653b96324'],
      [17, '9027a7d51b0038579c6daed830a1caea'],
      [33, 'cc032821593415f4ae6dad86439c1d53'],
      [64, 'dff8f71fd4a568e8ed9cb2fce7deed5e'],
    ];
    for (const [length, digest] of pinned) expect(digestOf(pattern(length)), `${length} bytes`).toBe(digest);
    expect(new Digest().text('size 4096').digest()).toBe('29e7d6a00062fe89abb5beae3a5209db');
    expect(new Digest().bytes(pattern(20)).text('z3').digest()).toBe('3153678475f612b4ffe4ebdd370bbd21');
  });

  it('hashes a string as its UTF-8 bytes and a terminating NUL', () => {
    expect(new Digest().text('size 4096').digest()).toBe(digestOf(new TextEncoder().encode('size 4096\u0000')));
    expect(new Digest().text('').digest()).toBe(digestOf(Uint8Array.of(0)));
  });

  it('tells apart inputs of 0 to 64 bytes that differ in one byte at any position, or in their length', () => {
    const seen = new Map<string, string>();
    const add = (name: string, bytes: Uint8Array): void => {
      const digest = digestOf(bytes);
      expect(seen.get(digest), `${name} collides`).toBeUndefined();
      seen.set(digest, name);
    };
    for (let length = 0; length <= 64; length++) {
      add(`zeros(${length})`, new Uint8Array(length));
      // The empty pattern is zeros(0).
      if (length > 0) add(`pattern(${length})`, pattern(length));
      for (let at = 0; at < length; at++) {
        for (const flip of [0x01, 0x80]) {
          const bytes = pattern(length);
          bytes[at] = (bytes[at] as number) ^ flip;
          add(`pattern(${length}) ^ ${flip} at ${at}`, bytes);
        }
      }
    }
  });

  it('tells apart random distinct inputs, and always gives 32 hex digits', () => {
    const bytesArb = fc.uint8Array({ maxLength: 80 });
    fc.assert(
      fc.property(bytesArb, bytesArb, (a, b) => {
        for (const digest of [digestOf(a), digestOf(b)]) expect(digest).toMatch(/^[0-9a-f]{32}$/);
        const same = a.length === b.length && a.every((x, i) => x === b[i]);
        expect(digestOf(a) === digestOf(b)).toBe(same);
      }),
      { numRuns: 300 },
    );
  });
});
