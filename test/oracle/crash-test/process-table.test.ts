// oracle/crash-test/process-table.ts: the fd tables and current directories of a traced workload,
// rebuilt call by call. A thread (CLONE_FILES) shares its parent's fd table and a fork copies it,
// while the open file descriptions (and so their offsets) stay shared either way; CLONE_FS shares
// the current directory; execve drops close-on-exec fds; close_range closes or marks a range; and
// relative paths resolve against the cwd, a dirfd's -y path, or a --dir file's real path.
import { describe, expect, it } from 'vitest';
import { ProcessTable, type OpenFile, type Proc } from '../../../oracle/crash-test/process-table.js';
import type { Syscall } from '../../../oracle/crash-test/strace-parse.js';

const call = (name: string, args: readonly string[], ret: number | null = 0): Syscall => ({ line: 1, pid: 1, name, args, ret, errno: null, retPath: null, retExtra: '' });
/** A process the table could place (proc gives null only while it cannot). */
function placed(proc: Proc | null): Proc {
  expect(proc).not.toBeNull();
  return proc as Proc;
}
const file = (path: string, kind: OpenFile['kind'] = 'file'): OpenFile => ({ kind, path, inode: kind === 'file' ? 1 : null, offset: 0, append: false });

function tableWithFds(): { table: ProcessTable; parent: Proc } {
  const table = new ProcessTable('/home/w', '/data');
  const parent = placed(table.proc(100));
  parent.fds.set(3, { file: file('/log'), cloexec: false });
  parent.fds.set(4, { file: file('/tmp/x', 'outside'), cloexec: true });
  return { table, parent };
}

describe('ProcessTable.proc', () => {
  it('starts the first process in the workload cwd with no fds, and gives a process first seen later the root tables', () => {
    const table = new ProcessTable('/home/w', '/data');
    const root = placed(table.proc(100));
    expect(root.cwd.path).toBe('/home/w');
    expect(root.fds.size).toBe(0);
    expect(table.proc(100)).toBe(root);
    // A process first seen while no clone is running (its clone was not traced): the root's tables.
    const early = placed(table.proc(101));
    expect(early.fds).toBe(root.fds);
    expect(early.cwd).toBe(root.cwd);
  });

  it('places a process first seen while one clone runs as that clone\'s child, and keeps it when the clone returns', () => {
    const { table, parent } = tableWithFds();
    const fork = (ret: number | null, started?: true): Syscall => ({ ...call('clone', ['child_stack=NULL', 'flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD'], ret), pid: 100, ...(started ? { started } : {}) });
    table.cloneStarted(fork(null, true));
    const child = placed(table.proc(300));
    // A copy of the cloning process's table (not the root's, not shared), its descriptions shared.
    expect([...child.fds.keys()]).toEqual([3, 4]);
    expect(child.fds).not.toBe(parent.fds);
    expect(child.fds.get(3)?.file).toBe(parent.fds.get(3)?.file);
    expect(child.cwd).not.toBe(parent.cwd);
    child.fds.set(5, { file: file('/child'), cloexec: false });
    table.clone(parent, fork(300));
    expect(table.proc(300)).toBe(child);
    expect([...placed(table.proc(300)).fds.keys()]).toEqual([3, 4, 5]);
    // The clone has returned: a later unknown pid is no child of it (the root's shared tables, as before).
    expect(placed(table.proc(301)).fds).toBe(parent.fds);
  });

  it('shares the cloning thread\'s table with CLONE_FILES when placed early', () => {
    const { table, parent } = tableWithFds();
    table.cloneStarted({ ...call('clone3', ['{flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD, exit_signal=0}', '88'], null), pid: 100, started: true });
    const thread = placed(table.proc(200));
    expect(thread.fds).toBe(parent.fds);
    expect(thread.cwd).toBe(parent.cwd);
  });

  it('places a thread first seen while two threads of one process clone at once: both would share the same tables with it', () => {
    const { table, parent } = tableWithFds();
    const thread = (pid: number, ret: number | null): Syscall => ({ ...call('clone3', ['{flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD, exit_signal=0}', '88'], ret), pid });
    table.clone(parent, thread(100, 200));
    table.cloneStarted({ ...thread(100, null), started: true });
    table.cloneStarted({ ...thread(200, null), started: true });
    const early = placed(table.proc(300));
    expect(early.fds).toBe(parent.fds);
    expect(early.cwd).toBe(parent.cwd);
    // Whichever clone returns it, it keeps the place it was given.
    table.clone(parent, thread(200, 300));
    expect(table.proc(300)).toBe(early);
  });

  it.each([
    ['a thread and a fork of one process', [[100, 'CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_THREAD'], [150, 'SIGCHLD']]],
    ['two clones of one process, one sharing the fd table and one copying it (both sharing the cwd)', [[100, 'CLONE_VM|CLONE_FS|CLONE_FILES'], [150, 'CLONE_FS|SIGCHLD']]],
    ['two threads of one process, one sharing the cwd and one not', [[100, 'CLONE_VM|CLONE_FS|CLONE_FILES'], [150, 'CLONE_VM|CLONE_FILES']]],
    ['threads of two processes that share the fd table but not the cwd', [[100, 'CLONE_VM|CLONE_FS|CLONE_FILES'], [160, 'CLONE_VM|CLONE_FS|CLONE_FILES']]],
    ['threads of two processes that share the cwd but not the fd table', [[100, 'CLONE_VM|CLONE_FS|CLONE_FILES'], [170, 'CLONE_VM|CLONE_FS|CLONE_FILES']]],
  ] as const)('cannot place a process first seen while two clones that would give it different tables run: %s', (_name, clones) => {
    const { table, parent } = tableWithFds();
    const clone = (pid: number, flags: string, ret: number | null): Syscall => ({ ...call('clone', ['child_stack=0x7f', `flags=${flags}`], ret), pid });
    // 150 is a second thread of the root process; 160 shares the root's fd table, not its cwd; 170 its cwd, not its fd table.
    table.clone(parent, clone(100, 'CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_THREAD', 150));
    table.clone(parent, clone(100, 'CLONE_VM|CLONE_FILES', 160));
    table.clone(parent, clone(100, 'CLONE_VM|CLONE_FS', 170));
    expect(placed(table.proc(160)).fds).toBe(parent.fds);
    expect(placed(table.proc(170)).cwd).toBe(parent.cwd);
    for (const [pid, flags] of clones) table.cloneStarted({ ...clone(pid, flags, null), started: true });
    expect(table.proc(300)).toBeNull();
  });

  it('cannot place a process first seen while two clones of processes with different tables run (null) until one returns it; adopt gives the root\'s tables as a last guess', () => {
    const { table, parent } = tableWithFds();
    const fork = (pid: number, ret: number | null): Syscall => ({ ...call('fork', [], ret), pid });
    // 150 is a fork of the root: a table of its own.
    table.clone(parent, fork(100, 150));
    const other = placed(table.proc(150));
    table.cloneStarted({ ...fork(100, null), started: true });
    table.cloneStarted({ ...fork(150, null), started: true });
    expect(table.proc(300)).toBeNull();
    expect(table.proc(301)).toBeNull();
    table.clone(parent, fork(100, 300));
    expect([...placed(table.proc(300)).fds.keys()]).toEqual([3, 4]);
    expect(table.adopt(300)).toBe(table.proc(300));
    // One clone runs again (pid 150's): 301 is now placed as its child.
    expect(placed(table.proc(301)).fds).not.toBe(other.fds);
    expect(table.adopt(302).fds).toBe(parent.fds);
  });
});

describe('ProcessTable.clone', () => {
  it('shares the fd table with CLONE_FILES and the cwd with CLONE_FS (a thread)', () => {
    const { table, parent } = tableWithFds();
    table.clone(parent, call('clone', ['child_stack=0x7f', 'flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD'], 200));
    const thread = placed(table.proc(200));
    expect(thread.fds).toBe(parent.fds);
    expect(thread.cwd).toBe(parent.cwd);
  });

  it('copies the fd table and the cwd at a fork, the open file descriptions (their offsets) still shared', () => {
    const { table, parent } = tableWithFds();
    table.clone(parent, call('clone', ['child_stack=NULL', 'flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD'], 300));
    const child = placed(table.proc(300));
    expect(child.fds).not.toBe(parent.fds);
    expect(child.cwd).not.toBe(parent.cwd);
    expect(child.cwd.path).toBe('/home/w');
    expect([...child.fds.keys()]).toEqual([3, 4]);
    expect(child.fds.get(3)?.file).toBe(parent.fds.get(3)?.file);
    // Closing in the child leaves the parent's fd; marking close-on-exec in one leaves the other's flag.
    child.fds.delete(3);
    expect(parent.fds.has(3)).toBe(true);
    (child.fds.get(4) as { cloexec: boolean }).cloexec = false;
    expect(parent.fds.get(4)?.cloexec).toBe(true);
  });

  it('makes no process for a clone that failed, or in the child (return 0)', () => {
    const { table, parent } = tableWithFds();
    table.clone(parent, call('clone', ['flags=SIGCHLD'], -1));
    table.clone(parent, call('clone', ['flags=SIGCHLD'], 0));
    table.clone(parent, call('clone', ['flags=SIGCHLD'], null));
    // Unknown pids (0 included) still get the root's tables, not a copy.
    expect(placed(table.proc(0)).fds).toBe(parent.fds);
    expect(placed(table.proc(400)).fds).toBe(parent.fds);
  });
});

describe('ProcessTable.exec, close and closeRange', () => {
  it('drops the close-on-exec fds at execve and keeps the rest', () => {
    const { table, parent } = tableWithFds();
    table.exec(parent);
    expect([...parent.fds.keys()]).toEqual([3]);
  });

  it('closes one fd, and ignores AT_FDCWD and an argument that is no fd', () => {
    const { table, parent } = tableWithFds();
    table.close(parent, call('close', ['3</data/log>']));
    expect([...parent.fds.keys()]).toEqual([4]);
    table.close(parent, call('close', ['AT_FDCWD']));
    table.close(parent, call('close', ['garbage']));
    expect([...parent.fds.keys()]).toEqual([4]);
  });

  it('closes every fd in an inclusive range, or with CLOSE_RANGE_CLOEXEC marks them instead', () => {
    const { table, parent } = tableWithFds();
    parent.fds.set(5, { file: file('/other'), cloexec: false });
    parent.fds.set(9, { file: file('/far'), cloexec: false });
    table.closeRange(parent, call('close_range', ['4', '5', 'CLOSE_RANGE_CLOEXEC']));
    expect([...parent.fds].map(([fd, e]) => [fd, e.cloexec])).toEqual([
      [3, false],
      [4, true],
      [5, true],
      [9, false],
    ]);
    table.closeRange(parent, call('close_range', ['4', '5', '0']));
    expect([...parent.fds.keys()]).toEqual([3, 9]);
    table.closeRange(parent, call('close_range', ['0x3', '0', '0']));
    expect([...parent.fds.keys()]).toEqual([3, 9]);
    table.closeRange(parent, call('close_range', ['3', '4294967295', '0']));
    expect(parent.fds.size).toBe(0);
  });
});

describe('ProcessTable.resolve, chdir and fchdir', () => {
  it('resolves absolute paths as they are, relative ones against the cwd, AT_FDCWD or a dirfd', () => {
    const { table, parent } = tableWithFds();
    parent.fds.set(6, { file: file('/sub', 'dir'), cloexec: false });
    parent.fds.set(7, { file: file('/', 'dir'), cloexec: false });
    parent.fds.set(8, { file: file('/elsewhere/dir', 'outside'), cloexec: false });
    expect(table.resolve(parent, '"/abs//x/../y"', null)).toBe('/abs/y');
    expect(table.resolve(parent, '"rel/x"', null)).toBe('/home/w/rel/x');
    expect(table.resolve(parent, '"rel"', 'AT_FDCWD')).toBe('/home/w/rel');
    // -y printed the directory's path: it wins.
    expect(table.resolve(parent, '"x"', '6</data/sub>')).toBe('/data/sub/x');
    expect(table.resolve(parent, '"x"', '9</data/renamed>')).toBe('/data/renamed/x');
    // No -y path: the fd's file, a --dir path under --dir's real path, or an outside path as it is.
    expect(table.resolve(parent, '"x"', '6')).toBe('/data/sub/x');
    expect(table.resolve(parent, '"x"', '7')).toBe('/data/x');
    expect(table.resolve(parent, '"x"', '8')).toBe('/elsewhere/dir/x');
  });

  it('gives up (null) on a path strace did not print whole, an unknown dirfd, or a dirfd that is no fd', () => {
    const { table, parent } = tableWithFds();
    expect(table.resolve(parent, '0x7ffd1234', null)).toBeNull();
    expect(table.resolve(parent, '"x"', '42')).toBeNull();
    expect(table.resolve(parent, '"x"', 'nonsense')).toBeNull();
  });

  it('moves the cwd by chdir (relative or absolute) and by fchdir to a directory strace named', () => {
    const { table, parent } = tableWithFds();
    table.chdir(parent, call('chdir', ['"../data"']));
    expect(parent.cwd.path).toBe('/home/data');
    table.chdir(parent, call('chdir', ['0x1234']));
    expect(parent.cwd.path).toBe('/home/data');
    table.fchdir(parent, call('fchdir', ['5</data/sub>']));
    expect(parent.cwd.path).toBe('/data/sub');
    table.fchdir(parent, call('fchdir', ['5']));
    expect(parent.cwd.path).toBe('/data/sub');
    table.fchdir(parent, call('fchdir', ['junk']));
    expect(parent.cwd.path).toBe('/data/sub');
  });
});
