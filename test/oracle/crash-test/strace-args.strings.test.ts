// oracle/crash-test/strace-args.ts, decodeString: a string argument as strace prints it (-x and
// -xx print bytes in hex, the default prints printable ASCII as it is and the rest as C escapes,
// octal or hex) must decode to exactly the bytes the program wrote, however each byte was spelled,
// with or without characters beyond ASCII, and tell a string cut at -s (`"..."...`) from a whole
// one. What is not a whole string is no string at all.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeString } from '../../../oracle/crash-test/strace-args.js';

const NAMED: Readonly<Record<number, string>> = { 10: 'n', 9: 't', 13: 'r', 11: 'v', 12: 'f', 7: 'a', 8: 'b', 27: 'e', 34: '"', 92: '\\' };

/** One piece of a printed string and the bytes it stands for. */
type Piece = { readonly text: string; readonly bytes: readonly number[] };

const hex = (b: number, upper: boolean): string => {
  const h = b.toString(16).padStart(2, '0');
  return `\\x${upper ? h.toUpperCase() : h}`;
};

/** A byte spelled any way strace (or a C string) may spell it; a short octal only at the end, where no digit can follow it. */
const byteSpelling = (b: number, last: boolean): fc.Arbitrary<Piece> => {
  const ways: fc.Arbitrary<string>[] = [fc.boolean().map((upper) => hex(b, upper)), fc.constant(`\\${b.toString(8).padStart(3, '0')}`)];
  if (last) ways.push(fc.constant(`\\${b.toString(8)}`));
  if (b >= 0x20 && b < 0x7f && b !== 34 && b !== 92) ways.push(fc.constant(String.fromCharCode(b)));
  const named = NAMED[b];
  if (named !== undefined) ways.push(fc.constant(`\\${named}`));
  return fc.oneof(...ways).map((text) => ({ text, bytes: [b] }));
};

/** A character beyond ASCII printed as it is: its UTF-8 bytes. */
const wide: fc.Arbitrary<Piece> = fc.constantFrom('é', 'ß', '€', '日', '😀').map((ch) => ({ text: ch, bytes: [...new TextEncoder().encode(ch)] }));

const printed: fc.Arbitrary<Piece[]> = fc
  .array(fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 0, max: 255 }).map((b) => ({ b })) }, { weight: 1, arbitrary: wide.map((w) => ({ w })) }), { maxLength: 40 })
  .chain((items) =>
    fc.tuple(...items.map((item, i) => ('w' in item ? fc.constant(item.w) : byteSpelling(item.b, i === items.length - 1)))),
  );

describe('decodeString', () => {
  it('gives back exactly the bytes written, however each was spelled, and whether strace cut the string', () => {
    fc.assert(
      fc.property(printed, fc.boolean(), fc.constantFrom('', ' ', '\t'), (pieces, cut, pad) => {
        const raw = `${pad}"${pieces.map((p) => p.text).join('')}"${cut ? '...' : ''}${pad}`;
        const decoded = decodeString(raw);
        expect(decoded, raw).not.toBeNull();
        expect([...decoded!.bytes], raw).toEqual(pieces.flatMap((p) => p.bytes));
        expect(decoded!.truncated, raw).toBe(cut);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['characters of two and three UTF-8 bytes, none escaped', '"€€€é"', [0xe2, 0x82, 0xac, 0xe2, 0x82, 0xac, 0xe2, 0x82, 0xac, 0xc3, 0xa9]],
    ['the first character beyond ASCII', '"\u0080"', [0xc2, 0x80]],
    ['the last character of the BMP, then ASCII', '"\uffffA"', [0xef, 0xbf, 0xbf, 0x41]],
    ['a character beyond the BMP, then ASCII', '"😀A"', [0xf0, 0x9f, 0x98, 0x80, 0x41]],
    ['one-digit octal escapes, 0 to 7', '"\\0\\6\\7"', [0, 6, 7]],
    ['an octal escape of three digits, then a digit', '"\\1012"', [65, 50]],
  ])('decodes %s', (_name, raw, bytes) => {
    expect([...(decodeString(raw)?.bytes ?? [])]).toEqual(bytes);
  });

  it('takes only a whole quoted string: no quote first, or no closing quote, is no string', () => {
    expect(decodeString('abc')).toBeNull();
    expect(decodeString('0x1234')).toBeNull();
    expect(decodeString('a"b"')).toBeNull();
    expect(decodeString('"abc')).toBeNull();
    expect(decodeString('"ab\\"')).toBeNull();
    expect(decodeString('""')).toEqual({ bytes: new Uint8Array(0), truncated: false });
    // Text after the closing quote other than `...` is not a cut.
    expect(decodeString('"ab"..')?.truncated).toBe(false);
    expect(decodeString('"ab" ...')?.truncated).toBe(false);
  });
});
