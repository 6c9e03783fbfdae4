// A small seeded generator (mulberry32) so that sampled crash states and garbage bytes are the
// same on every run with the same seed. Not for anything that needs real randomness.

export type Random = () => number;

/** Returns a function yielding uniformly distributed floats in [0, 1). */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, bound). */
export function randomInt(random: Random, bound: number): number {
  return Math.floor(random() * bound);
}

/** A deterministic garbage byte for position `at` of a region identified by `salt`. */
export function garbageByte(salt: number, at: number): number {
  let h = Math.imul(salt ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(at + 1, 0xc2b2ae35);
  h ^= h >>> 13;
  h = Math.imul(h, 0x27d4eb2f);
  h ^= h >>> 16;
  // Never zero, so garbage is always distinguishable from the zeros a hole reads as.
  return (h & 0xff) | 0x01;
}

/** FNV-1a over a sequence of byte arrays and strings; used to deduplicate crash images. */
export class Fnv {
  #h1 = 0x811c9dc5;
  #h2 = 0x01000193;

  bytes(data: Uint8Array): this {
    let h1 = this.#h1;
    let h2 = this.#h2;
    for (let i = 0; i < data.length; i++) {
      const b = data[i] ?? 0;
      h1 = Math.imul(h1 ^ b, 0x01000193);
      h2 = Math.imul(h2 ^ b, 0x5bd1e995);
    }
    this.#h1 = h1;
    this.#h2 = h2 ^ data.length;
    return this;
  }

  text(s: string): this {
    return this.bytes(new TextEncoder().encode(s + '\u0000'));
  }

  digest(): string {
    return (this.#h1 >>> 0).toString(16).padStart(8, '0') + (this.#h2 >>> 0).toString(16).padStart(8, '0');
  }
}
