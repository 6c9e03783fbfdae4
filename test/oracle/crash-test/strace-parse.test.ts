import { describe, expect, it } from 'vitest';
import { argAt, decodeIovecs, decodeString, parseFd, parseTrace, splitArgs } from '../../../oracle/crash-test/strace-parse.js';

describe('reading strace lines', () => {
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
  });

  it('joins an unfinished call with its resumption and places it where it returned', () => {
    const trace = [
      '10  write(3</d/a>, "ab", 2 <unfinished ...>',
      '11  fsync(4</d/b>) = 0',
      '10  <... write resumed>) = 2',
    ].join('\n');
    const { calls, unparsed } = parseTrace(trace, { stdoutPath: null });
    expect(unparsed).toEqual([]);
    expect(calls.map((c) => [c.name, c.pid, c.ret, c.line])).toEqual([
      ['fsync', 11, 0, 2],
      ['write', 10, 2, 3],
    ]);
  });

  it('places a write to the workload stdout where it started: a reader may see the ack then', () => {
    const trace = ['10  write(1</t/out>, "ACK 1\\n", 6 <unfinished ...>', '11  fsync(4</d/b>) = 0', '10  <... write resumed>) = 6'].join('\n');
    const { calls } = parseTrace(trace, { stdoutPath: '/t/out' });
    expect(calls.map((c) => c.name)).toEqual(['write', 'fsync']);
  });

  it('reads failed calls with their errno and keeps unreadable lines for the report', () => {
    const { calls, unparsed } = parseTrace('5  openat(AT_FDCWD</w>, "x", O_RDONLY) = -1 ENOENT (No such file or directory)\nnot a line', { stdoutPath: null });
    expect(calls[0]?.errno).toBe('ENOENT');
    expect(calls[0]?.ret).toBe(-1);
    expect(unparsed).toEqual([{ line: 2, text: 'not a line' }]);
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
