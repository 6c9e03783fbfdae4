// The processes of a traced workload, as far as crash-test needs them: each one's fd table and
// current directory. strace shows calls, not this bookkeeping, so it is rebuilt call by call:
//   - fd tables: per process, shared by threads (CLONE_FILES), copied at fork; an entry is an open
//     file description (path, inode, offset, O_APPEND), shared by dup/dup2/dup3/fcntl(F_DUPFD)
//     and across fork, so an offset moved through one fd moves for all of them;
//   - the current directory, per process, for relative paths (-y prints it for AT_FDCWD only);
//   - close-on-exec fds are dropped at a successful execve;
//   - a child may run, and be traced, before its parent's clone returns (strace prints the clone
//     unfinished first): it is placed from the clone still running, never from a guess that
//     depends on how strace's lines fell.
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

export class ProcessTable {
  readonly #procs = new Map<number, Proc>();
  readonly #cwd: string;
  readonly #dataDir: string;
  /** The first process seen: the workload itself. */
  #root: Proc | null = null;
  /** The clone-family calls that have started and not returned, by the caller's pid. */
  readonly #cloning = new Map<number, Syscall>();
  /** Children placed before their parent's clone returned: child pid → parent pid. */
  readonly #placedEarly = new Map<number, number>();

  /** `cwd`: where the workload started; `dataDir`: the real path of --dir (the simulator's '/'). */
  constructor(cwd: string, dataDir: string) {
    this.#cwd = cwd;
    this.#dataDir = dataDir;
  }

  /**
   * The process `pid`. The first one seen is the workload. One seen for the first time later is a
   * child whose parent's clone has not returned yet (strace printed the clone unfinished): with
   * one such clone running it is that clone's child; with none, it gets the root's tables; with
   * several, it cannot be told yet, and null says to hold its calls until a clone returns it.
   */
  proc(pid: number): Proc | null {
    const known = this.#procs.get(pid);
    if (known !== undefined) return known;
    // No clone runs before the root is known: cloneStarted comes from a process already placed.
    if (this.#root === null || this.#cloning.size === 0) return this.#withRootTables(pid);
    if (this.#cloning.size > 1) return null;
    const running = this.#cloning.values().next().value as Syscall;
    this.#placedEarly.set(pid, running.pid);
    return this.#place(pid, this.#child(this.#procs.get(running.pid) ?? this.#root, running));
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
    if (placedBy !== call.pid) this.#procs.set(call.ret, this.#child(proc, call));
  }

  /** The child a clone-family call makes: CLONE_FILES shares the fd table, CLONE_FS the cwd; otherwise copies. */
  #child(parent: Proc, call: Syscall): Proc {
    const flags = flagSet((/flags=([A-Z_|0-9]+)/.exec(call.args.join(',')) ?? [])[1] ?? '');
    const copy = new Map([...parent.fds].map(([fd, e]) => [fd, { file: e.file, cloexec: e.cloexec }] as const));
    return { fds: flags.has('CLONE_FILES') ? parent.fds : copy, cwd: flags.has('CLONE_FS') ? parent.cwd : { path: parent.cwd.path } };
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
