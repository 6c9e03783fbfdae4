// The syscall-to-history builder on hand-written strace text: fd bookkeeping, offsets, acks and
// the calls it must report as unmodelled.
import { describe, expect, it } from 'vitest';
import { crashSpace, enumerateCrashStates } from '../../../crash-sim/crash-states.js';
import { resolveKnobs } from '../../../crash-sim/knobs.js';
import { stateAfter } from '../../../crash-sim/apply-op.js';
import { bytesOf, inodeAt } from '../../../crash-sim/sim-query.js';
import type { SyscallHistory } from '../../../oracle/crash-test/syscall-history.js';
import { traceHistory } from './trace-history.js';

const knobs = resolveKnobs({ mkdirSync: true });

function history(lines: readonly string[], files: ReadonlyMap<string, Uint8Array> = new Map()): SyscallHistory {
  return traceHistory(lines, { knobs, files });
}

const text = (s: string) => new TextEncoder().encode(s);

/** What a history says of `lines`: the calls it modelled and their ops' kinds (after the initial contents), and the reasons it reported. */
function modelled(lines: readonly string[]): { calls: readonly string[]; kinds: readonly string[]; reported: readonly string[] } {
  const h = history(lines);
  return { calls: h.calls.slice(1), kinds: h.ops.map((o) => o.kind).slice(1), reported: h.unmodelled.map((u) => u.reason) };
}

describe('from system calls to a crash-sim history', () => {
  it('tracks offsets per open file description, shared by dup and fcntl(F_DUPFD)', () => {
    const h = history([
      '1  openat(AT_FDCWD</w>, "/d/f", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 3</d/f>',
      '1  write(3</d/f>, "abc", 3) = 3',
      '1  dup(3</d/f>) = 4</d/f>',
      '1  write(4</d/f>, "de", 2) = 2',
      '1  fcntl(4</d/f>, F_DUPFD, 10) = 10</d/f>',
      '1  close(3</d/f>) = 0',
      '1  write(10</d/f>, "g", 1) = 1',
      '1  lseek(10</d/f>, 1, SEEK_SET) = 1',
      '1  write(10</d/f>, "Z", 1) = 1',
      '1  pwrite64(10</d/f>, "P", 1, 0) = 1',
      '1  write(10</d/f>, "Y", 1) = 1',
    ]);
    expect(h.calls.slice(1)).toEqual([
      'openat(f, O_CREAT)',
      'write(f, 3 bytes @0)',
      'write(f, 2 bytes @3)',
      'write(f, 1 bytes @5)',
      'write(f, 1 bytes @1)',
      'pwrite64(f, 1 bytes @0)',
      'write(f, 1 bytes @2)',
    ]);
    const state = stateAfter(knobs, h.ops, h.ops.length);
    const inode = inodeAt(state, '/f') ?? -1;
    expect(new TextDecoder().decode(bytesOf(state, inode))).toBe('PZYdeg');
  });

  it('drops at execve the fds opened with O_CLOEXEC, and keeps the others with their offsets', () => {
    const { calls, reported } = modelled([
      '1  openat(AT_FDCWD</w>, "/d/f", O_WRONLY|O_CREAT|O_CLOEXEC, 0644) = 3</d/f>',
      '1  openat(AT_FDCWD</w>, "/d/g", O_WRONLY|O_CREAT, 0644) = 4</d/g>',
      '1  write(3</d/f>, "ab", 2) = 2',
      '1  write(4</d/g>, "cd", 2) = 2',
      '1  execve("/bin/next", ["next"], 0x7ffd /* 3 vars */) = 0',
      '1  write(3</d/f>, "e", 1) = 1',
      '1  write(4</d/g>, "f", 1) = 1',
    ]);
    // fd 3 is gone after the exec: its next write is through an fd no traced open made (whose
    // offset is taken as the file's end); fd 4 keeps its offset.
    expect(reported).toEqual(['fd 3 names f but no traced open created it; its offset is unknown']);
    expect(calls.slice(-2)).toEqual(['write(f, 1 bytes @2)', 'write(g, 1 bytes @2)']);
  });

  it('follows fcntl: F_DUPFD shares the file, F_DUPFD_CLOEXEC and F_SETFD FD_CLOEXEC drop the fd at execve, F_SETFL sets O_APPEND and reports O_DIRECT', () => {
    const h = history([
      '1  openat(AT_FDCWD</w>, "/d/f", O_WRONLY|O_CREAT, 0644) = 3</d/f>',
      '1  write(3</d/f>, "ab", 2) = 2',
      '1  fcntl(3</d/f>, F_DUPFD, 10) = 10</d/f>',
      '1  fcntl(3</d/f>, F_DUPFD_CLOEXEC, 20) = 20</d/f>',
      '1  openat(AT_FDCWD</w>, "/d/g", O_WRONLY|O_CREAT, 0644) = 4</d/g>',
      '1  fcntl(4</d/g>, F_SETFD, FD_CLOEXEC) = 0',
      '1  fcntl(3</d/f>, F_SETFL, O_WRONLY|O_APPEND|O_DIRECT) = 0',
      '1  fcntl(4</d/g>, F_SETFL, O_WRONLY) = 0',
      '1  fcntl(3</d/f>, F_GETFL) = 0x8401 (flags O_WRONLY|O_APPEND|O_DIRECT)',
      '1  fcntl(3</d/f>, F_SETFD, 0) = 0',
      '1  dup3(3</d/f>, 30, 0) = 30</d/f>',
      '1  dup3(3</d/f>, 31, O_CLOEXEC) = 31</d/f>',
      '1  lseek(3</d/f>, 0, SEEK_SET) = 0',
      '1  write(10</d/f>, "c", 1) = 1',
      '1  execve("/bin/next", ["next"], 0x7ffd /* 3 vars */) = 0',
      '1  write(10</d/f>, "d", 1) = 1',
      '1  write(20</d/f>, "e", 1) = 1',
      '1  write(4</d/g>, "x", 1) = 1',
      '1  write(3</d/f>, "y", 1) = 1',
      '1  write(30</d/f>, "z", 1) = 1',
      '1  write(31</d/f>, "w", 1) = 1',
    ]);
    // Appends land at the end whatever the offset: fd 10 shares fd 3's file and its O_APPEND; fd 3
    // (F_SETFD 0: no close-on-exec) outlives the exec.
    // F_GETFL changes nothing; dup3 without O_CLOEXEC (fd 30) outlives the exec, with it (31) not.
    expect(h.calls.slice(-7)).toEqual(['write(f, 1 bytes @2)', 'write(f, 1 bytes @3)', 'write(f, 1 bytes @4)', 'write(g, 1 bytes @0)', 'write(f, 1 bytes @5)', 'write(f, 1 bytes @6)', 'write(f, 1 bytes @7)']);
    expect(h.unmodelled.map((u) => u.reason)).toEqual([
      'O_DIRECT set on f: modelled as ordinary cached writes',
      'fd 20 names f but no traced open created it; its offset is unknown',
      'fd 4 names g but no traced open created it; its offset is unknown',
      'fd 31 names f but no traced open created it; its offset is unknown',
    ]);
  });

  it('takes a directory fd for what it is: no O_DIRECT report, no sync_file_range note, no fsync of a directory removed since', () => {
    const { calls, reported } = modelled([
      '1  mkdir("/d/x", 0777) = 0',
      '1  openat(AT_FDCWD</w>, "/d/x", O_RDONLY|O_DIRECTORY) = 3</d/x>',
      '1  fcntl(3</d/x>, F_SETFL, O_RDONLY|O_DIRECT) = 0',
      '1  sync_file_range(3</d/x>, 0, 0, SYNC_FILE_RANGE_WRITE) = 0',
      '1  rmdir("/d/x") = 0',
      '1  fsync(3</d/x>) = 0',
    ]);
    expect(reported).toEqual([]);
    expect(calls).toEqual(['mkdir(x)', 'rmdir(x)']);
    expect(history(['1  openat(AT_FDCWD</w>, "/d/x", O_RDONLY|O_DIRECTORY) = 3</d/x>', '1  sync_file_range(3</d/x>, 0, 0, SYNC_FILE_RANGE_WRITE) = 0']).notes).toEqual([]);
  });

  it('an fsync of standard output that strace failed changes nothing crash-test models, and says so', () => {
    const h = history(['1  fsync(1</t/out>) = -1 EIO (Input/output error) (INJECTED)']);
    expect(h.notes).toEqual(['fsync(/t/out) -> EIO was injected outside --dir: it changes nothing crash-test models']);
    expect(h.ops).toHaveLength(1);
  });

  it('reports each call that moves bytes into a file without showing them, and none that moves them out', () => {
    const { reported } = modelled([
      '1  openat(AT_FDCWD</w>, "/d/f", O_RDWR|O_CREAT, 0644) = 3</d/f>',
      '1  openat(AT_FDCWD</w>, "/w/src", O_RDONLY) = 5</w/src>',
      '1  copy_file_range(5</w/src>, NULL, 3</d/f>, NULL, 10, 0) = 10',
      '1  splice(5</w/src>, NULL, 3</d/f>, NULL, 10, 0) = 10',
      '1  sendfile(3</d/f>, 5</w/src>, NULL, 10) = 10',
      '1  sendfile(5</w/src>, 3</d/f>, NULL, 10) = 10',
    ]);
    expect(reported).toEqual([
      'copy_file_range into f: the bytes it moved are not in the trace',
      'splice into f: the bytes it moved are not in the trace',
      'sendfile into f: the bytes it moved are not in the trace',
    ]);
  });

  it('appends at the end of the file for O_APPEND, whatever the fd offset says, pwrite64 too', () => {
    const h = history([
      '1  openat(AT_FDCWD</w>, "/d/log", O_WRONLY|O_CREAT|O_APPEND, 0644) = 3</d/log>',
      '1  openat(AT_FDCWD</w>, "/d/log", O_WRONLY|O_APPEND) = 4</d/log>',
      '1  write(3</d/log>, "one", 3) = 3',
      '1  write(4</d/log>, "two", 3) = 3',
      // Linux ignores pwrite's offset on an O_APPEND descriptor and appends (pwrite(2), BUGS).
      '1  pwrite64(4</d/log>, "P", 1, 0) = 1',
      '1  write(3</d/log>, "end", 3) = 3',
    ]);
    expect(h.calls.slice(-4)).toEqual(['write(log, 3 bytes @0)', 'write(log, 3 bytes @3)', 'pwrite64(log, 1 bytes @6)', 'write(log, 3 bytes @7)']);
  });

  it('resolves relative paths against the cwd, chdir and a directory fd', () => {
    const h = history([
      '1  mkdir("/d/sub", 0777) = 0',
      '1  chdir("/d") = 0',
      '1  openat(AT_FDCWD, "sub/a", O_WRONLY|O_CREAT, 0644) = 3</d/sub/a>',
      '1  openat(AT_FDCWD, "sub", O_RDONLY|O_DIRECTORY) = 4</d/sub>',
      '1  renameat(4</d/sub>, "a", 4</d/sub>, "b") = 0',
      '1  fsync(4</d/sub>) = 0',
    ]);
    expect(h.calls.slice(1)).toEqual(['mkdir(sub)', 'openat(sub/a, O_CREAT)', 'renameat(sub/a → sub/b)', 'fsync(sub)']);
    expect(h.ops.map((o) => o.kind).slice(1)).toEqual(['mkdir', 'create', 'rename', 'fsyncDir']);
  });

  it('places each ACK line where its write to stdout happened, even split over writes', () => {
    const h = history([
      '1  openat(AT_FDCWD</w>, "/d/f", O_WRONLY|O_CREAT, 0644) = 3</d/f>',
      '1  write(1</t/out>, "hello\\nAC", 8) = 8',
      '1  fsync(3</d/f>) = 0',
      '1  write(1</t/out>, "K 7\\nACK 8\\n", 10) = 10',
    ]);
    expect(h.acks).toEqual([
      { id: '7', opIndex: 3 },
      { id: '8', opIndex: 4 },
    ]);
  });

  it('reads acks written through a path that strace resolves to standard output (/dev/stdout)', () => {
    const h = history([
      '1  openat(AT_FDCWD</w>, "/d/f", O_WRONLY|O_CREAT, 0644) = 3</d/f>',
      '1  openat(AT_FDCWD</w>, "/dev/stdout", O_WRONLY|O_APPEND) = 4</t/out>',
      '1  fsync(3</d/f>) = 0',
      '1  write(4, "ACK 9\\n", 6) = 6',
      // The same line written to a file outside --dir is no acknowledgement.
      '1  openat(AT_FDCWD</w>, "/w/app.log", O_WRONLY|O_CREAT|O_APPEND, 0644) = 5</w/app.log>',
      '1  write(5, "ACK 10\\n", 7) = 7',
    ]);
    expect(h.acks).toEqual([{ id: '9', opIndex: 3 }]);
  });

  it('models links, unlinks, rmdir, fallocate and sync, and notes sync_file_range as no guarantee', () => {
    const h = history([
      '1  mkdir("/d/x", 0777) = 0',
      '1  openat(AT_FDCWD</w>, "/d/x/a", O_WRONLY|O_CREAT, 0644) = 3</d/x/a>',
      '1  fallocate(3</d/x/a>, 0, 0, 4096) = 0',
      '1  sync_file_range(3</d/x/a>, 0, 4096, SYNC_FILE_RANGE_WRITE) = 0',
      '1  link("/d/x/a", "/d/b") = 0',
      '1  unlink("/d/x/a") = 0',
      '1  rmdir("/d/x") = 0',
      '1  sync() = 0',
    ]);
    expect(h.ops.map((o) => o.kind).slice(1)).toEqual(['mkdir', 'create', 'fallocate', 'link', 'unlink', 'rmdir', 'syncAll']);
    expect(h.notes.join('\n')).toMatch(/sync_file_range .* no durability guarantee/);
    expect(h.unmodelled).toEqual([]);
  });

  it('models each fallocate mode: zeros over a punched or zeroed range (cut at the size with KEEP_SIZE), a size change for mode 0 and KEEP_SIZE', () => {
    const h = history([
      '1  openat(AT_FDCWD</w>, "/d/f", O_WRONLY|O_CREAT, 0644) = 3</d/f>',
      '1  write(3</d/f>, "abcdefghij", 10) = 10',
      '1  fallocate(3</d/f>, FALLOC_FL_KEEP_SIZE|FALLOC_FL_PUNCH_HOLE, 2, 3) = 0',
      '1  fallocate(3</d/f>, FALLOC_FL_ZERO_RANGE, 8, 4) = 0',
      '1  fallocate(3</d/f>, FALLOC_FL_ZERO_RANGE|FALLOC_FL_KEEP_SIZE, 10, 6) = 0',
      '1  fallocate(3</d/f>, FALLOC_FL_ZERO_RANGE|FALLOC_FL_KEEP_SIZE, 12, 4) = 0',
      '1  fallocate(3</d/f>, FALLOC_FL_KEEP_SIZE, 0, 64) = 0',
      '1  fallocate(3</d/f>, 0, 16, 4) = 0',
      '1  fallocate(3</d/f>, FALLOC_FL_COLLAPSE_RANGE, 0, 4096) = 0',
    ]);
    // The two ranges wholly past the end under KEEP_SIZE change nothing, and no call is recorded.
    expect(h.calls.slice(3)).toEqual([
      'fallocate(f, zeros @2+3)',
      'fallocate(f, zeros @8+4)',
      'fallocate(f, zeros @10+2)',
      'fallocate(f, KEEP_SIZE, 64 bytes @0)',
      'fallocate(f, 4 bytes @16)',
    ]);
    const state = stateAfter(knobs, h.ops, h.ops.length);
    expect([...bytesOf(state, inodeAt(state, '/f') ?? -1)]).toEqual([...text('ab'), 0, 0, 0, ...text('fgh'), ...new Array<number>(12).fill(0)]);
    expect(h.unmodelled.map((u) => u.reason)).toEqual(['fallocate collapse/insert range on f is not modelled']);
  });

  it('reports what it cannot model by name: shared writable mmap, O_DIRECT, a file renamed in from outside', () => {
    const h = history([
      '1  openat(AT_FDCWD</w>, "/d/m", O_RDWR|O_CREAT|O_DIRECT, 0644) = 3</d/m>',
      '1  mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, 3</d/m>, 0) = 0x7f0000000000',
      '1  rename("/tmp/elsewhere", "/d/in") = 0',
      // strace -s cut the string short (its "..." after the quote): the bytes are not all known.
      '1  write(3</d/m>, "abc"..., 4096) = 4096',
      // strace names the flag O_TMPFILE, or __O_TMPFILE beside O_DIRECTORY (older versions).
      '1  openat(AT_FDCWD</w>, "/d", O_RDWR|O_TMPFILE, 0600) = 5</d/#123 (deleted)>',
      '1  openat(AT_FDCWD</w>, "/d", O_RDWR|O_DIRECTORY|__O_TMPFILE, 0600) = 6</d/#124 (deleted)>',
    ]);
    expect(h.unmodelled.map((u) => u.reason)).toEqual([
      expect.stringContaining('O_DIRECT on m'),
      expect.stringContaining('writable shared mmap of m'),
      expect.stringContaining('/tmp/elsewhere (outside --dir) renamed in as in'),
      "the bytes written to m are not all in the trace (raise strace's -s)",
      expect.stringContaining('O_TMPFILE in .: unnamed files are not modelled'),
      expect.stringContaining('O_TMPFILE in .: unnamed files are not modelled'),
    ]);
  });

  it('takes an O_DIRECTORY open for a directory even where no traced call made it', () => {
    const h = history(['1  openat(AT_FDCWD</w>, "/d/made-before", O_RDONLY|O_DIRECTORY) = 3</d/made-before>', '1  fsync(3</d/made-before>) = 0']);
    expect(h.unmodelled).toEqual([]);
  });

  it('writes pwritev at its offset argument, and leaves the fd offset alone', () => {
    const h = history([
      '1  openat(AT_FDCWD</w>, "/d/f", O_WRONLY|O_CREAT, 0644) = 3</d/f>',
      '1  pwritev(3</d/f>, [{iov_base="ab", iov_len=2}], 1, 100) = 2',
      '1  write(3</d/f>, "c", 1) = 1',
    ]);
    expect(h.calls.slice(-2)).toEqual(['pwritev(f, 2 bytes @100)', 'write(f, 1 bytes @0)']);
  });

  it('writes pwritev2 at its offset, at the fd offset for -1 (moving it), and at the end for RWF_APPEND', () => {
    const h = history([
      '1  openat(AT_FDCWD</w>, "/d/f", O_WRONLY|O_CREAT, 0644) = 3</d/f>',
      '1  pwritev2(3</d/f>, [{iov_base="ab", iov_len=2}], 1, 50, 0) = 2',
      '1  pwritev2(3</d/f>, [{iov_base="cd", iov_len=2}], 1, -1, 0) = 2',
      '1  write(3</d/f>, "e", 1) = 1',
      '1  pwritev2(3</d/f>, [{iov_base="f", iov_len=1}], 1, 10, RWF_APPEND) = 1',
    ]);
    expect(h.calls.slice(-4)).toEqual(['pwritev2(f, 2 bytes @50)', 'pwritev2(f, 2 bytes @0)', 'write(f, 1 bytes @2)', 'pwritev2(f, 1 bytes @52)']);
  });

  it('reports a file opened without O_CREAT that no traced call made once, and models none of its writes', () => {
    const h = history(['1  openat(AT_FDCWD</w>, "/d/old", O_WRONLY) = 3</d/old>', '1  write(3</d/old>, "x", 1) = 1', '1  fsync(3</d/old>) = 0']);
    expect(h.unmodelled.map((u) => u.reason)).toEqual([expect.stringContaining('old was opened but no traced call created it')]);
    expect(h.ops.slice(1)).toEqual([]);
  });

  it('records the bytes a short write wrote, and no op for a write of none', () => {
    const h = history([
      '1  openat(AT_FDCWD</w>, "/d/f", O_WRONLY|O_CREAT, 0644) = 3</d/f>',
      '1  write(3</d/f>, "abcdef", 6) = 3',
      '1  write(3</d/f>, "", 0) = 0',
      '1  write(3</d/f>, "g", 1) = 1',
    ]);
    expect(h.calls.slice(1)).toEqual(['openat(f, O_CREAT)', 'write(f, 3 bytes @0)', 'write(f, 1 bytes @3)']);
    const state = stateAfter(knobs, h.ops, h.ops.length);
    expect(new TextDecoder().decode(bytesOf(state, inodeAt(state, '/f') ?? -1))).toBe('abcg');
  });

  it('truncates on O_TRUNC only a file that has bytes, and reports a create in a directory no traced call made', () => {
    const { calls, reported } = modelled([
      '1  openat(AT_FDCWD</w>, "/d/f", O_WRONLY|O_CREAT, 0644) = 3</d/f>',
      '1  openat(AT_FDCWD</w>, "/d/f", O_WRONLY|O_TRUNC) = 4</d/f>',
      '1  write(4</d/f>, "ab", 2) = 2',
      '1  openat(AT_FDCWD</w>, "/d/f", O_RDWR|O_TRUNC) = 5</d/f>',
      '1  openat(AT_FDCWD</w>, "/d/f", O_RDONLY|O_TRUNC) = 6</d/f>',
      '1  openat(AT_FDCWD</w>, "/d/nodir/g", O_WRONLY|O_CREAT, 0644) = 7</d/nodir/g>',
    ]);
    expect({ calls, reported }).toEqual({ calls: ['openat(f, O_CREAT)', 'write(f, 2 bytes @0)', 'openat(f, O_TRUNC)'], reported: ['nodir/g was created in a directory no traced call made'] });
  });

  it('makes a directory once, reports one in a directory no traced call made, and takes the path form of truncate', () => {
    const { calls, reported } = modelled([
      '1  mkdir("/d", 0777) = 0',
      '1  mkdir("/d/x", 0777) = 0',
      '1  mkdir("/d/x", 0777) = 0',
      '1  mkdir("/d/nodir/y", 0777) = 0',
      '1  openat(AT_FDCWD</w>, "/d/x/f", O_WRONLY|O_CREAT, 0644) = 3</d/x/f>',
      '1  truncate("/d/x/f", 4096) = 0',
      '1  truncate("/elsewhere/f", 10) = 0',
    ]);
    expect({ calls, reported }).toEqual({ calls: ['mkdir(x)', 'openat(x/f, O_CREAT)', 'truncate(x/f, 4096)'], reported: ['mkdir of nodir/y in a directory no traced call made'] });
  });

  it('moves the fd offset to what lseek returns, and to _llseek\'s result argument', () => {
    const h = history([
      '1  openat(AT_FDCWD</w>, "/d/f", O_WRONLY|O_CREAT, 0644) = 3</d/f>',
      '1  lseek(3</d/f>, 20, SEEK_SET) = 20',
      '1  write(3</d/f>, "a", 1) = 1',
      // strace joins _llseek's two halves of the offset into one number (its tests/llseek.c).
      '1  _llseek(3</d/f>, 300, [300], SEEK_SET) = 0',
      '1  write(3</d/f>, "b", 1) = 1',
    ]);
    expect(h.calls.slice(-2)).toEqual(['write(f, 1 bytes @20)', 'write(f, 1 bytes @300)']);
  });

  it('renames a directory as a directory, reports the rename of a file no traced call made, and takes ftruncate', () => {
    const h = history([
      '1  mkdir("/d/a", 0777) = 0',
      '1  rename("/d/a", "/d/b") = 0',
      '1  rename("/d/ghost", "/d/c") = 0',
      '1  openat(AT_FDCWD</w>, "/d/b/f", O_WRONLY|O_CREAT, 0644) = 3</d/b/f>',
      '1  ftruncate(3</d/b/f>, 10) = 0',
    ]);
    expect(h.calls.slice(1)).toEqual(['mkdir(a)', 'rename(a/ → b/)', 'openat(b/f, O_CREAT)', 'ftruncate(b/f, 10)']);
    expect(h.ops.map((o) => o.kind).slice(1)).toEqual(['mkdir', 'renameDir', 'create', 'truncate']);
    expect(h.unmodelled.map((u) => u.reason)).toEqual(['rename of ghost, which no traced call created']);
  });

  it('reports each directory rename it does not model, and records none of them; a directory renamed onto itself changes nothing', () => {
    const { kinds, reported } = modelled([
      '1  mkdir("/d/a", 0777) = 0',
      '1  mkdir("/d/b", 0777) = 0',
      '1  openat(AT_FDCWD</w>, "/d/f", O_WRONLY|O_CREAT, 0644) = 3</d/f>',
      '1  renameat2(AT_FDCWD</w>, "/d/a", AT_FDCWD</w>, "/d/b", RENAME_EXCHANGE) = 0',
      '1  rename("/d/a", "/w/a") = 0',
      '1  rename("/d/a", "/d/b") = 0',
      '1  rename("/d/a", "/d/f") = 0',
      '1  rename("/d", "/d/c") = 0',
      '1  rename("/d/a", "/d/a") = 0',
    ]);
    expect(reported).toEqual([
      'RENAME_EXCHANGE of the directory a is not modelled',
      'the directory a was moved out of --dir: not modelled',
      'rename of the directory a onto b, which exists, is not modelled',
      'rename of the directory a onto f, which exists, is not modelled',
      'rename of the directory . onto c, which exists, is not modelled',
    ]);
    expect(kinds).toEqual(['mkdir', 'mkdir', 'create']);
  });

  it('links a known file, reports a link to one it does not know (inside or outside --dir), and ignores a link made outside', () => {
    const { calls, reported } = modelled([
      '1  openat(AT_FDCWD</w>, "/d/f", O_WRONLY|O_CREAT, 0644) = 3</d/f>',
      '1  link("/d/f", "/d/g") = 0',
      '1  link("/d/ghost", "/d/h") = 0',
      '1  link("/w/x", "/d/i") = 0',
      '1  link("/d/f", "/w/y") = 0',
      '1  linkat(AT_FDCWD</w>, "/d/g", AT_FDCWD</w>, "/d/j", 0) = 0',
      // A rename of a path onto itself changes nothing, and is not recorded.
      '1  rename("/d/f", "/d/f") = 0',
    ]);
    expect(calls).toEqual(['openat(f, O_CREAT)', 'link(f → g)', 'linkat(g → j)']);
    expect(reported).toEqual(['hard link h to /d/ghost, a file crash-test does not know', 'hard link i to /w/x, a file crash-test does not know']);
  });

  it('unlinks a known file, reports an unknown one, removes only a directory by rmdir, never --dir itself, and reports symbolic links under --dir', () => {
    const { calls, kinds, reported } = modelled([
      '1  mkdir("/d/x", 0777) = 0',
      '1  openat(AT_FDCWD</w>, "/d/f", O_WRONLY|O_CREAT, 0644) = 3</d/f>',
      '1  rmdir("/d/f") = 0',
      '1  unlink("/d/ghost") = 0',
      '1  unlink("/d") = 0',
      '1  unlinkat(AT_FDCWD</w>, "/d/x", AT_REMOVEDIR) = 0',
      '1  unlinkat(AT_FDCWD</w>, "/d/f", 0) = 0',
      '1  symlink("/d/f", "/d/s") = 0',
      '1  symlinkat("/d/f", AT_FDCWD</w>, "/d/t") = 0',
      '1  symlink("/d/f", "/w/u") = 0',
      // Relative link paths: symlinkat's against its directory fd, symlink's against the cwd (/w).
      '1  openat(AT_FDCWD</w>, "/d", O_RDONLY|O_DIRECTORY) = 4</d>',
      '1  symlinkat("f", 4</d>, "v") = 0',
      '1  symlink("f", "w") = 0',
    ]);
    expect(calls).toEqual(['mkdir(x)', 'openat(f, O_CREAT)', 'unlinkat(x)', 'unlinkat(f)']);
    expect(kinds).toEqual(['mkdir', 'create', 'rmdir', 'unlink']);
    expect(reported).toEqual(['unlink of ghost, which no traced call created', 'symbolic links are not modelled', 'symbolic links are not modelled', 'symbolic links are not modelled']);
  });

  it('reports what fallocate and renameat2 do that crash-sim does not model; a file renamed out of --dir is unlinked', () => {
    const h = history([
      '1  openat(AT_FDCWD</w>, "/d/f", O_RDWR|O_CREAT, 0644) = 3</d/f>',
      '1  openat(AT_FDCWD</w>, "/d/g", O_RDWR|O_CREAT, 0644) = 4</d/g>',
      '1  fallocate(3</d/f>, FALLOC_FL_COLLAPSE_RANGE, 0, 4096) = 0',
      '1  fallocate(3</d/f>, FALLOC_FL_INSERT_RANGE, 0, 4096) = 0',
      '1  renameat2(AT_FDCWD</w>, "/d/f", AT_FDCWD</w>, "/d/g", RENAME_EXCHANGE) = 0',
      '1  rename("/d/g", "/w/g") = 0',
    ]);
    expect(h.unmodelled.map((u) => u.reason)).toEqual([
      'fallocate collapse/insert range on f is not modelled',
      'fallocate collapse/insert range on f is not modelled',
      'RENAME_EXCHANGE of f is not modelled',
    ]);
    expect(h.calls.at(-1)).toBe('rename(g → outside)');
    expect(h.ops.at(-1)?.kind).toBe('unlink');
  });

  it('ignores failed calls and everything outside --dir', () => {
    const h = history([
      '1  rename("/w/a", "/w/b") = 0',
      '1  openat(AT_FDCWD</w>, "/d/nope", O_RDONLY) = -1 ENOENT (No such file or directory)',
      '1  openat(AT_FDCWD</w>, "/elsewhere/x", O_WRONLY|O_CREAT, 0644) = 3</elsewhere/x>',
      '1  write(3</elsewhere/x>, "zz", 2) = 2',
    ]);
    expect(h.ops).toHaveLength(1);
    expect(h.unmodelled).toEqual([]);
  });

  it('starts from what --dir held, durable: a crash right away keeps it', () => {
    const h = history(['1  unlink("/d/old") = 0'], new Map([['old', text('kept?')]]));
    const space = crashSpace(stateAfter(knobs, h.ops, h.ops.length));
    const images = enumerateCrashStates(space, { maxStates: 100, seed: 1 }).states.map((s) => [...s.files.keys()].join(','));
    expect(images.sort()).toEqual(['', '/old']);
  });
});
