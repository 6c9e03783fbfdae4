// The processes of a traced workload, as far as crash-test needs them: each one's fd table and
// current directory. strace shows calls, not this bookkeeping, so it is rebuilt call by call:
//   - fd tables: per process, shared by threads (CLONE_FILES), copied at fork; an entry is an open
//     file description (path, inode, offset, O_APPEND), shared by dup/dup2/dup3/fcntl(F_DUPFD)
//     and across fork, so an offset moved through one fd moves for all of them;
//   - the current directory, per process, for relative paths (-y prints it for AT_FDCWD only);
//   - close-on-exec fds are dropped at a successful execve;
//   - a child may run, and be traced, before its parent's clone returns (strace prints the clone
//     unfinished first): it is placed from the clones still running when they all would give it
//     the same tables (one clone, or threads of one process cloning at once, as Go's runtime
//     does), never from a guess that depends on how strace's lines fell.
// Pure bookkeeping: nothing here records an op (syscall-history.ts does).

import { normalizePath } from '../../crash-sim/sim-paths.js';
import { argAt, decodeString, flagSet, parseFd, parseNumber } from './strace-args.js';
import type { Syscall } from './strace-parse.js';

/** An open file description. */
export interface OpenFile {
  readonly kind: 'file' | 'dir' | 'stdout' | 'outside';
  /** The --dir-relative simulator path at open time, or the real path outside. */
  readonly path: string;
  readonly inode: number | null;
  offset: number;
  append: boolean;
}

export interface FdEntry {
  readonly file: OpenFile;
  cloexec: boolean;
}

export interface Proc {
  fds: Map<number, FdEntry>;
  cwd: { path: string };
}

/** A child's tables before they are made: whose, and whether shared or copied. */
interface ChildShape {
  readonly parent: Proc;
  readonly sharesFds: boolean;
  readonly sharesCwd: boolean;
}

/** Whether two clones give their child the same tables: the same table and cwd, each shared or copied alike (copies made now are equal). */
function sameShape(a: ChildShape, b: ChildShape): boolean {
  return a.parent.fds === b.parent.fds && a.parent.cwd === b.parent.cwd && a.sharesFds === b.sharesFds && a.sharesCwd === b.sharesCwd;
}

export class ProcessTable {
  readonly #procs = new Map<number, Proc>();
  readonly #cwd: string;
  readonly #dataDir: string;
  /** The first process seen: the workload itself. */
  #root: Proc | null = null;
  /** The clone-family calls that have started and not returned, by the caller's pid. */
  readonly #cloning = new Map<number, Syscall>();
  /** Children placed before their parent's clone returned: child pid → the pids whose running clone could have made it. */
  readonly #placedEarly = new Map<number, ReadonlySet<number>>();

  /** `cwd`: where the workload started; `dataDir`: the real path of --dir (the simulator's '/'). */
  constructor(cwd: string, dataDir: string) {
    this.#cwd = cwd;
    this.#dataDir = dataDir;
  }

  /**
   * The process `pid`. The first one seen is the workload. One seen for the first time later is a
   * child whose parent's clone has not returned yet (strace printed the clone unfinished): when
   * every clone running would give it the same tables (one clone, or threads of one process that
   * clone at once) it is placed now; with none running, it gets the root's tables; when they
   * differ, it cannot be told yet, and null says to hold its calls until a clone returns it.
   * Placing at once matters: a held thread's calls would be read after those of the threads that
   * share its table, which then use descriptors it opened before it was placed.
   */
  proc(pid: number): Proc | null {
    const known = this.#procs.get(pid);
    if (known !== undefined) return known;
    // No clone runs before the root is known: cloneStarted comes from a process already placed.
    const root = this.#root;
    if (root === null || this.#cloning.size === 0) return this.#withRootTables(pid);
    const running = [...this.#cloning.values()];
    const shapes = running.map((call) => this.#childShape(this.#procs.get(call.pid) ?? root, call));
    const first = shapes[0];
    if (first === undefined || shapes.some((shape) => !sameShape(shape, first))) return null;
    this.#placedEarly.set(pid, new Set(running.map((call) => call.pid)));
    return this.#place(pid, this.#child(first));
  }

  /** The process `pid`; one never placed (its parent's clone never returned it) gets the root's tables, as a last guess. */
  adopt(pid: number): Proc {
    return this.#procs.get(pid) ?? this.#withRootTables(pid);
  }

  /** `pid` sharing the root's fd table and cwd; the first process seen gets fresh ones (it is the root). */
  #withRootTables(pid: number): Proc {
    const root = this.#root;
    return this.#place(pid, root === null ? { fds: new Map(), cwd: { path: this.#cwd } } : { fds: root.fds, cwd: root.cwd });
  }

  #place(pid: number, proc: Proc): Proc {
    this.#root ??= proc;
    this.#procs.set(pid, proc);
    return proc;
  }

  /** Resolves a path argument against a dirfd argument (or the cwd) to a real absolute path. */
  resolve(proc: Proc, pathArg: string, dirfdArg: string | null): string | null {
    const decoded = decodeString(pathArg);
    if (decoded === null) return null;
    const path = new TextDecoder().decode(decoded.bytes);
    if (path.startsWith('/')) return normalizePath(path);
    let base = proc.cwd.path;
    if (dirfdArg !== null) {
      const fd = parseFd(dirfdArg);
      if (fd === null) return null;
      if (fd.path !== null) base = fd.path;
      else if (fd.fd !== 'AT_FDCWD') {
        const entry = proc.fds.get(fd.fd);
        if (entry === undefined) return null;
        // A --dir path under --dir's real path ('/' gives a doubled slash, which normalizePath drops).
        base = entry.file.kind === 'outside' ? entry.file.path : `${this.#dataDir}${entry.file.path}`;
      }
    }
    return normalizePath(`${base}/${path}`);
  }

  /** The first half of a clone-family call: until it returns, a process seen for the first time may be its child. */
  cloneStarted(call: Syscall): void {
    this.#cloning.set(call.pid, call);
  }

  /** clone, fork: the child shares or copies the parent's fd table and current directory (unless it was placed early, from this very call). */
  clone(proc: Proc, call: Syscall): void {
    this.#cloning.delete(call.pid);
    if (call.ret === null || call.ret <= 0) return;
    const placedBy = this.#placedEarly.get(call.ret);
    this.#placedEarly.delete(call.ret);
    if (placedBy?.has(call.pid) !== true) this.#procs.set(call.ret, this.#child(this.#childShape(proc, call)));
  }

  /** What a clone-family call of `parent` gives its child: CLONE_FILES shares the fd table, CLONE_FS the cwd; otherwise copies. */
  #childShape(parent: Proc, call: Syscall): ChildShape {
    const flags = flagSet((/flags=([A-Z_|0-9]+)/.exec(call.args.join(',')) ?? [])[1] ?? '');
    return { parent, sharesFds: flags.has('CLONE_FILES'), sharesCwd: flags.has('CLONE_FS') };
  }

  #child({ parent, sharesFds, sharesCwd }: ChildShape): Proc {
    const copy = new Map([...parent.fds].map(([fd, e]) => [fd, { file: e.file, cloexec: e.cloexec }] as const));
    return { fds: sharesFds ? parent.fds : copy, cwd: sharesCwd ? parent.cwd : { path: parent.cwd.path } };
  }

  /** execve: close-on-exec fds go. */
  exec(proc: Proc): void {
    for (const [fd, entry] of proc.fds) if (entry.cloexec) proc.fds.delete(fd);
  }

  close(proc: Proc, call: Syscall): void {
    const fd = parseFd(argAt(call, 0));
    if (fd !== null && fd.fd !== 'AT_FDCWD') proc.fds.delete(fd.fd);
  }

  closeRange(proc: Proc, call: Syscall): void {
    const first = parseNumber(argAt(call, 0)) ?? 0;
    const last = parseNumber(argAt(call, 1)) ?? 0;
    const cloexecOnly = argAt(call, 2).includes('CLOSE_RANGE_CLOEXEC');
    for (const [fd, entry] of proc.fds) {
      if (fd < first || fd > last) continue;
      if (cloexecOnly) entry.cloexec = true;
      else proc.fds.delete(fd);
    }
  }

  chdir(proc: Proc, call: Syscall): void {
    const real = this.resolve(proc, argAt(call, 0), null);
    if (real !== null) proc.cwd.path = real;
  }

  fchdir(proc: Proc, call: Syscall): void {
    const fd = parseFd(argAt(call, 0));
    if (fd?.path !== null && fd?.path !== undefined) proc.cwd.path = fd.path;
  }
}
