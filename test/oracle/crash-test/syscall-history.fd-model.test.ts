// Where every byte lands: random programs of descriptor calls (open with O_APPEND, O_TRUNC,
// O_RDWR; dup, dup2, dup3, fcntl(F_DUPFD); fork; write, short writes, pwrite64; lseek with every
// whence; read; ftruncate; fallocate; close), written as strace prints them, and the files
// crash-test's history leaves live compared with what Linux leaves, computed here by a small model
// of the kernel's open file descriptions:
//   - an fd from dup, dup2, dup3 or F_DUPFD, and an fd a child inherited at fork, share one
//     description, so one offset;
//   - a write advances the offset by what it returned (a short write by less than it asked);
//     with O_APPEND it lands at the end of the file, whatever the offset;
//   - pwrite64 never moves the offset, and on an O_APPEND descriptor it appends too (a Linux
//     bug documented in pwrite(2): the offset argument is ignored);
//   - lseek returns the new offset (SEEK_CUR and SEEK_END are relative), read advances by its return;
//   - O_TRUNC empties an existing file opened for writing (O_WRONLY or O_RDWR);
//   - ftruncate shrinks or grows (with zeros); fallocate mode 0 grows, KEEP_SIZE does not,
//     PUNCH_HOLE zeroes a range inside the file.
// A wrong offset is a wrong image, and a wrong image is a crash state the program never made.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stateAfter } from '../../../crash-sim/apply-op.js';
import { resolveKnobs } from '../../../crash-sim/knobs.js';
import { bytesOf, inodeAt } from '../../../crash-sim/sim-query.js';
import { buildSyscallHistory } from '../../../oracle/crash-test/syscall-history.js';
import { parseTrace } from '../../../oracle/crash-test/strace-parse.js';

const knobs = resolveKnobs({});
const PATHS = ['a', 'b'] as const;

type Cmd =
  | { readonly k: 'open'; readonly p: number; readonly path: number; readonly append: boolean; readonly trunc: boolean; readonly rdwr: boolean }
  | { readonly k: 'dup'; readonly p: number; readonly fd: number; readonly how: 'dup' | 'dup2' | 'dup3' | 'fcntl'; readonly target: number }
  | { readonly k: 'write'; readonly p: number; readonly fd: number; readonly len: number; readonly short: number }
  | { readonly k: 'pwrite'; readonly p: number; readonly fd: number; readonly len: number; readonly at: number }
  | { readonly k: 'seek'; readonly p: number; readonly fd: number; readonly whence: 'SEEK_SET' | 'SEEK_CUR' | 'SEEK_END'; readonly by: number }
  | { readonly k: 'read'; readonly p: number; readonly fd: number; readonly n: number }
  | { readonly k: 'ftruncate'; readonly p: number; readonly fd: number; readonly size: number }
  | { readonly k: 'fallocate'; readonly p: number; readonly fd: number; readonly mode: '0' | 'FALLOC_FL_KEEP_SIZE' | 'FALLOC_FL_KEEP_SIZE|FALLOC_FL_PUNCH_HOLE'; readonly at: number; readonly len: number }
  | { readonly k: 'close'; readonly p: number; readonly fd: number }
  | { readonly k: 'fork'; readonly p: number; readonly split: boolean };

const pick = fc.nat(50);
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({ k: fc.constant('open' as const), p: pick, path: fc.nat(1), append: fc.boolean(), trunc: fc.boolean(), rdwr: fc.boolean() }),
  fc.record({ k: fc.constant('dup' as const), p: pick, fd: pick, how: fc.constantFrom('dup' as const, 'dup2' as const, 'dup3' as const, 'fcntl' as const), target: fc.integer({ min: 3, max: 12 }) }),
  fc.record({ k: fc.constant('write' as const), p: pick, fd: pick, len: fc.integer({ min: 1, max: 6 }), short: fc.nat(3) }),
  fc.record({ k: fc.constant('write' as const), p: pick, fd: pick, len: fc.integer({ min: 1, max: 6 }), short: fc.constant(0) }),
  fc.record({ k: fc.constant('pwrite' as const), p: pick, fd: pick, len: fc.integer({ min: 1, max: 6 }), at: fc.nat(20) }),
  fc.record({ k: fc.constant('seek' as const), p: pick, fd: pick, whence: fc.constantFrom('SEEK_SET' as const, 'SEEK_CUR' as const, 'SEEK_END' as const), by: fc.integer({ min: -4, max: 8 }) }),
  fc.record({ k: fc.constant('read' as const), p: pick, fd: pick, n: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ k: fc.constant('ftruncate' as const), p: pick, fd: pick, size: fc.nat(24) }),
  fc.record({ k: fc.constant('fallocate' as const), p: pick, fd: pick, mode: fc.constantFrom('0' as const, 'FALLOC_FL_KEEP_SIZE' as const, 'FALLOC_FL_KEEP_SIZE|FALLOC_FL_PUNCH_HOLE' as const), at: fc.nat(16), len: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ k: fc.constant('close' as const), p: pick, fd: pick }),
  fc.record({ k: fc.constant('fork' as const), p: pick, split: fc.boolean() }),
);

/** An open file description, as the kernel keeps it. */
interface Desc {
  readonly path: string;
  offset: number;
  readonly append: boolean;
  readonly readable: boolean;
}

/** The model: files' bytes, each process's fd table; and the strace lines of the program it ran. */
class Kernel {
  readonly files = new Map<string, number[]>();
  readonly procs = new Map<number, Map<number, Desc>>([[100, new Map()]]);
  readonly lines: string[] = [];
  #nextPid = 101;
  #letter = 0;
  /** A clone strace printed unfinished: its caller and the line that ends it, printed when the caller runs again. */
  #cloning: { readonly pid: number; readonly resumed: string } | null = null;

  run(c: Cmd): void {
    const pids = [...this.procs.keys()];
    const pid = pids[c.p % pids.length] as number;
    if (this.#cloning?.pid === pid) this.end();
    const fds = this.procs.get(pid) as Map<number, Desc>;
    if (c.k === 'open') return this.#open(pid, fds, c);
    if (c.k === 'fork') {
      // The child exists from the clone's entry; its parent does nothing until the clone returns.
      // A split clone lets the child's calls come first, as strace prints them under load (one
      // split clone at a time: with two, the child's parent cannot be told until one returns).
      const child = this.#nextPid++;
      this.procs.set(child, new Map(fds));
      const head = 'clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD';
      if (!c.split || this.#cloning !== null) return this.#line(pid, `${head}, child_tidptr=0x7f00000a10) = ${child}`);
      this.#cloning = { pid, resumed: `<... clone resumed>, child_tidptr=0x7f00000a10) = ${child}` };
      return this.#line(pid, `${head} <unfinished ...>`);
    }
    const open = [...fds.keys()].sort((x, y) => x - y);
    if (open.length === 0) return;
    const fd = open[c.fd % open.length] as number;
    const d = fds.get(fd) as Desc;
    const file = this.files.get(d.path) as number[];
    const arg = `${fd}</d/${d.path}>`;
    switch (c.k) {
      case 'dup': {
        let target = c.how === 'dup' ? lowestFree(fds, 0) : c.how === 'fcntl' ? lowestFree(fds, c.target) : c.target;
        if (c.how === 'dup3' && target === fd) target = fd + 1;
        const targetArg = fds.has(target) && c.how !== 'fcntl' ? `${target}</d/${fds.get(target)?.path}>` : String(target);
        fds.set(target, d);
        const ret = `${target}</d/${d.path}>`;
        if (c.how === 'dup') return this.#line(pid, `dup(${arg}) = ${ret}`);
        if (c.how === 'dup2') return this.#line(pid, `dup2(${arg}, ${targetArg}) = ${ret}`);
        if (c.how === 'dup3') return this.#line(pid, `dup3(${arg}, ${targetArg}, O_CLOEXEC) = ${ret}`);
        return this.#line(pid, `fcntl(${arg}, F_DUPFD, ${c.target}) = ${ret}`);
      }
      case 'write': {
        const data = this.#bytes(c.len);
        const ret = Math.max(1, c.len - c.short);
        const at = d.append ? file.length : d.offset;
        put(file, at, data.slice(0, ret));
        d.offset = at + ret;
        return this.#line(pid, `write(${arg}, ${quote(data)}, ${c.len}) = ${ret}`);
      }
      case 'pwrite': {
        const data = this.#bytes(c.len);
        put(file, d.append ? file.length : c.at, data);
        return this.#line(pid, `pwrite64(${arg}, ${quote(data)}, ${c.len}, ${c.at}) = ${c.len}`);
      }
      case 'seek': {
        const to = (c.whence === 'SEEK_SET' ? 0 : c.whence === 'SEEK_CUR' ? d.offset : file.length) + c.by;
        if (to < 0) return; // EINVAL
        d.offset = to;
        return this.#line(pid, `lseek(${arg}, ${c.by}, ${c.whence}) = ${to}`);
      }
      case 'read': {
        if (!d.readable) return; // EBADF
        const ret = Math.max(0, Math.min(c.n, file.length - d.offset));
        const got = file.slice(d.offset, d.offset + ret);
        d.offset += ret;
        return this.#line(pid, `read(${arg}, ${quote(got)}, ${c.n}) = ${ret}`);
      }
      case 'ftruncate':
        resize(file, c.size);
        return this.#line(pid, `ftruncate(${arg}, ${c.size}) = 0`);
      case 'fallocate':
        if (c.mode === '0') resize(file, Math.max(file.length, c.at + c.len));
        else if (c.mode !== 'FALLOC_FL_KEEP_SIZE') for (let i = c.at; i < Math.min(file.length, c.at + c.len); i++) file[i] = 0;
        return this.#line(pid, `fallocate(${arg}, ${c.mode}, ${c.at}, ${c.len}) = 0`);
      case 'close':
        fds.delete(fd);
        return this.#line(pid, `close(${arg}) = 0`);
    }
  }

  #open(pid: number, fds: Map<number, Desc>, c: Extract<Cmd, { k: 'open' }>): void {
    const path = PATHS[c.path] as string;
    const fd = lowestFree(fds, 3);
    if (!this.files.has(path)) this.files.set(path, []);
    if (c.trunc) (this.files.get(path) as number[]).length = 0;
    fds.set(fd, { path, offset: 0, append: c.append, readable: c.rdwr });
    const flags = [c.rdwr ? 'O_RDWR' : 'O_WRONLY', 'O_CREAT', ...(c.append ? ['O_APPEND'] : []), ...(c.trunc ? ['O_TRUNC'] : [])].join('|');
    this.#line(pid, `openat(AT_FDCWD</w>, "/d/${path}", ${flags}, 0644) = ${fd}</d/${path}>`);
  }

  /** Ends a split clone still running (its caller runs again, or the program ends). */
  end(): void {
    if (this.#cloning !== null) this.#line(this.#cloning.pid, this.#cloning.resumed);
    this.#cloning = null;
  }

  #line(pid: number, text: string): void {
    this.lines.push(`${pid}  ${text}`);
  }

  /** Fresh bytes, never repeating soon, so a byte in the wrong place shows. */
  #bytes(n: number): number[] {
    return Array.from({ length: n }, () => 0x41 + (this.#letter++ % 58));
  }
}

function lowestFree(fds: ReadonlyMap<number, Desc>, from: number): number {
  let fd = Math.max(3, from);
  while (fds.has(fd)) fd++;
  return fd;
}

function put(file: number[], at: number, data: readonly number[]): void {
  while (file.length < at) file.push(0);
  data.forEach((b, i) => (file[at + i] = b));
}

function resize(file: number[], size: number): void {
  if (size < file.length) file.length = size;
  else while (file.length < size) file.push(0);
}

/** A string argument as strace prints it with --strings-in-hex=non-ascii-chars. */
function quote(bytes: readonly number[]): string {
  return `"${bytes.map((b) => (b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('')}"`;
}

/** What crash-test's history leaves in each file once every op has run. */
function liveFiles(lines: readonly string[]): Map<string, number[]> {
  const { calls, unparsed } = parseTrace(lines.join('\n'), { stdoutPath: '/t/out' });
  expect(unparsed).toEqual([]);
  const h = buildSyscallHistory(calls, { dataDir: '/d', stdoutPath: '/t/out', cwd: '/w', knobs, initial: { files: new Map(), dirs: [] } });
  expect(h.unmodelled).toEqual([]);
  const state = stateAfter(knobs, h.ops, h.ops.length);
  const out = new Map<string, number[]>();
  for (const path of PATHS) {
    const inode = inodeAt(state, `/${path}`);
    if (inode !== null) out.set(path, [...bytesOf(state, inode)]);
  }
  return out;
}

function expectSameFiles(program: readonly Cmd[]): void {
  const kernel = new Kernel();
  kernel.run({ k: 'open', p: 0, path: 0, append: false, trunc: false, rdwr: true });
  for (const c of program) kernel.run(c);
  kernel.end();
  expect(liveFiles(kernel.lines), kernel.lines.join('\n')).toEqual(kernel.files);
}

describe('the bytes of a traced program land where the kernel put them', () => {
  it('random programs of open, dup, fork, write, pwrite64, lseek, read, ftruncate, fallocate and close', () => {
    fc.assert(
      fc.property(fc.array(cmd, { minLength: 1, maxLength: 25 }), (program) => expectSameFiles(program)),
      { numRuns: 400 },
    );
  });

  // The cases the property must be able to reach, one per rule of the header, spelled out.
  it.each<[string, Cmd[]]>([
    ['dup shares the offset both ways', [{ k: 'dup', p: 0, fd: 0, how: 'dup', target: 3 }, { k: 'write', p: 0, fd: 1, len: 2, short: 0 }, { k: 'write', p: 0, fd: 0, len: 2, short: 0 }]],
    ['dup2 shares the offset', [{ k: 'dup', p: 0, fd: 0, how: 'dup2', target: 9 }, { k: 'write', p: 0, fd: 1, len: 2, short: 0 }, { k: 'write', p: 0, fd: 0, len: 2, short: 0 }]],
    ['a child shares the offset with its parent', [{ k: 'fork', p: 0, split: false }, { k: 'write', p: 1, fd: 0, len: 3, short: 0 }, { k: 'write', p: 0, fd: 0, len: 3, short: 0 }]],
    ['a child printed before its clone returned has its parent\'s fds, not the first process\'s', [{ k: 'fork', p: 0, split: false }, { k: 'open', p: 1, path: 1, append: false, trunc: false, rdwr: true }, { k: 'fork', p: 1, split: true }, { k: 'write', p: 2, fd: 1, len: 3, short: 0 }, { k: 'close', p: 2, fd: 0 }, { k: 'write', p: 1, fd: 0, len: 2, short: 0 }, { k: 'write', p: 0, fd: 0, len: 2, short: 0 }]],
    ['a short write advances by what it returned', [{ k: 'write', p: 0, fd: 0, len: 5, short: 2 }, { k: 'write', p: 0, fd: 0, len: 2, short: 0 }]],
    ['O_APPEND writes at the end', [{ k: 'write', p: 0, fd: 0, len: 4, short: 0 }, { k: 'open', p: 0, path: 0, append: true, trunc: false, rdwr: false }, { k: 'write', p: 0, fd: 1, len: 2, short: 0 }]],
    ['pwrite64 leaves the offset', [{ k: 'pwrite', p: 0, fd: 0, len: 3, at: 6 }, { k: 'write', p: 0, fd: 0, len: 2, short: 0 }]],
    ['pwrite64 on O_APPEND appends', [{ k: 'write', p: 0, fd: 0, len: 4, short: 0 }, { k: 'open', p: 0, path: 0, append: true, trunc: false, rdwr: false }, { k: 'pwrite', p: 0, fd: 1, len: 2, at: 0 }]],
    ['lseek SEEK_END and SEEK_CUR are relative', [{ k: 'write', p: 0, fd: 0, len: 6, short: 0 }, { k: 'seek', p: 0, fd: 0, whence: 'SEEK_END', by: -2 }, { k: 'seek', p: 0, fd: 0, whence: 'SEEK_CUR', by: -1 }, { k: 'write', p: 0, fd: 0, len: 1, short: 0 }]],
    ['read advances the offset', [{ k: 'write', p: 0, fd: 0, len: 6, short: 0 }, { k: 'seek', p: 0, fd: 0, whence: 'SEEK_SET', by: 1 }, { k: 'read', p: 0, fd: 0, n: 2 }, { k: 'read', p: 0, fd: 0, n: 1 }, { k: 'write', p: 0, fd: 0, len: 1, short: 0 }]],
    ['O_RDWR|O_TRUNC empties the file', [{ k: 'write', p: 0, fd: 0, len: 6, short: 0 }, { k: 'open', p: 0, path: 0, append: false, trunc: true, rdwr: true }, { k: 'write', p: 0, fd: 1, len: 2, short: 0 }]],
    ['O_WRONLY|O_TRUNC empties the file', [{ k: 'write', p: 0, fd: 0, len: 6, short: 0 }, { k: 'open', p: 0, path: 0, append: false, trunc: true, rdwr: false }, { k: 'write', p: 0, fd: 1, len: 2, short: 0 }]],
    ['ftruncate grows with zeros', [{ k: 'write', p: 0, fd: 0, len: 2, short: 0 }, { k: 'ftruncate', p: 0, fd: 0, size: 5 }]],
    ['fallocate KEEP_SIZE keeps the size', [{ k: 'write', p: 0, fd: 0, len: 2, short: 0 }, { k: 'fallocate', p: 0, fd: 0, mode: 'FALLOC_FL_KEEP_SIZE', at: 0, len: 9 }]],
  ])('%s', (_name, program) => expectSameFiles(program));
});
