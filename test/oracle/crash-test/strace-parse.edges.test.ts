// strace-parse.ts at the edges of strace's grammar: the text a string argument may hold (markers
// of unfinished and resumed calls, an `=`), lines that only look like calls, the whitespace strace
// may put around a return, resumptions that do not match, and the end of a trace in the middle
// of a call. Each case names what the parser must make of it.
import { describe, expect, it } from 'vitest';
import { parseTrace, TraceParser, type Syscall } from '../../../oracle/crash-test/strace-parse.js';

const parse = (lines: readonly string[], stdoutPath: string | null = '/t/out') => parseTrace(lines.join('\n'), { stdoutPath });
const brief = (c: Syscall) => [c.name, c.pid, c.ret, c.errno, c.line, c.started ?? false];

describe('strace-parse at the edges of the grammar', () => {
  it('reads a call whose string argument holds the markers of unfinished and resumed calls, or an `=`', () => {
    const { calls, unparsed } = parse([
      '1  write(3</d/a>, "x <unfinished ...>", 18) = 18',
      '1  write(3</d/a>, "<... write resumed>) = 9", 24) = 24',
      '1  write(3</d/a>, "a = 1", 5) = 5',
    ]);
    expect(unparsed).toEqual([]);
    expect(calls.map((c) => [c.name, c.ret, c.args[1]])).toEqual([
      ['write', 18, '"x <unfinished ...>"'],
      ['write', 24, '"<... write resumed>) = 9"'],
      ['write', 5, '"a = 1"'],
    ]);
  });

  it.each([
    ['a name that is not lower case', '1  Write(3</d/a>, "x", 1) = 1'],
    ['a capital letter before a name, whatever follows', '1  Sys_write(x)) = 1'],
    ['text before the name', '1  -> write(3</d/a>, "x", 1) = 1'],
    ['text between the call and its return', '1  write(3</d/a>, "x", 1) then = 1'],
    ['no return at all', '1  write(3</d/a>, "x", 1)'],
    ['no pid', 'write(3</d/a>, "x", 1) = 1'],
  ])('counts a line with %s as unreadable', (_name, line) => {
    const { calls, unparsed } = parse([line]);
    expect(calls).toEqual([]);
    expect(unparsed).toEqual([{ line: 1, text: line }]);
  });

  it('reads the return, its errno and the text after it with any blanks strace puts between them', () => {
    const { calls, unparsed } = parse([
      '1  fsync(3</d/a>)=0',
      '1  fsync(3</d/a>)   =   0',
      '1  fsync(3</d/a>) = -1  EIO  (Input/output error)',
      '1  lseek(3</d/a>, 0, SEEK_END) = 0x10 <0.000012>',
    ]);
    expect(unparsed).toEqual([]);
    expect(calls.map((c) => [c.ret, c.errno, c.retExtra])).toEqual([[0, null, ''], [0, null, ''], [-1, 'EIO', ''], [16, null, '<0.000012>']]);
  });

  it('skips blank lines and signal and exit lines without counting them, and counts every unreadable one', () => {
    const lines = ['', '   ', '\t', '1  --- SIGCHLD {si_signo=SIGCHLD} ---', '1  +++ exited with 0 +++', 'junk 1', 'junk 2', '1  fsync(3</d/a>) = 0'];
    const { calls, unparsed } = parse(lines);
    expect(calls.map(brief)).toEqual([['fsync', 1, 0, null, 8, false]]);
    expect(unparsed.map((u) => u.line)).toEqual([6, 7]);
    const parser = new TraceParser({ stdoutPath: null }, () => {});
    for (const line of lines) parser.line(line);
    expect([parser.lines, parser.unparsedCount]).toEqual([8, 2]);
  });

  it('counts a resumption that matches no unfinished call of its process as unreadable, and drops that call', () => {
    const { calls, unparsed } = parse([
      '1  write(3</d/a>, "ab", 2 <unfinished ...>',
      '1  <... read resumed>) = 2',
      '2  <... fsync resumed>) = 0',
      '1  fsync(3</d/a>) = 0',
    ]);
    expect(calls.map(brief)).toEqual([['fsync', 1, 0, null, 4, false]]);
    expect(unparsed.map((u) => u.line)).toEqual([2, 3]);
  });

  it('counts the first half of a call that names no call as unreadable where it stands, and its resumption too', () => {
    const { calls, unparsed } = parse(['1  Xwrite(1</t/out>, "ACK 1\\n", 6 <unfinished ...>', '2  fsync(4</d/b>) = 0', '1  <... write resumed>) = 6']);
    expect(calls.map(brief)).toEqual([['fsync', 2, 0, null, 2, false]]);
    expect(unparsed.map((u) => u.line)).toEqual([1, 3]);
  });

  it('gives a call cut and resumed the return it resumed with, at the resumed line, unless it is a write to standard output', () => {
    // A short write to a file under --dir, and a positional write to standard output (only the
    // write family's own calls to standard output are placed where they started).
    const { calls } = parse([
      '1  write(3</d/a>, "abcd", 4 <unfinished ...>',
      '2  fsync(4</d/b>) = 0',
      '1  <... write resumed>) = 2',
      '1  pwrite64(1</t/out>, "ACK 1\\n", 6, 0 <unfinished ...>',
      '2  fsync(4</d/b>) = 0',
      '1  <... pwrite64 resumed>) = 6',
    ]);
    expect(calls.map(brief)).toEqual([
      ['fsync', 2, 0, null, 2, false],
      ['write', 1, 2, null, 3, false],
      ['fsync', 2, 0, null, 5, false],
      ['pwrite64', 1, 6, null, 6, false],
    ]);
  });

  it('passes on a write to standard output once, where it started, even when the trace ends before it returns', () => {
    const { calls } = parse(['1  write(1</t/out>, "ACK 1\\n", 6 <unfinished ...>', '2  fsync(4</d/b>) = 0']);
    expect(calls.map(brief)).toEqual([['write', 1, null, null, 1, false], ['fsync', 2, 0, null, 2, false]]);
  });

  it('passes on the first half of clone3 and fork too, marked started', () => {
    const { calls } = parse(['1  clone3({flags=CLONE_VM, exit_signal=SIGCHLD}, 88 <unfinished ...>', '3  fork( <unfinished ...>', '1  <... clone3 resumed>) = 2', '3  <... fork resumed>) = 4'], null);
    expect(calls.map(brief)).toEqual([
      ['clone3', 1, null, null, 1, true],
      ['fork', 3, null, null, 2, true],
      ['clone3', 1, 2, null, 3, false],
      ['fork', 3, 4, null, 4, false],
    ]);
  });
});
