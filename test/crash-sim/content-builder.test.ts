// crash-sim/content-builder.ts against a plain byte array: random writes and resizes (cuts and
// growths, on and next to slot boundaries) over an empty base, a base of bytes, or an external
// file. What build() gives must hold the model's bytes, and keep FileContent's invariant (no chunk
// at or past the size, file-content.ts): a chunk past the size would show in the content's extents,
// which is what crash-test writes to disk.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ContentBuilder } from '../../crash-sim/content-builder.js';
import { CHUNK_BYTES, FileContent, type ExternalBytes } from '../../crash-sim/file-content.js';

const SLOTS = 3;
const external: ExternalBytes = {
  id: 'initial',
  sizeBytes: 2 * CHUNK_BYTES + 100,
  read: (offsetBytes, lengthBytes) => Uint8Array.from({ length: lengthBytes }, (_, i) => ((offsetBytes + i) % 250) + 3),
};
const BASES = {
  empty: () => FileContent.EMPTY,
  bytes: () => FileContent.of(Uint8Array.from({ length: CHUNK_BYTES + 50 }, (_, i) => (i % 200) + 1)),
  external: () => FileContent.external(external),
};

type Step = { readonly kind: 'write'; readonly offset: number; readonly length: number } | { readonly kind: 'resize'; readonly size: number };

// Positions on, next to and between slot boundaries.
const positionArb = fc.oneof(fc.integer({ min: 0, max: SLOTS }).chain((k) => fc.integer({ min: Math.max(0, k * CHUNK_BYTES - 3), max: k * CHUNK_BYTES + 3 })), fc.nat(SLOTS * CHUNK_BYTES));
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), offset: positionArb, length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('resize' as const), size: positionArb }),
);

function check(base: keyof typeof BASES, steps: readonly Step[]): void {
  const start = BASES[base]();
  const builder = new ContentBuilder(start);
  const model = [...start.toBytes()];
  steps.forEach((step, i) => {
    if (step.kind === 'write') {
      const data = new Uint8Array(step.length).fill(i + 1);
      builder.write(step.offset, data);
      while (model.length < step.offset) model.push(0);
      data.forEach((byte, j) => void (model[step.offset + j] = byte));
    } else {
      builder.resize(step.size);
      model.length = Math.min(model.length, step.size);
      while (model.length < step.size) model.push(0);
    }
    expect(builder.sizeBytes).toBe(model.length);
  });
  const content = builder.build();
  expect(content.sizeBytes).toBe(model.length);
  // Compared whole (a failure then shows the bytes): toEqual on arrays of 12 KB is slow.
  const bytes = content.toBytes();
  if (!Buffer.from(bytes).equals(Buffer.from(model))) expect([...bytes]).toEqual(model);
  for (const [slot, chunk] of content.chunks()) {
    expect(slot * CHUNK_BYTES + chunk.length, `slot ${slot}`).toBeLessThanOrEqual(content.sizeBytes);
    expect(slot * CHUNK_BYTES < content.sizeBytes || chunk.length > 0, `an empty chunk at slot ${slot}, at or past the size`).toBe(true);
    expect(slot, `slot ${slot} is at or past the size`).toBeLessThan(Math.ceil(content.sizeBytes / CHUNK_BYTES));
  }
  for (const extent of content.extents()) expect(extent.offsetBytes + extent.lengthBytes).toBeLessThanOrEqual(content.sizeBytes);
}

describe('ContentBuilder against a byte-array model', () => {
  it('builds the bytes the writes and resizes leave, with no chunk at or past the size', () => {
    fc.assert(fc.property(fc.constantFrom<keyof typeof BASES>('empty', 'bytes', 'external'), fc.array(stepArb, { maxLength: 12 }), check), { numRuns: 200 });
  });

  // Cases the random steps reach only sometimes, pinned.
  const write = (offset: number, length: number): Step => ({ kind: 'write', offset, length });
  const resize = (size: number): Step => ({ kind: 'resize', size });
  const C = CHUNK_BYTES;
  it('a cut inside a slot leaves zeros that a later write into the same slot does not bring back', () => check('empty', [write(C, 100), resize(C + 10), write(C + 50, 1)]));
  it('a cut inside a slot, then a growth, reads zeros past the cut', () => check('empty', [write(C, 100), resize(C + 10), resize(2 * C)]));
  it('a cut exactly at a slot boundary drops the slot written past it', () => check('external', [write(2 * C, 100), resize(2 * C)]));
  it('a cut exactly at a slot boundary drops the slot written past it, over a base of bytes', () => check('bytes', [write(2 * C + 1, 5), resize(2 * C)]));
});
