// oracle/crash-test/strace-parse.ts, line by line: any call strace -f prints (whole, or cut into
// `<unfinished ...>` and `<... resumed>` around other processes' lines), with any kind of return
// (a number, a hex address, `?`, -1 with its errno and text, an fd with its -y path, text after the
// return), must come back as exactly that call, at the line where it returned; signal and exit
// lines are no calls; anything else is counted as unreadable, and the first 100 are kept, cut to
// 500 characters.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTrace, type Syscall } from '../../../oracle/crash-test/strace-parse.js';

const name = fc.constantFrom('openat', 'pwrite64', 'fdatasync', 'rename', 'ftruncate', 'close', 'mmap', 'fsync');
const arg = fc.oneof(fc.nat(99999).map(String), fc.constantFrom('O_RDWR|O_CREAT|O_CLOEXEC', '"a, b"', '3</d/x.log>', 'AT_FDCWD</w>', '0x7f00', '[{iov_base="q", iov_len=1}]', '{st_size=4}'));

type Ret = Pick<Syscall, 'ret' | 'errno' | 'retPath' | 'retExtra'> & { readonly text: string };
const ret: fc.Arbitrary<Ret> = fc.oneof(
  fc.nat(1_000_000).map((n) => ({ text: `= ${n}`, ret: n, errno: null, retPath: null, retExtra: '' })),
  fc.integer({ min: 0x1000, max: 0xffffff }).map((n) => ({ text: `= 0x${n.toString(16)}`, ret: n, errno: null, retPath: null, retExtra: '' })),
  fc.constant({ text: '= ?', ret: null, errno: null, retPath: null, retExtra: '' }),
  fc.constantFrom('ENOENT (No such file or directory)', 'EIO (Input/output error)', 'ENOSPC (No space left on device)').map((e) => ({ text: `= -1 ${e}`, ret: -1, errno: e.split(' ')[0]!, retPath: null, retExtra: '' })),
  fc.nat(50).map((fd) => ({ text: `= ${fd}</d/seg 1.wal>`, ret: fd, errno: null, retPath: '/d/seg 1.wal', retExtra: '' })),
  fc.constantFrom('(flags O_RDWR)', '{parent_tid=[42]}').map((extra) => ({ text: `= 0 ${extra}`, ret: 0, errno: null, retPath: null, retExtra: extra })),
);

interface Planned {
  readonly pid: number;
  readonly name: string;
  readonly args: readonly string[];
  readonly ret: Ret;
  /** Cut into an unfinished line and a resumed line, at this many arguments (null: whole). */
  readonly cutAt: number | null;
}

const planned: fc.Arbitrary<Planned> = fc
  .record({ pid: fc.integer({ min: 2, max: 99999 }), name, args: fc.array(arg, { maxLength: 4 }), ret, cut: fc.option(fc.nat(4), { nil: null }) })
  .map(({ cut, ...p }) => ({ ...p, cutAt: cut === null ? null : Math.min(cut, p.args.length) }));

const noise = fc.constantFrom('--- SIGCHLD {si_signo=SIGCHLD} ---', '+++ exited with 0 +++', '+++ killed by SIGKILL +++');

describe('a strace -f trace, line by line', () => {
  it('gives back every call as it was printed, whole or cut around other lines, where it returned; signals and exits are no calls', () => {
    fc.assert(
      fc.property(fc.array(planned, { maxLength: 8 }), fc.array(fc.tuple(fc.nat(40), noise), { maxLength: 4 }), fc.constantFrom(' ', '  ', '\t'), (calls, noises, gap) => {
        // Each process runs one call at a time: pids are made distinct so that cut calls interleave.
        const unique = calls.map((c, i) => ({ ...c, pid: c.pid * 10 + i }));
        const lines: string[] = [];
        const expected: Syscall[] = [];
        const resumes: { pid: number; text: string; call: Omit<Syscall, 'line'> }[] = [];
        for (const c of unique) {
          const call: Omit<Syscall, 'line'> = { pid: c.pid, name: c.name, args: [...c.args], ret: c.ret.ret, errno: c.ret.errno, retPath: c.ret.retPath, retExtra: c.ret.retExtra };
          const all = `${c.args.join(', ')}) ${c.ret.text}`;
          if (c.cutAt === null) {
            lines.push(`${c.pid}${gap}${c.name}(${all}`);
            expected.push({ ...call, line: lines.length });
          } else {
            const head = c.args.slice(0, c.cutAt).join(', ');
            const rest = c.args.slice(c.cutAt);
            lines.push(`${c.pid}${gap}${c.name}(${head}${head !== '' && rest.length > 0 ? ',' : ''} <unfinished ...>`);
            resumes.push({ pid: c.pid, text: `${c.pid}${gap}<... ${c.name} resumed>${rest.length > 0 ? ` ${rest.join(', ')}` : ''}) ${c.ret.text}`, call });
          }
        }
        for (const r of resumes) {
          lines.push(r.text);
          expected.push({ ...r.call, line: lines.length });
        }
        for (const [at, text] of noises) {
          const i = Math.min(at, lines.length);
          lines.splice(i, 0, `${unique[0]?.pid ?? 7}${gap}${text}`);
          for (const e of expected) if (e.line > i) (e as { line: number }).line++;
        }
        const { calls: got, unparsed } = parseTrace(lines.join('\n'), { stdoutPath: null });
        expect(unparsed).toEqual([]);
        expect(got.filter((c) => c.started !== true).sort((a, b) => a.line - b.line)).toEqual(expected.sort((a, b) => a.line - b.line));
      }),
      { numRuns: 200 },
    );
  });

  it('counts every unreadable line, keeps the first 100 with their line numbers, each cut to 500 characters', () => {
    const junk = Array.from({ length: 130 }, (_, i) => (i === 3 ? `9 ${'x'.repeat(700)}` : i % 2 === 0 ? `no pid ${i} close(3) = 0` : `12 fsync(3</d/x>) = oops ${i}`));
    const lines = ['5 fsync(3</d/x>) = 0', ...junk, '', '   ', '6 <... fsync resumed>) = 0', '7 close(3) = 0'];
    const { calls, unparsed } = parseTrace(lines.join('\n'), { stdoutPath: null });
    expect(calls.map((c) => [c.pid, c.name, c.line])).toEqual([
      [5, 'fsync', 1],
      [7, 'close', lines.length],
    ]);
    expect(unparsed).toHaveLength(100);
    expect(unparsed[0]).toEqual({ line: 2, text: 'no pid 0 close(3) = 0' });
    expect(unparsed[3]).toEqual({ line: 5, text: `9 ${'x'.repeat(498)}` });
    expect(unparsed.at(-1)?.line).toBe(101);
  });
});
