// The processes of a traced workload, as far as crash-test needs them: each one's fd table and
// current directory. strace shows calls, not this bookkeeping, so it is rebuilt call by call:
//   - fd tables: per process, shared by threads (CLONE_FILES), copied at fork; an entry is an open
//     file description (path, inode, offset, O_APPEND), shared by dup/dup2/dup3/fcntl(F_DUPFD)
//     and across fork, so an offset moved through one fd moves for all of them;
//   - the current directory, per process, for relative paths (-y prints it for AT_FDCWD only);
//   - close-on-exec fds are dropped at a successful execve.
// Pure bookkeeping: nothing here records an op (syscall-history.ts does).

import { normalizePath } from '../../crash-sim/sim-paths.js';
import { argAt, decodeString, flagSet, parseFd, parseNumber, type Syscall } from './strace-parse.js';

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

  /** `cwd`: where the workload started; `dataDir`: the real path of --dir (the simulator's '/'). */
  constructor(cwd: string, dataDir: string) {
    this.#cwd = cwd;
    this.#dataDir = dataDir;
  }

  /** The process `pid`; one seen for the first time before its parent's clone returned shares the root's tables. */
  proc(pid: number): Proc {
    let proc = this.#procs.get(pid);
    if (proc === undefined) {
      const root = this.#root;
      proc = root === null ? { fds: new Map(), cwd: { path: this.#cwd } } : { fds: root.fds, cwd: root.cwd };
      this.#root ??= proc;
      this.#procs.set(pid, proc);
    }
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

  /** clone, fork: the child shares or copies the parent's fd table and current directory. */
  clone(proc: Proc, call: Syscall): void {
    if (call.ret === null || call.ret <= 0) return;
    const flags = flagSet((/flags=([A-Z_|0-9]+)/.exec(call.args.join(',')) ?? [])[1] ?? '');
    const copy = new Map([...proc.fds].map(([fd, e]) => [fd, { file: e.file, cloexec: e.cloexec }] as const));
    this.#procs.set(call.ret, { fds: flags.has('CLONE_FILES') ? proc.fds : copy, cwd: flags.has('CLONE_FS') ? proc.cwd : { path: proc.cwd.path } });
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
