// A small seeded generator (mulberry32) so that sampled crash states and garbage bytes are the
// same on every run with the same seed, and a digest for telling crash images apart. Not for
// anything that needs real randomness or a cryptographic hash.

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

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));

function fmix(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return x ^ (x >>> 16);
}

const C = [0x239b961b, 0xab0e9789, 0x38b34ae5, 0xa1e38b93] as const;
const ROT = [15, 16, 17, 18] as const;
const MIX = [0x561ccd1b, 0x0bcaa747, 0x96cd1c35, 0x32ac3b17] as const;

/**
 * A 128-bit digest of a sequence of byte arrays and strings (MurmurHash3 x86_128's block and
 * finalisation steps, each call seeded by the state before it); used to deduplicate crash images.
 * Not cryptographic. (An FNV-1a of two 32-bit lanes served before issue 17, and collided on
 * structured sector contents: distinct crash images were taken for one.)
 */
export class Digest {
  readonly #h = [0x9368e53c, 0x2792d9b1, 0x7a1fd1e5, 0x4f1bbcdc];

  bytes(data: Uint8Array): this {
    const h = this.#h;
    const blocks = data.length >>> 4;
    const word = (at: number): number => (data[at] ?? 0) | ((data[at + 1] ?? 0) << 8) | ((data[at + 2] ?? 0) << 16) | ((data[at + 3] ?? 0) << 24);
    for (let b = 0; b < blocks; b++) this.#block([word(b * 16), word(b * 16 + 4), word(b * 16 + 8), word(b * 16 + 12)], true);
    const tail = [0, 0, 0, 0];
    for (let at = blocks * 16; at < data.length; at++) tail[(at >>> 2) & 3] = (tail[(at >>> 2) & 3] as number) | ((data[at] ?? 0) << (8 * (at & 3)));
    if ((data.length & 15) !== 0) this.#block(tail, false);
    for (let i = 0; i < 4; i++) h[i] = (h[i] as number) ^ data.length;
    this.#finish();
    return this;
  }

  text(s: string): this {
    return this.bytes(new TextEncoder().encode(s + '\u0000'));
  }

  digest(): string {
    return this.#h.map((x) => (x >>> 0).toString(16).padStart(8, '0')).join('');
  }

  #block(k: readonly number[], full: boolean): void {
    const h = this.#h;
    for (let i = 0; i < 4; i++) {
      let x = Math.imul(k[i] as number, C[i] as number);
      x = rotl(x, ROT[i] as number);
      x = Math.imul(x, C[(i + 1) & 3] as number);
      h[i] = (h[i] as number) ^ x;
      if (!full) continue;
      h[i] = rotl(h[i] as number, 19 - 2 * i);
      h[i] = ((h[i] as number) + (h[(i + 1) & 3] as number)) | 0;
      h[i] = (Math.imul(h[i] as number, 5) + (MIX[i] as number)) | 0;
    }
  }

  #finish(): void {
    const h = this.#h;
    const add = (): void => {
      h[0] = ((h[0] as number) + (h[1] as number) + (h[2] as number) + (h[3] as number)) | 0;
      for (let i = 1; i < 4; i++) h[i] = ((h[i] as number) + (h[0] as number)) | 0;
    };
    add();
    for (let i = 0; i < 4; i++) h[i] = fmix(h[i] as number);
    add();
  }
}
