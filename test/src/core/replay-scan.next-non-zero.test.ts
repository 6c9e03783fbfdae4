// nextNonZero and endOfNonZero skip a run of zeros a word at a time where the bytes are 4-aligned
// in their buffer and a byte at a time around that (src/core/replay-scan.ts). Whatever the view's
// offset in its buffer, where the search starts and where the non-zero bytes sit, they find what a
// plain byte-by-byte search finds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { endOfNonZero, nextNonZero } from '../../../src/core/replay-scan.js';

function plainNextNonZero(bytes: Uint8Array, from: number): number {
  let q = from;
  while (q < bytes.length && bytes[q] === 0) q++;
  return q;
}

/** A view at any offset in its buffer, of any length, with up to three non-zero bytes placed in it. */
const viewArb = {
  viewOffset: fc.integer({ min: 0, max: 7 }),
  length: fc.integer({ min: 0, max: 200 }),
  nonZero: fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 1, max: 255 }) }), { maxLength: 3 }),
};

describe('nextNonZero', () => {
  it('finds the first non-zero byte at or after from, as a byte-by-byte search does', () => {
    const caseArb = fc.record({ ...viewArb, from: fc.nat() });
    fc.assert(
      fc.property(caseArb, ({ viewOffset, length, nonZero, from }) => {
        const bytes = new Uint8Array(viewOffset + length).subarray(viewOffset);
        for (const { at, value } of nonZero) if (length > 0) bytes[at % length] = value;
        const start = length === 0 ? 0 : from % (length + 1);
        expect(nextNonZero(bytes, start)).toBe(plainNextNonZero(bytes, start));
      }),
      { numRuns: 2_000 },
    );
  });

  it('crosses a megabyte of zeros to the byte behind it, chunk after chunk', () => {
    const bytes = new Uint8Array(1 << 20);
    for (let call = 0; call < 20; call++) {
      bytes.fill(0);
      const at = (1 << 20) - 1 - call * 4099;
      bytes[at] = 1;
      expect(nextNonZero(bytes, call)).toBe(at);
    }
    bytes.fill(0);
    expect(nextNonZero(bytes, 0)).toBe(bytes.length);
  });
});

function plainEndOfNonZero(bytes: Uint8Array): number {
  let q = bytes.length;
  while (q > 0 && bytes[q - 1] === 0) q--;
  return q;
}

describe('endOfNonZero', () => {
  it('finds the index just after the last non-zero byte (0 when none), as a byte-by-byte search does', () => {
    const caseArb = fc.record(viewArb);
    fc.assert(
      fc.property(caseArb, ({ viewOffset, length, nonZero }) => {
        const bytes = new Uint8Array(viewOffset + length + 5).subarray(viewOffset, viewOffset + length);
        for (const { at, value } of nonZero) if (length > 0) bytes[at % length] = value;
        // Bytes of the buffer outside the view must not count.
        new Uint8Array(bytes.buffer).fill(9, viewOffset + length);
        expect(endOfNonZero(bytes)).toBe(plainEndOfNonZero(bytes));
      }),
      { numRuns: 2_000 },
    );
  });

  it('crosses a megabyte of zeros back to the byte before them', () => {
    const bytes = new Uint8Array(1 << 20);
    for (let call = 0; call < 20; call++) {
      bytes.fill(0);
      const at = call * 4099;
      bytes[at] = 1;
      expect(endOfNonZero(bytes)).toBe(at + 1);
    }
    bytes.fill(0);
    expect(endOfNonZero(bytes)).toBe(0);
  });
});
