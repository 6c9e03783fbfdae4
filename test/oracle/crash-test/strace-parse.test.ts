import { describe, expect, it } from 'vitest';
import { parseTrace } from '../../../oracle/crash-test/strace-parse.js';

describe('reading strace lines', () => {
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

  it('passes on the first half of a clone-family call, marked started, and the whole call again where it returned', () => {
    const trace = [
      '10  clone(child_stack=NULL, flags=CLONE_CHILD_SETTID|SIGCHLD <unfinished ...>',
      '11  write(3</d/a>, "x", 1) = 1',
      '10  <... clone resumed>, child_tidptr=0x7f) = 11',
      '12  vfork( <unfinished ...>',
      '12  <... vfork resumed>) = 13',
      '14  write(3</d/a>, "y", 1 <unfinished ...>',
    ].join('\n');
    const { calls, unparsed } = parseTrace(trace, { stdoutPath: null });
    expect(unparsed).toEqual([]);
    expect(calls.map((c) => [c.name, c.pid, c.ret, c.started ?? false, c.args.length])).toEqual([
      ['clone', 10, null, true, 2],
      ['write', 11, 1, false, 3],
      ['clone', 10, 11, false, 3],
      ['vfork', 12, null, true, 0],
      ['vfork', 12, 13, false, 0],
      ['write', 14, null, false, 3],
    ]);
  });

  it('reads failed calls with their errno and keeps unreadable lines for the report', () => {
    const { calls, unparsed } = parseTrace('5  openat(AT_FDCWD</w>, "x", O_RDONLY) = -1 ENOENT (No such file or directory)\nnot a line', { stdoutPath: null });
    expect(calls[0]?.errno).toBe('ENOENT');
    expect(calls[0]?.ret).toBe(-1);
    expect(unparsed).toEqual([{ line: 2, text: 'not a line' }]);
  });
});
