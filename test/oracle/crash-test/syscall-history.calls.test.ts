// Every call crash-test reads, under each name Linux (and strace) gives it: a program that uses
// creat, openat2, mkdirat, writev, pwritev2, renameat2 or execveat must be modelled as one that
// uses the plain call, and the calls whose bytes strace cannot show must be reported under their
// own names. Also what the builder says of the trace as a whole: the acknowledgement lines, the
// description of each op, and failed calls.
import { describe, expect, it } from 'vitest';
import { resolveKnobs } from '../../../crash-sim/knobs.js';
import { SyscallHistoryBuilder } from '../../../oracle/crash-test/syscall-history.js';
import { parseTrace } from '../../../oracle/crash-test/strace-parse.js';
import { modelledCalls, traceHistory } from './trace-history.js';

const OPEN_F = '1  openat(AT_FDCWD</w>, "/d/f", O_WRONLY|O_CREAT, 0644) = 3</d/f>';
const existing = { files: new Map([['f', new TextEncoder().encode('old')]]) };

describe('every name of every call crash-test reads', () => {
  it.each([
    ['open', ['1  open("/d/f", O_WRONLY|O_CREAT, 0644) = 3</d/f>'], ['open(f, O_CREAT)']],
    ['creat (always O_CREAT)', ['1  creat("/d/f", 0644) = 3</d/f>'], ['creat(f, O_CREAT)']],
    ['openat2 (its flags in a struct)', ['1  openat2(AT_FDCWD</w>, "/d/f", {flags=O_WRONLY|O_CREAT|O_CLOEXEC, mode=0644, resolve=0}, 24) = 3</d/f>'], ['openat2(f, O_CREAT)']],
    ['mkdir', ['1  mkdir("/d/s", 0755) = 0'], ['mkdir(s)']],
    ['mkdirat', ['1  mkdirat(AT_FDCWD</w>, "/d/s", 0755) = 0'], ['mkdir(s)']],
    ['write', [OPEN_F, '1  write(3</d/f>, "abc", 3) = 3'], ['openat(f, O_CREAT)', 'write(f, 3 bytes @0)']],
    ['writev', [OPEN_F, '1  writev(3</d/f>, [{iov_base="ab", iov_len=2}, {iov_base="c", iov_len=1}], 2) = 3', '1  write(3</d/f>, "d", 1) = 1'], ['openat(f, O_CREAT)', 'writev(f, 3 bytes @0)', 'write(f, 1 bytes @3)']],
    ['pwrite64', [OPEN_F, '1  pwrite64(3</d/f>, "ab", 2, 7) = 2', '1  write(3</d/f>, "c", 1) = 1'], ['openat(f, O_CREAT)', 'pwrite64(f, 2 bytes @7)', 'write(f, 1 bytes @0)']],
    ['pwritev', [OPEN_F, '1  pwritev(3</d/f>, [{iov_base="ab", iov_len=2}], 1, 5) = 2'], ['openat(f, O_CREAT)', 'pwritev(f, 2 bytes @5)']],
    ['pwritev2 with RWF_APPEND', [OPEN_F, '1  write(3</d/f>, "abcd", 4) = 4', '1  pwritev2(3</d/f>, [{iov_base="z", iov_len=1}], 1, 0, RWF_APPEND) = 1'], ['openat(f, O_CREAT)', 'write(f, 4 bytes @0)', 'pwritev2(f, 1 bytes @4)']],
    ['lseek', [OPEN_F, '1  lseek(3</d/f>, 6, SEEK_SET) = 6', '1  write(3</d/f>, "a", 1) = 1'], ['openat(f, O_CREAT)', 'write(f, 1 bytes @6)']],
    ['read (moves the offset)', [OPEN_F, '1  read(3</d/f>, "", 4) = 0', '1  readv(3</d/f>, [{iov_base="xy", iov_len=2}], 1) = 2', '1  write(3</d/f>, "a", 1) = 1'], ['openat(f, O_CREAT)', 'write(f, 1 bytes @2)']],
    ['rename', [OPEN_F, '1  rename("/d/f", "/d/g") = 0'], ['openat(f, O_CREAT)', 'rename(f → g)']],
    ['renameat', [OPEN_F, '1  renameat(AT_FDCWD</w>, "/d/f", AT_FDCWD</w>, "/d/g") = 0'], ['openat(f, O_CREAT)', 'renameat(f → g)']],
    ['renameat2', [OPEN_F, '1  renameat2(AT_FDCWD</w>, "/d/f", AT_FDCWD</w>, "/d/g", RENAME_NOREPLACE) = 0'], ['openat(f, O_CREAT)', 'renameat2(f → g)']],
    ['link', [OPEN_F, '1  link("/d/f", "/d/g") = 0'], ['openat(f, O_CREAT)', 'link(f → g)']],
    ['linkat', [OPEN_F, '1  linkat(AT_FDCWD</w>, "/d/f", AT_FDCWD</w>, "/d/g", 0) = 0'], ['openat(f, O_CREAT)', 'linkat(f → g)']],
    ['unlink', [OPEN_F, '1  unlink("/d/f") = 0'], ['openat(f, O_CREAT)', 'unlink(f)']],
    ['unlinkat', [OPEN_F, '1  unlinkat(AT_FDCWD</w>, "/d/f", 0) = 0'], ['openat(f, O_CREAT)', 'unlinkat(f)']],
    ['unlinkat AT_REMOVEDIR', ['1  mkdir("/d/s", 0755) = 0', '1  unlinkat(AT_FDCWD</w>, "/d/s", AT_REMOVEDIR) = 0'], ['mkdir(s)', 'unlinkat(s)']],
    ['rmdir', ['1  mkdir("/d/s", 0755) = 0', '1  rmdir("/d/s") = 0'], ['mkdir(s)', 'rmdir(s)']],
    ['ftruncate', [OPEN_F, '1  ftruncate(3</d/f>, 5) = 0'], ['openat(f, O_CREAT)', 'ftruncate(f, 5)']],
    ['truncate', [OPEN_F, '1  truncate("/d/f", 5) = 0'], ['openat(f, O_CREAT)', 'truncate(f, 5)']],
    ['sync', ['1  sync() = 0'], ['sync()']],
    ['syncfs', [OPEN_F, '1  syncfs(3</d/f>) = 0'], ['openat(f, O_CREAT)', 'syncfs()']],
    ['syncfs that failed', [OPEN_F, '1  syncfs(3</d/f>) = -1 EIO (Input/output error)'], ['openat(f, O_CREAT)', 'syncfs() -> EIO']],
  ] as const)('%s', (_name, lines, calls) => {
    expect(modelledCalls(lines).calls).toEqual(calls);
  });

  it('reads creat and openat2 on a file that exists as opens with O_TRUNC', () => {
    expect(modelledCalls(['1  creat("/d/f", 0644) = 3</d/f>'], existing).calls).toEqual(['creat(f, O_TRUNC)']);
    expect(modelledCalls(['1  openat2(AT_FDCWD</w>, "/d/f", {flags=O_WRONLY|O_TRUNC, mode=0, resolve=0}, 24) = 3</d/f>'], existing).calls).toEqual(['openat2(f, O_TRUNC)']);
  });

  // copy_file_range, splice and sendfile, in both directions, are syscall-history.test.ts's.
  it.each([
    ['sendfile64', '1  sendfile64(3</d/f>, 4</t/src>, NULL, 5) = 5'],
    ['vmsplice', '1  vmsplice(3</d/f>, [{iov_base="ab", iov_len=2}], 1, 0) = 2'],
    ['tee', '1  tee(3</d/f>, 4</t/src>, 5, 0) = 5'],
  ] as const)('reports %s into a file under --dir: its bytes are not in the trace', (name, line) => {
    expect(modelledCalls([OPEN_F, line]).reported).toEqual([`${name} into f: the bytes it moved are not in the trace`]);
  });

  it.each(['io_uring_setup(8, {flags=0}) = 3', 'io_submit(0x7f00, 1, [{aio_fildes=3}]) = 1'])('reports %s: asynchronous I/O is invisible to strace', (line) => {
    const name = line.slice(0, line.indexOf('('));
    expect(modelledCalls([`1  ${line}`]).reported).toEqual([`${name}: asynchronous I/O is invisible to strace`]);
  });

  it('names a reported call with its arguments, cut to 200 characters, and its trace line', () => {
    const h = traceHistory(['1  io_uring_setup(8, {flags=0}) = 3', `1  io_uring_setup(8, {flags=0, sq_entries=${'9'.repeat(300)}}) = 3`]);
    expect(h.unmodelled[0]).toEqual({ line: 1, call: 'io_uring_setup(8, {flags=0})', reason: 'io_uring_setup: asynchronous I/O is invisible to strace' });
    expect(h.unmodelled[1]?.line).toBe(2);
    expect(h.unmodelled[1]?.call).toBe(`io_uring_setup(8, {flags=0, sq_entries=${'9'.repeat(300)}})`.slice(0, 200));
  });
});

describe('what the builder makes of the trace as a whole', () => {
  it('forgets a closed descriptor, so a socket or pipe that reuses its number writes nothing under --dir', () => {
    for (const close of ['1  close(3</d/f>) = 0', '1  close_range(3, 4294967295, 0) = 0']) {
      const { calls } = modelledCalls([OPEN_F, close, '1  write(3<socket:[4242]>, "abc", 3) = 3', '1  write(3<pipe:[77]>, "d", 1) = 1']);
      expect(calls).toEqual(['openat(f, O_CREAT)']);
    }
  });

  it('moves the current directory with chdir and fchdir, and keeps fds without O_CLOEXEC across execveat', () => {
    expect(modelledCalls(['1  mkdir("/d/s", 0755) = 0', '1  chdir("/d/s") = 0', '1  openat(AT_FDCWD</d/s>, "f", O_WRONLY|O_CREAT, 0644) = 3</d/s/f>']).calls).toEqual(['mkdir(s)', 'openat(s/f, O_CREAT)']);
    expect(modelledCalls(['1  mkdir("/d/s", 0755) = 0', '1  openat(AT_FDCWD</w>, "/d/s", O_RDONLY|O_DIRECTORY) = 4</d/s>', '1  fchdir(4</d/s>) = 0', '1  open("f", O_WRONLY|O_CREAT, 0644) = 3</d/s/f>']).calls).toEqual(['mkdir(s)', 'open(s/f, O_CREAT)']);
    const exec = modelledCalls([
      '1  openat(AT_FDCWD</w>, "/d/f", O_WRONLY|O_CREAT|O_CLOEXEC, 0644) = 3</d/f>',
      '1  openat(AT_FDCWD</w>, "/d/g", O_WRONLY|O_CREAT, 0644) = 4</d/g>',
      '1  write(4</d/g>, "ab", 2) = 2',
      '1  execveat(AT_FDCWD</w>, "/bin/next", ["next"], 0x7ffd /* 3 vars */, 0) = 0',
      '1  write(3<socket:[5]>, "x", 1) = 1',
      '1  write(4</d/g>, "c", 1) = 1',
    ]);
    expect(exec.calls.slice(-1)).toEqual(['write(g, 1 bytes @2)']);
    expect(exec.calls).toHaveLength(4);
  });

  it('applies no failed call but a sync, and records a failed fsync with its errno', () => {
    const h = traceHistory([
      '1  openat(AT_FDCWD</w>, "/d/g", O_WRONLY|O_CREAT, 0644) = -1 EACCES (Permission denied)',
      OPEN_F,
      '1  write(3</d/f>, "abc", 3) = -1 ENOSPC (No space left on device)',
      '1  rename("/d/f", "/d/h") = -1 EXDEV (Invalid cross-device link)',
      '1  fdatasync(3</d/f>) = -1 EIO (Input/output error)',
      '1  fsync(3</d/f>) = 0',
    ]);
    expect(h.calls.slice(1)).toEqual(['openat(f, O_CREAT)', 'fdatasync(f) -> EIO', 'fsync(f)']);
    expect(h.ops.map((op) => op.kind).slice(1)).toEqual(['create', 'fsync', 'fsync']);
  });

  it('applies no call strace shows interrupted (`= ? ERESTARTSYS`), nor one that returned -1 without an errno it could name', () => {
    const { calls } = modelledCalls([OPEN_F, '1  write(3</d/f>, "abc", 3) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)', '1  write(3</d/f>, "abc", 3) = 3', '1  write(3</d/f>, "x", 1) = -1 (Unknown error 530)', '1  write(3</d/f>, "d", 1) = 1']);
    expect(calls).toEqual(['openat(f, O_CREAT)', 'write(f, 3 bytes @0)', 'write(f, 1 bytes @3)']);
  });

  it('names each write by the name its file has now: the hard link it was opened by, or where a rename took it', () => {
    expect(modelledCalls([OPEN_F, '1  link("/d/f", "/d/g") = 0', '1  openat(AT_FDCWD</w>, "/d/g", O_WRONLY) = 4</d/g>', '1  write(4</d/g>, "a", 1) = 1']).calls.at(-1)).toBe('write(g, 1 bytes @0)');
    const renamed = ['1  rename("/d/f", "/d/h") = 0', '1  write(3</d/h>, "abcd", 4) = 4'];
    expect(modelledCalls([OPEN_F, ...renamed]).calls.at(-1)).toBe('write(h, 4 bytes @0)');
    for (const mode of ['FALLOC_FL_KEEP_SIZE|FALLOC_FL_PUNCH_HOLE', 'FALLOC_FL_ZERO_RANGE', '0']) {
      expect(modelledCalls([OPEN_F, ...renamed, `1  fallocate(3</d/h>, ${mode}, 1, 2) = 0`]).calls.at(-1)).toMatch(/^fallocate\(h, /);
    }
  });

  it('reads acknowledgements written through any fd that names standard output, kept across execve', () => {
    const h = traceHistory(['1  write(7</t/out>, "ACK 1\\n", 6) = 6', '1  execve("/bin/next", ["next"], 0x7ffd /* 3 vars */) = 0', '1  write(7</t/out>, "ACK 2\\n", 6) = 6']);
    expect(h.acks.map((a) => a.id)).toEqual(['1', '2']);
    expect(h.unmodelled).toEqual([]);
  });

  it('gives an fd under --dir that no traced open made the file\'s end as its offset, moves it as usual, and keeps it across execve', () => {
    const { calls, reported } = modelledCalls([
      '1  write(5</d/f>, "ab", 2) = 2',
      '1  lseek(5</d/f>, 0, SEEK_SET) = 0',
      '1  write(5</d/f>, "Z", 1) = 1',
      '1  execve("/bin/next", ["next"], 0x7ffd /* 3 vars */) = 0',
      '1  write(5</d/f>, "Y", 1) = 1',
    ], existing);
    expect(calls).toEqual(['write(f, 2 bytes @3)', 'write(f, 1 bytes @0)', 'write(f, 1 bytes @1)']);
    expect(reported).toEqual(['fd 5 names f but no traced open created it; its offset is unknown']);
  });

  it('names the initial contents of --dir with their counts', () => {
    const h = traceHistory([], { files: new Map([['a', new Uint8Array(1)], ['s/b', new Uint8Array(2)]]), dirs: ['s'] });
    expect(h.calls).toEqual(['the initial contents of --dir (2 files, 1 directories)']);
    expect(h.ops[0]).toMatchObject({ kind: 'crash', description: 'the initial contents of --dir', dirs: ['/s'] });
  });

  it('names a call it could not apply, and goes on with the rest', () => {
    // A hard link into a directory crash-test never saw made: crash-sim refuses it.
    const h = traceHistory([OPEN_F, '1  link("/d/f", "/d/nowhere/g") = 0', '1  write(3</d/f>, "a", 1) = 1']);
    expect(h.unmodelled.map((u) => u.call)).toEqual(['link("/d/f", "/d/nowhere/g")']);
    expect(h.unmodelled[0]?.reason).toMatch(/^could not be applied: .*nowhere/);
    expect(h.calls.slice(-1)).toEqual(['write(f, 1 bytes @0)']);
  });

  it('counts every call it took (failed or not, modelled or not), and the ops they made', () => {
    const { calls } = parseTrace([OPEN_F, '1  getpid() = 1', '1  write(3</d/f>, "a", 1) = -1 EIO (Input/output error)', '1  write(3</d/f>, "a", 1) = 1'].join('\n'), { stdoutPath: '/t/out' });
    const builder = new SyscallHistoryBuilder({ dataDir: '/d', stdoutPath: '/t/out', cwd: '/w', knobs: resolveKnobs({}), initial: { files: new Map(), dirs: [] } });
    expect(builder.counts).toEqual({ calls: 0, ops: 1 });
    for (const call of calls) builder.add(call);
    expect(builder.counts).toEqual({ calls: 4, ops: 3 });
  });
});

describe('the acknowledgements a workload prints', () => {
  /** The ids acknowledged by these writes to standard output, each as strace prints it (`\\n` escaped). */
  const acks = (...writes: string[]) => {
    const length = (w: string) => w.replace(/\\[nt]/g, '.').length;
    return traceHistory(writes.map((w) => `1  write(1</t/out>, "${w}", ${length(w)}) = ${length(w)}`)).acks.map((a) => a.id);
  };

  it.each([
    ['a whole line', ['ACK 7\\n'], ['7']],
    ['with spaces and tabs around it', ['  ACK\\ttx-9  \\n'], ['tx-9']],
    ['with several spaces before the id', ['ACK   ab\\n'], ['ab']],
    ['two on one write', ['ACK 1\\nACK 2\\n'], ['1', '2']],
    ['split across writes', ['AC', 'K 12', '3\\nACK 4\\n'], ['123', '4']],
    ['not yet ended by a newline', ['ACK 5'], []],
    ['with two words after it', ['ACK a b\\n'], []],
    ['after other text', ['xACK a\\n', 'log: ACK b\\n'], []],
    ['without a space', ['ACKa\\n'], []],
    ['without an id', ['ACK\\n', 'ACK  \\n'], []],
  ] as const)('%s', (_name, writes, ids) => {
    expect(acks(...writes)).toEqual(ids);
  });

  it('places each acknowledgement as a mark op after the calls before it, and counts only the bytes written', () => {
    const h = traceHistory([OPEN_F, '1  write(3</d/f>, "a", 1) = 1', '1  write(1</t/out>, "ACK 1\\nACK 2\\n", 12) = 6', '1  write(3</d/f>, "b", 1) = 1']);
    expect(h.acks).toEqual([{ id: '1', opIndex: 3 }]);
    expect(h.ops[3]).toMatchObject({ kind: 'mark', label: 'ack', data: '1' });
    expect(h.calls.slice(1)).toEqual(['openat(f, O_CREAT)', 'write(f, 1 bytes @0)', 'ACK 1', 'write(f, 1 bytes @1)']);
  });
});
