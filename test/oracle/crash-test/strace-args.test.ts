// oracle/crash-test/strace-args.ts: one strace argument at a time (the top-level split, strings
// and their escapes, fd arguments with -y paths, an argument strace did not print).
import { describe, expect, it } from 'vitest';
import { argAt, decodeIovecs, decodeString, flagSet, parseFd, parseNumber, splitArgs } from '../../../oracle/crash-test/strace-args.js';

describe('reading strace arguments', () => {
  it('splits top-level arguments around strings, fd paths and structures', () => {
    expect(splitArgs('3</a, b>, "x,\\"y", [{iov_base="q", iov_len=1}], 5) = 5').args).toEqual(['3</a, b>', '"x,\\"y"', '[{iov_base="q", iov_len=1}]', '5']);
  });

  it('decodes C escapes and \\xNN to the exact bytes, and notices a string cut at -s', () => {
    expect([...(decodeString('"a\\x00\\n\\"\\\\\\xc8"')?.bytes ?? [])]).toEqual([97, 0, 10, 34, 92, 200]);
    expect(decodeString('"abc"...')?.truncated).toBe(true);
    expect(decodeString('"abc"')?.truncated).toBe(false);
    expect([...(decodeIovecs('[{iov_base="ab", iov_len=2}, {iov_base="\\x01", iov_len=1}]')?.bytes ?? [])]).toEqual([97, 98, 1]);
  });

  it('reads fd arguments with their -y path, AT_FDCWD, and files unlinked while open', () => {
    expect(parseFd('3</d/x.log>')).toEqual({ fd: 3, path: '/d/x.log' });
    expect(parseFd('AT_FDCWD</work>')).toEqual({ fd: 'AT_FDCWD', path: '/work' });
    expect(parseFd('7</d/x-shm>(deleted)')).toEqual({ fd: 7, path: '/d/x-shm' });
    expect(parseFd(' 12 ')).toEqual({ fd: 12, path: null });
    expect(parseFd('-1')).toEqual({ fd: -1, path: null });
  });

  it.each(['NULL', '0x7ffd1000', 'x3</d/f>', '3</d/f>x', '3</d/f', '[3, 4]', '3 /* fd */', 'AT_FDCWDX', '', '3</d/f>(deleted)x'])('reads %j as no fd argument', (raw) => {
    expect(parseFd(raw)).toBeNull();
  });

  it.each([
    ['0', 0], ['12', 12], ['-1', -1], [' 4096 ', 4096], ['0x1f', 31], ['0X1F', 31], ['0644', 420], ['00', 0],
    ['089', null], ['12abc', null], ['a12', null], ['0x', null], ['1.5', null], ['', null], ['-', null], ['1 2', null], ['x12', null], ['0x1g', null], ['10x1f', null], ['0648', null], ['0644x', null], ['-0644', null],
  ] as const)('reads the number %j as %j', (raw, value) => {
    expect(parseNumber(raw)).toBe(value);
  });
});

describe('flag sets and iovec arrays', () => {
  it('reads the names of a flag set, whatever blanks surround them', () => {
    expect(flagSet(' O_WRONLY | O_CREAT|O_TRUNC ')).toEqual(new Set(['O_WRONLY', 'O_CREAT', 'O_TRUNC']));
  });

  it.each([
    ['every element printed', '[{iov_base="ab", iov_len=2}, {iov_base="c", iov_len=1}]', 'abc', false],
    ['blanks around the array', '  [{iov_base="ab", iov_len=2}] ', 'ab', false],
    ['a string cut at -s', '[{iov_base="ab"..., iov_len=40}]', 'ab', true],
    ['a string cut at -s, then one whole', '[{iov_base="ab"..., iov_len=40}, {iov_base="c", iov_len=1}]', 'abc', true],
    ['elements strace left out', '[{iov_base="ab", iov_len=2}, ...]', 'ab', true],
    ['elements left out, a blank before the bracket', '[{iov_base="ab", iov_len=2}, ... ]', 'ab', true],
    ['elements left out, blanks after the array', '[{iov_base="ab", iov_len=2}, ...]  ', 'ab', true],
    ['`...]` inside a string', '[{iov_base="x...]", iov_len=5}]', 'x...]', false],
    ['no element', '[]', '', false],
  ])('decodes an iovec array with %s', (_name, raw, text, truncated) => {
    const decoded = decodeIovecs(raw);
    expect(decoded === null ? null : { text: new TextDecoder().decode(decoded.bytes), truncated: decoded.truncated }).toEqual({ text, truncated });
  });

  it.each(['{iov_base="ab", iov_len=2}', ' {iov_base="ab", iov_len=2}]', '0x7ffd1000', 'NULL'])('reads %j as no iovec array', (raw) => {
    expect(decodeIovecs(raw)).toBeNull();
  });
});

describe('argAt', () => {
  it('gives an argument as strace printed it, and no text for one it did not print', () => {
    const call = { args: ['3</data/x>', '"ab"'] };
    expect(argAt(call, 0)).toBe('3</data/x>');
    expect(argAt(call, 1)).toBe('"ab"');
    expect(argAt(call, 2)).toBe('');
  });
});

describe('splitArgs', () => {
  it('keeps commas inside parentheses, brackets and braces within one argument, and stops at the closing parenthesis', () => {
    expect(splitArgs('f(a, b), [1, 2], {x=1, y=(2, 3)}, "q,r") = 0')).toEqual({ args: ['f(a, b)', '[1, 2]', '{x=1, y=(2, 3)}', '"q,r"'], end: 39 });
  });

  it('gives no argument for an empty list, and keeps an empty last argument after a comma', () => {
    expect(splitArgs(') = 0')).toEqual({ args: [], end: 0 });
    expect(splitArgs('a, ) = 0')).toEqual({ args: ['a', ''], end: 3 });
    expect(splitArgs('x) = 0').args).toEqual(['x']);
  });
});

describe('an fd argument\'s -y path inside the split', () => {
  it('ends the path only at a `>` that something strace prints after a path follows, so a path may hold `>`', () => {
    // Each terminator strace prints after a path: a comma, the call's `)`, `]` and `}` closing an
    // array or a structure, a space, the end of the text, and `(deleted)` for an unlinked file.
    expect(splitArgs('3</d/a>b>, "x", 2) = 2').args).toEqual(['3</d/a>b>', '"x"', '2']);
    expect(splitArgs('3</d/a>b>) = 0')).toEqual({ args: ['3</d/a>b>'], end: 9 });
    expect(splitArgs('[3</d/a>b>, 4</e>], 2) = 1').args).toEqual(['[3</d/a>b>, 4</e>]', '2']);
    expect(splitArgs('[3</d/a>b>], 2) = 1').args).toEqual(['[3</d/a>b>]', '2']);
    expect(splitArgs('[{fd=3</d/a>b>}], 1, 0) = 1').args).toEqual(['[{fd=3</d/a>b>}]', '1', '0']);
    expect(splitArgs('3</d/a>b> /* fd */, 1) = 0').args).toEqual(['3</d/a>b> /* fd */', '1']);
    expect(splitArgs('3</d/a>b>(deleted), 5) = 0').args).toEqual(['3</d/a>b>(deleted)', '5']);
    expect(splitArgs('3</d/a>b>')).toEqual({ args: ['3</d/a>b>'], end: 9 });
    // Inside the path, a `>` followed by anything else is the path's, and so is a comma after it.
    expect(splitArgs('3</d/a>b,c(d)>, 1) = 0').args).toEqual(['3</d/a>b,c(d)>', '1']);
  });
});
