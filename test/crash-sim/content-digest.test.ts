// crash-sim/content-digest.ts tells crash images apart by their bytes (crash-states.ts keeps one
// state per digest). Random contents of a few slots, each slot absent, a chunk of zeros, or a short
// or whole chunk of bytes, over an empty file or over one of two external files of the same size,
// cut at a random size: two contents with different bytes always get different digests, and
// without external bytes, equal bytes always get equal digests, however the bytes are held. (With
// external bytes, a chunk written with the bytes the external file already holds may key apart:
// such images are checked twice, never judged wrongly; see the module's header.)
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentDigest } from '../../crash-sim/content-digest.js';
import { CHUNK_BYTES, FileContent, type ExternalBytes } from '../../crash-sim/file-content.js';

const SLOTS = 5;

/** An external file of four slots whose bytes depend on its id. */
function external(id: string): ExternalBytes {
  const seed = id.charCodeAt(id.length - 1);
  return {
    id,
    sizeBytes: 4 * CHUNK_BYTES,
    read: (offsetBytes, lengthBytes) => Uint8Array.from({ length: lengthBytes }, (_, i) => ((offsetBytes + i) * seed + 1) % 251 || 7),
  };
}
const EXTERNALS = { e1: external('e1'), e2: external('e2') };

type Slot = { readonly kind: 'absent' } | { readonly kind: 'zeros'; readonly length: number } | { readonly kind: 'bytes'; readonly value: number; readonly length: number };
interface Spec {
  readonly base: 'empty' | 'e1' | 'e2';
  readonly slots: readonly Slot[];
  readonly sizeBytes: number;
}

const lengthArb = fc.constantFrom(1, 10, CHUNK_BYTES - 1, CHUNK_BYTES);
const slotArb: fc.Arbitrary<Slot> = fc.oneof(
  fc.constant({ kind: 'absent' as const }),
  fc.record({ kind: fc.constant('zeros' as const), length: lengthArb }),
  fc.record({ kind: fc.constant('bytes' as const), value: fc.constantFrom(1, 2), length: lengthArb }),
);
// Sizes on, next to and between slot boundaries.
const sizeArb = fc.oneof(fc.integer({ min: 0, max: SLOTS }).chain((k) => fc.constantFrom(k * CHUNK_BYTES, Math.max(0, k * CHUNK_BYTES - 1), k * CHUNK_BYTES + 5)), fc.nat(SLOTS * CHUNK_BYTES));
const specArb = (bases: readonly Spec['base'][]): fc.Arbitrary<Spec> =>
  fc.record({ base: fc.constantFrom(...bases), slots: fc.array(slotArb, { minLength: SLOTS, maxLength: SLOTS }), sizeBytes: sizeArb });

function contentOf(spec: Spec): FileContent {
  let content = (spec.base === 'empty' ? FileContent.EMPTY : FileContent.external(EXTERNALS[spec.base])).resize(SLOTS * CHUNK_BYTES);
  spec.slots.forEach((slot, i) => {
    if (slot.kind === 'zeros') content = content.withChunk(i, new Uint8Array(slot.length));
    if (slot.kind === 'bytes') content = content.withChunk(i, new Uint8Array(slot.length).fill(slot.value));
  });
  return content.resize(Math.min(spec.sizeBytes, SLOTS * CHUNK_BYTES));
}

const sameBytes = (a: FileContent, b: FileContent): boolean => {
  const x = a.toBytes();
  const y = b.toBytes();
  return x.length === y.length && x.every((byte, i) => byte === y[i]);
};

describe('contentDigest', () => {
  it('gives equal digests exactly to equal bytes, without external bytes', () => {
    fc.assert(
      fc.property(specArb(['empty']), specArb(['empty']), (a, b) => {
        const [x, y] = [contentOf(a), contentOf(b)];
        expect(contentDigest(x) === contentDigest(y)).toBe(sameBytes(x, y));
      }),
      { numRuns: 300 },
    );
  });

  it('gives different digests to different bytes, over external files too', () => {
    fc.assert(
      fc.property(specArb(['empty', 'e1', 'e2']), specArb(['empty', 'e1', 'e2']), (a, b) => {
        const [x, y] = [contentOf(a), contentOf(b)];
        if (!sameBytes(x, y)) expect(contentDigest(x)).not.toBe(contentDigest(y));
      }),
      { numRuns: 300 },
    );
  });

  // Pairs the random ones reach only sometimes, pinned.
  const absent: Slot = { kind: 'absent' };
  const ones: Slot = { kind: 'bytes', value: 1, length: 10 };
  const twos: Slot = { kind: 'bytes', value: 2, length: 10 };
  const size = 3 * CHUNK_BYTES;
  const pairs: [string, Spec, Spec][] = [
    ['zeros between two chunks, or after them', { base: 'empty', slots: [ones, absent, twos], sizeBytes: size }, { base: 'empty', slots: [ones, twos, absent], sizeBytes: size }],
    ['two external files of the same size', { base: 'e1', slots: [], sizeBytes: size }, { base: 'e2', slots: [], sizeBytes: size }],
    ['zero runs of different lengths between and after the same chunks', { base: 'empty', slots: [ones, absent, twos, absent, absent], sizeBytes: 5 * CHUNK_BYTES }, { base: 'empty', slots: [ones, absent, absent, twos, absent], sizeBytes: 5 * CHUNK_BYTES }],
    // External bytes before and after the chunk in both.
    ['a chunk written at one slot or another of an external file', { base: 'e1', slots: [absent, ones], sizeBytes: 4 * CHUNK_BYTES }, { base: 'e1', slots: [absent, absent, ones], sizeBytes: 4 * CHUNK_BYTES }],
  ];
  for (const [name, a, b] of pairs) {
    it(`tells apart ${name}`, () => {
      const [x, y] = [contentOf(a), contentOf(b)];
      expect(sameBytes(x, y)).toBe(false);
      expect(contentDigest(x)).not.toBe(contentDigest(y));
    });
  }
});
