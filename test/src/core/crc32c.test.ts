import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c, crc32cOfRange } from '../../../src/core/crc32c.js';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A bit-at-a-time CRC-32C, slow and obviously right, to check the sliced tables against. */
function crc32cBitwise(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('crc32c', () => {
  it('matches the published check value for "123456789" (0xE3069283)', () => {
    expect(crc32c(ascii('123456789'))).toBe(0xe3069283);
  });

  it('matches the RFC 3720 vectors: 32 zero bytes, 32 0xFF bytes, 0..31 ascending, 31..0 descending', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
  });

  it('is 0 for no bytes and 0xC1D04330 for "a"', () => {
    expect(crc32c(new Uint8Array(0))).toBe(0);
    expect(crc32c(ascii('a'))).toBe(0xc1d04330);
  });

  it('agrees with a bit-at-a-time CRC-32C on arbitrary bytes of every length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(crc32c(bytes)).toBe(crc32cBitwise(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('chains: the CRC of a range continued over the next range equals the CRC of both', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const cut1 = bytes.length === 0 ? 0 : a % (bytes.length + 1);
        const cut2 = cut1 + (bytes.length - cut1 === 0 ? 0 : b % (bytes.length - cut1 + 1));
        const whole = crc32cOfRange(bytes, 0, cut2);
        const chained = crc32cOfRange(bytes, cut1, cut2, crc32cOfRange(bytes, 0, cut1));
        expect(chained).toBe(whole);
        expect(crc32c(bytes.subarray(cut1), crc32c(bytes.subarray(0, cut1)))).toBe(crc32c(bytes));
      }),
      { numRuns: 300 },
    );
  });
});
