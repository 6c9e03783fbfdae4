// From parsed system calls to a crash-sim history: the op log of crash-sim/sim-state.ts, with one
// call description per op and the workload's acknowledgements as `mark` ops in their place.
// Pure: calls in, data out. Nothing here knows about strace's text (strace-parse.ts does) or about
// running anything (capture.ts, check.ts do).
//
// The simulated file system's root '/' is the --dir; paths outside it are ignored, except where a
// call brings something from outside in (then the call is reported as unmodelled). The live
// namespace (which name is which inode, each file's size) is crash-sim's own state, folded op by
// op with applyOp, so the history and the enumerator can never disagree about it.
//
// Bookkeeping that strace does not show directly:
//   - fd tables: per process, shared by threads (CLONE_FILES), copied at fork; an entry is an open
//     file description (path, inode, offset, O_APPEND), shared by dup/dup2/dup3/fcntl(F_DUPFD)
//     and across fork, so an offset moved through one fd moves for all of them;
//   - the current directory, per process, for relative paths (-y prints it for AT_FDCWD only);
//   - close-on-exec fds are dropped at a successful execve.

import { match, P } from 'ts-pattern';
import type { SimKnobs } from '../../crash-sim/knobs.js';
import { normalizePath, splitPath } from '../../crash-sim/sim-paths.js';
import { applyOp, emptyState, type SimOp, type SimState } from '../../crash-sim/sim-state.js';
import { decodeIovecs, decodeString, flagSet, parseFd, parseNumber, type Syscall } from './strace-parse.js';

/** A call that crash-test cannot turn into crash states faithfully, named in every report. */
export interface Unmodelled {
  readonly line: number;
  readonly call: string;
  readonly reason: string;
}

export interface Ack {
  readonly id: string;
  /** The op-log index of the `mark` op that stands for it. */
  readonly opIndex: number;
}

export interface CapturedHistory {
  readonly knobs: SimKnobs;
  /** Op 0 is the initial image (a `crash` op: everything in --dir before the workload, durable). */
  readonly ops: readonly SimOp[];
  /** For each op, the call it came from, with paths relative to --dir: `rename(a → b)`. */
  readonly calls: readonly string[];
  readonly acks: readonly Ack[];
  readonly unmodelled: readonly Unmodelled[];
  /** Calls that were modelled but deserve a word: sync_file_range (no durability), fallocate. */
  readonly notes: readonly string[];
}

export interface InitialImage {
  /** Files by path relative to --dir ('a/b.log'), with their bytes. */
  readonly files: ReadonlyMap<string, Uint8Array>;
  /** Directories relative to --dir ('a', 'a/b'), not counting --dir itself. */
  readonly dirs: readonly string[];
}

export interface HistoryOptions {
  /** The real, absolute path of --dir (symlinks resolved, as strace -y prints paths). */
  readonly dataDir: string;
  /** The real, absolute path of the file the workload's standard output went to. */
  readonly stdoutPath: string;
  /** The directory the workload started in. */
  readonly cwd: string;
  readonly knobs: SimKnobs;
  readonly initial: InitialImage;
}

interface OpenFile {
  readonly kind: 'file' | 'dir' | 'stdout' | 'outside';
  /** The --dir-relative simulator path at open time, or the real path outside. */
  readonly path: string;
  readonly inode: number | null;
  offset: number;
  append: boolean;
}

interface FdEntry {
  readonly file: OpenFile;
  cloexec: boolean;
}

interface Proc {
  fds: Map<number, FdEntry>;
  cwd: { path: string };
}

const ACK_LINE = /^ACK\s+(\S+)\s*$/;
const WRITE_ACCESS = ['O_WRONLY', 'O_RDWR'];

export function buildHistory(syscalls: readonly Syscall[], options: HistoryOptions): CapturedHistory {
  return new HistoryBuilder(options).run(syscalls);
}

class HistoryBuilder {
  readonly #options: HistoryOptions;
  readonly #state: SimState;
  readonly #ops: SimOp[] = [];
  readonly #calls: string[] = [];
  readonly #acks: Ack[] = [];
  readonly #unmodelled: Unmodelled[] = [];
  readonly #notes = new Set<string>();
  readonly #procs = new Map<number, Proc>();
  #rootPid: number | null = null;
  #stdoutText = '';
  readonly #dirPrefix: string;

  constructor(options: HistoryOptions) {
    this.#options = options;
    this.#state = emptyState(options.knobs);
    this.#dirPrefix = options.dataDir.endsWith('/') ? options.dataDir : `${options.dataDir}/`;
    const files = [...options.initial.files].map(([path, bytes]) => [normalizePath(`/${path}`), bytes] as const);
    const dirs = options.initial.dirs.map((d) => normalizePath(`/${d}`));
    this.#record({ kind: 'crash', files, dirs, description: 'the initial contents of --dir' }, `the initial contents of --dir (${files.length} files, ${dirs.length} directories)`);
  }

  run(syscalls: readonly Syscall[]): CapturedHistory {
    for (const call of syscalls) {
      try {
        this.#call(call);
      } catch (error) {
        // A call that contradicts what crash-test knows of the namespace (an inode it never saw,
        // a directory it does not know) is named, not fatal: the rest of the history still counts.
        this.#report(call, `could not be applied: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return {
      knobs: this.#options.knobs,
      ops: this.#ops,
      calls: this.#calls,
      acks: this.#acks,
      unmodelled: this.#unmodelled,
      notes: [...this.#notes],
    };
  }

  // --- bookkeeping ---------------------------------------------------------------------------

  #record(op: DistributiveOmitIndex<SimOp>, call: string): void {
    const full = { ...op, index: this.#ops.length, durableLsnProbe: null } as SimOp;
    this.#ops.push(full);
    this.#calls.push(call);
    applyOp(this.#state, full);
  }

  #proc(pid: number): Proc {
    let proc = this.#procs.get(pid);
    if (proc === undefined) {
      // A process seen for the first time before its parent's clone returned, or the root.
      const root = this.#rootPid === null ? null : this.#procs.get(this.#rootPid);
      proc = root === undefined || root === null ? { fds: new Map(), cwd: { path: this.#options.cwd } } : { fds: root.fds, cwd: root.cwd };
      if (this.#rootPid === null) this.#rootPid = pid;
      this.#procs.set(pid, proc);
    }
    return proc;
  }

  /** The simulator path of a real path under --dir, or null outside it. */
  #simPath(real: string): string | null {
    const normal = normalizePath(real);
    if (normal === normalizePath(this.#options.dataDir)) return '/';
    return normal.startsWith(this.#dirPrefix) ? normalizePath(normal.slice(this.#dirPrefix.length - 1)) : null;
  }

  /** A path as reports show it: relative to --dir. */
  #show(simPath: string): string {
    return simPath === '/' ? '.' : simPath.slice(1);
  }

  /** Resolves a path argument against a dirfd argument (or the cwd) to a real absolute path. */
  #resolve(proc: Proc, pathArg: string, dirfdArg: string | null): string | null {
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
        base = entry.file.kind === 'outside' ? entry.file.path : `${this.#options.dataDir}${entry.file.path === '/' ? '' : entry.file.path}`;
      }
    }
    return normalizePath(`${base}/${path}`);
  }

  #inodeAt(simPath: string): number | null {
    const { dir, name } = splitPath(simPath);
    return this.#state.dirs.get(dir)?.live.get(name) ?? null;
  }

  #isDir(simPath: string): boolean {
    return this.#state.dirs.has(simPath);
  }

  /** The name an open file's inode has now (it may have been renamed since it was opened). */
  #nameOf(file: OpenFile): string {
    if (file.inode === null || this.#inodeAt(file.path) === file.inode) return file.path;
    for (const [dir, entries] of this.#state.dirs) {
      for (const [name, inode] of entries.live) if (inode === file.inode) return dir === '/' ? `/${name}` : `${dir}/${name}`;
    }
    return file.path;
  }

  #sizeOf(inode: number): number {
    return this.#state.files.get(inode)?.cache.length ?? 0;
  }

  #report(call: Syscall, reason: string): void {
    this.#unmodelled.push({ line: call.line, call: `${call.name}(${call.args.join(', ')})`.slice(0, 200), reason });
  }

  /** The open file an fd argument names, learning it from -y when the fd table does not know it. */
  #fileOf(proc: Proc, fdArg: string | undefined, call: Syscall): OpenFile | null {
    const fd = parseFd(fdArg ?? '');
    if (fd === null || fd.fd === 'AT_FDCWD') return null;
    const known = proc.fds.get(fd.fd);
    if (known !== undefined) return known.file;
    if (fd.path === null) return null;
    if (fd.path === this.#options.stdoutPath) {
      const file: OpenFile = { kind: 'stdout', path: fd.path, inode: null, offset: 0, append: true };
      proc.fds.set(fd.fd, { file, cloexec: false });
      return file;
    }
    const sim = this.#simPath(fd.path);
    if (sim === null) return null;
    // An fd under --dir that no traced call opened (inherited, or opened by a call not traced).
    this.#report(call, `fd ${fd.fd} names ${this.#show(sim)} but no traced open created it; its offset is unknown`);
    const inode = this.#inodeAt(sim);
    const file: OpenFile = { kind: this.#isDir(sim) ? 'dir' : 'file', path: sim, inode, offset: inode === null ? 0 : this.#sizeOf(inode), append: false };
    proc.fds.set(fd.fd, { file, cloexec: false });
    return file;
  }

  // --- the calls -------------------------------------------------------------------------------

  #call(call: Syscall): void {
    const proc = this.#proc(call.pid);
    const failed = call.errno !== null || (call.ret !== null && call.ret < 0);
    // A failed call changed nothing, except a failed fsync (it decides nothing: limbo).
    if (failed && !['fsync', 'fdatasync', 'syncfs'].includes(call.name)) return;
    const a = call.args;
    match(call.name)
      .with('open', 'creat', () => this.#open(proc, call, null, a[0] ?? '', call.name === 'creat' ? 'O_WRONLY|O_CREAT|O_TRUNC' : (a[1] ?? '')))
      .with('openat', () => this.#open(proc, call, a[0] ?? null, a[1] ?? '', a[2] ?? ''))
      .with('openat2', () => this.#open(proc, call, a[0] ?? null, a[1] ?? '', /flags=([A-Z_|0-9x]+)/.exec(a[2] ?? '')?.[1] ?? ''))
      .with('mkdir', () => this.#mkdir(proc, call, null, a[0] ?? ''))
      .with('mkdirat', () => this.#mkdir(proc, call, a[0] ?? null, a[1] ?? ''))
      .with('write', 'writev', 'pwrite64', 'pwritev', 'pwritev2', () => this.#write(proc, call))
      .with('read', 'readv', () => {
        const file = this.#fileOf(proc, a[0], call);
        if (file !== null && file.kind !== 'stdout' && call.ret !== null) file.offset += call.ret;
      })
      .with('lseek', '_llseek', 'llseek', () => {
        const file = this.#fileOf(proc, a[0], call);
        const at = call.name === 'lseek' ? call.ret : parseNumber(/\[(\d+)\]/.exec(a[3] ?? '')?.[1] ?? '');
        if (file !== null && at !== null) file.offset = at;
      })
      .with('ftruncate', 'ftruncate64', () => {
        const file = this.#fileOf(proc, a[0], call);
        const size = parseNumber(a[1] ?? '');
        if (file?.kind === 'file' && file.inode !== null && size !== null) {
          const path = this.#nameOf(file);
          this.#record({ kind: 'truncate', path, inode: file.inode, sizeBytes: size }, `ftruncate(${this.#show(path)}, ${size})`);
        }
      })
      .with('truncate', 'truncate64', () => {
        const real = this.#resolve(proc, a[0] ?? '', null);
        const sim = real === null ? null : this.#simPath(real);
        const size = parseNumber(a[1] ?? '');
        const inode = sim === null ? null : this.#inodeAt(sim);
        if (sim !== null && inode !== null && size !== null) this.#record({ kind: 'truncate', path: sim, inode, sizeBytes: size }, `truncate(${this.#show(sim)}, ${size})`);
      })
      .with('fallocate', () => this.#fallocate(proc, call))
      .with('fsync', 'fdatasync', () => {
        const file = this.#fileOf(proc, a[0], call);
        if (file === null || file.kind === 'stdout' || file.kind === 'outside') return;
        const errno = call.errno;
        const path = this.#nameOf(file);
        const shown = `${call.name}(${this.#show(path)})${errno === null ? '' : ` -> ${errno}`}`;
        if (file.kind === 'dir') {
          if (this.#isDir(path)) this.#record({ kind: 'fsyncDir', path, errno }, shown);
        } else if (file.inode !== null) this.#record({ kind: 'fsync', path, inode: file.inode, errno }, shown);
      })
      .with('sync', 'syncfs', () => this.#record({ kind: 'syncAll', errno: call.errno }, `${call.name}()${call.errno === null ? '' : ` -> ${call.errno}`}`))
      .with('sync_file_range', 'sync_file_range2', () => {
        const file = this.#fileOf(proc, a[0], call);
        if (file?.kind === 'file') {
          this.#notes.add(`sync_file_range on ${this.#show(file.path)} is treated as no durability guarantee (it syncs no metadata and waits for nothing on its own)`);
        }
      })
      .with('rename', () => this.#rename(proc, call, null, a[0] ?? '', null, a[1] ?? '', ''))
      .with('renameat', () => this.#rename(proc, call, a[0] ?? null, a[1] ?? '', a[2] ?? null, a[3] ?? '', ''))
      .with('renameat2', () => this.#rename(proc, call, a[0] ?? null, a[1] ?? '', a[2] ?? null, a[3] ?? '', a[4] ?? ''))
      .with('link', () => this.#link(proc, call, null, a[0] ?? '', null, a[1] ?? ''))
      .with('linkat', () => this.#link(proc, call, a[0] ?? null, a[1] ?? '', a[2] ?? null, a[3] ?? ''))
      .with('unlink', () => this.#unlink(proc, call, null, a[0] ?? '', false))
      .with('unlinkat', () => this.#unlink(proc, call, a[0] ?? null, a[1] ?? '', flagSet(a[2] ?? '').has('AT_REMOVEDIR')))
      .with('rmdir', () => this.#unlink(proc, call, null, a[0] ?? '', true))
      .with('symlink', 'symlinkat', () => {
        const real = this.#resolve(proc, a[a.length - 1] ?? '', call.name === 'symlinkat' ? (a[1] ?? null) : null);
        if (real !== null && this.#simPath(real) !== null) this.#report(call, 'symbolic links are not modelled');
      })
      .with('close', () => {
        const fd = parseFd(a[0] ?? '');
        if (fd !== null && fd.fd !== 'AT_FDCWD') proc.fds.delete(fd.fd);
      })
      .with('close_range', () => {
        const first = parseNumber(a[0] ?? '') ?? 0;
        const last = parseNumber(a[1] ?? '') ?? 0;
        const cloexecOnly = (a[2] ?? '').includes('CLOSE_RANGE_CLOEXEC');
        for (const [fd, entry] of proc.fds) if (fd >= first && fd <= last) cloexecOnly ? (entry.cloexec = true) : proc.fds.delete(fd);
      })
      .with('dup', 'dup2', 'dup3', () => {
        // The new fd shares the open file description (and so the offset) of the old one.
        const file = this.#fileOf(proc, a[0], call);
        if (call.ret === null) return;
        if (file === null) proc.fds.delete(call.ret);
        else proc.fds.set(call.ret, { file, cloexec: (a[2] ?? '').includes('O_CLOEXEC') });
      })
      .with('fcntl', 'fcntl64', () => this.#fcntl(proc, call))
      .with('clone', 'clone3', 'fork', 'vfork', () => {
        if (call.ret === null || call.ret <= 0) return;
        const flags = flagSet((/flags=([A-Z_|0-9]+)/.exec(a.join(',')) ?? [])[1] ?? '');
        const shareFiles = flags.has('CLONE_FILES');
        const shareFs = flags.has('CLONE_FS');
        const copy = new Map([...proc.fds].map(([fd, e]) => [fd, { file: e.file, cloexec: e.cloexec }] as const));
        this.#procs.set(call.ret, { fds: shareFiles ? proc.fds : copy, cwd: shareFs ? proc.cwd : { path: proc.cwd.path } });
      })
      .with('execve', 'execveat', () => {
        for (const [fd, entry] of proc.fds) if (entry.cloexec) proc.fds.delete(fd);
      })
      .with('chdir', () => {
        const real = this.#resolve(proc, a[0] ?? '', null);
        if (real !== null) proc.cwd.path = real;
      })
      .with('fchdir', () => {
        const fd = parseFd(a[0] ?? '');
        if (fd?.path !== null && fd?.path !== undefined) proc.cwd.path = fd.path;
      })
      .with('mmap', 'mmap2', () => {
        const file = this.#fileOf(proc, a[4], call);
        if (file?.kind === 'file' && (a[3] ?? '').includes('MAP_SHARED') && (a[2] ?? '').includes('PROT_WRITE')) {
          this.#report(call, `writable shared mmap of ${this.#show(file.path)}: stores through the mapping are invisible to strace`);
        }
      })
      .with('copy_file_range', 'sendfile', 'sendfile64', 'splice', 'vmsplice', 'tee', () => {
        const target = this.#fileOf(proc, call.name === 'copy_file_range' ? a[2] : call.name === 'splice' ? a[2] : a[0], call);
        if (target?.kind === 'file') this.#report(call, `${call.name} into ${this.#show(target.path)}: the bytes it moved are not in the trace`);
      })
      .with('io_uring_setup', 'io_submit', () => this.#report(call, `${call.name}: asynchronous I/O is invisible to strace`))
      .with(P.string, () => undefined)
      .exhaustive();
  }

  #open(proc: Proc, call: Syscall, dirfd: string | null, pathArg: string, flagsArg: string): void {
    const fd = call.ret;
    if (fd === null) return;
    const real = call.retPath ?? this.#resolve(proc, pathArg, dirfd);
    const requested = this.#resolve(proc, pathArg, dirfd);
    const flags = flagSet(flagsArg);
    const cloexec = flags.has('O_CLOEXEC');
    const sim = requested === null ? null : this.#simPath(requested);
    if (sim === null) {
      if (real !== null && real === this.#options.stdoutPath) proc.fds.set(fd, { file: { kind: 'stdout', path: real, inode: null, offset: 0, append: true }, cloexec });
      else proc.fds.set(fd, { file: { kind: 'outside', path: real ?? '?', inode: null, offset: 0, append: false }, cloexec });
      return;
    }
    if (flags.has('O_DIRECT')) this.#report(call, `O_DIRECT on ${this.#show(sim)}: modelled as ordinary cached writes (conservative)`);
    if (flags.has('O_TMPFILE') || flags.has('__O_TMPFILE')) {
      this.#report(call, `O_TMPFILE in ${this.#show(sim)}: unnamed files are not modelled`);
      return;
    }
    if (this.#isDir(sim) || flags.has('O_DIRECTORY')) {
      proc.fds.set(fd, { file: { kind: 'dir', path: sim, inode: null, offset: 0, append: false }, cloexec });
      return;
    }
    let inode = this.#inodeAt(sim);
    const writable = WRITE_ACCESS.some((f) => flags.has(f));
    if (inode === null) {
      if (!flags.has('O_CREAT')) {
        this.#report(call, `${this.#show(sim)} was opened but no traced call created it`);
        return;
      }
      if (!this.#isDir(splitPath(sim).dir)) {
        this.#report(call, `${this.#show(sim)} was created in a directory no traced call made`);
        return;
      }
      inode = this.#state.nextInode;
      this.#record({ kind: 'create', path: sim, inode }, `${call.name}(${this.#show(sim)}, O_CREAT)`);
    } else if (flags.has('O_TRUNC') && writable && this.#sizeOf(inode) > 0) {
      this.#record({ kind: 'truncate', path: sim, inode, sizeBytes: 0 }, `${call.name}(${this.#show(sim)}, O_TRUNC)`);
    }
    proc.fds.set(fd, { file: { kind: 'file', path: sim, inode, offset: 0, append: flags.has('O_APPEND') }, cloexec });
  }

  #mkdir(proc: Proc, call: Syscall, dirfd: string | null, pathArg: string): void {
    const real = this.#resolve(proc, pathArg, dirfd);
    const sim = real === null ? null : this.#simPath(real);
    if (sim === null || sim === '/' || this.#isDir(sim)) return;
    if (!this.#isDir(splitPath(sim).dir)) {
      this.#report(call, `mkdir of ${this.#show(sim)} in a directory no traced call made`);
      return;
    }
    this.#record({ kind: 'mkdir', path: sim }, `mkdir(${this.#show(sim)})`);
  }

  #write(proc: Proc, call: Syscall): void {
    const a = call.args;
    const file = this.#fileOf(proc, a[0], call);
    if (file === null || file.kind === 'outside' || file.kind === 'dir') return;
    const vector = call.name.includes('writev');
    const data = vector ? decodeIovecs(a[1] ?? '') : decodeString(a[1] ?? '');
    if (file.kind === 'stdout') {
      if (data === null) return;
      const bytes = call.ret === null ? data.bytes : data.bytes.subarray(0, call.ret);
      this.#stdout(new TextDecoder().decode(bytes));
      return;
    }
    if (file.inode === null) return;
    if (data === null || data.truncated) {
      this.#report(call, `the bytes written to ${this.#show(file.path)} are not all in the trace (raise strace's -s)`);
      return;
    }
    const written = Math.min(call.ret ?? data.bytes.length, data.bytes.length);
    const positional = call.name === 'pwrite64' || call.name === 'pwritev' || call.name === 'pwritev2';
    // pwrite64(fd, buf, count, offset) and pwritev(fd, iov, iovcnt, offset[, flags]): the offset is argument 3.
    const explicit = positional ? parseNumber(a[3] ?? '') : null;
    let offset: number;
    if (positional && explicit !== null && explicit >= 0) offset = explicit;
    else if (file.append) offset = this.#sizeOf(file.inode);
    else offset = file.offset;
    if (!positional || explicit === null || explicit < 0) file.offset = offset + written;
    if (written === 0) return;
    const path = this.#nameOf(file);
    this.#record(
      { kind: 'write', path, inode: file.inode, offsetBytes: offset, data: data.bytes.slice(0, written), writtenBytes: written, errno: null },
      `${call.name}(${this.#show(path)}, ${written} bytes @${offset})`,
    );
  }

  #stdout(text: string): void {
    this.#stdoutText += text;
    let cut = this.#stdoutText.indexOf('\n');
    while (cut !== -1) {
      const line = this.#stdoutText.slice(0, cut);
      this.#stdoutText = this.#stdoutText.slice(cut + 1);
      const ack = ACK_LINE.exec(line.trim());
      if (ack !== null && ack[1] !== undefined) {
        this.#acks.push({ id: ack[1], opIndex: this.#ops.length });
        this.#record({ kind: 'mark', label: 'ack', data: ack[1] }, `ACK ${ack[1]}`);
      }
      cut = this.#stdoutText.indexOf('\n');
    }
  }

  #fallocate(proc: Proc, call: Syscall): void {
    const a = call.args;
    const file = this.#fileOf(proc, a[0], call);
    if (file?.kind !== 'file' || file.inode === null) return;
    const mode = flagSet(a[1] ?? '0');
    const offset = parseNumber(a[2] ?? '') ?? 0;
    const length = parseNumber(a[3] ?? '') ?? 0;
    const size = this.#sizeOf(file.inode);
    const keepSize = mode.has('FALLOC_FL_KEEP_SIZE');
    if (mode.has('FALLOC_FL_COLLAPSE_RANGE') || mode.has('FALLOC_FL_INSERT_RANGE')) {
      this.#report(call, `fallocate collapse/insert range on ${this.#show(file.path)} is not modelled`);
      return;
    }
    if (mode.has('FALLOC_FL_PUNCH_HOLE') || mode.has('FALLOC_FL_ZERO_RANGE')) {
      const end = keepSize ? Math.min(size, offset + length) : offset + length;
      if (end > offset) {
        this.#record(
          { kind: 'write', path: file.path, inode: file.inode, offsetBytes: offset, data: new Uint8Array(end - offset), writtenBytes: end - offset, errno: null },
          `fallocate(${this.#show(file.path)}, zeros @${offset}+${end - offset})`,
        );
      }
      return;
    }
    // Plain fallocate: the file grows (reads as zeros) unless KEEP_SIZE; the blocks it reserves
    // change nothing a crash can show.
    if (!keepSize && offset + length > size) {
      this.#notes.add('fallocate is modelled as a size extension (a truncate up) that is durable only once fsynced');
      this.#record({ kind: 'truncate', path: file.path, inode: file.inode, sizeBytes: offset + length }, `fallocate(${this.#show(file.path)}, size ${offset + length})`);
    }
  }

  #rename(proc: Proc, call: Syscall, fromDirfd: string | null, fromArg: string, toDirfd: string | null, toArg: string, flagsArg: string): void {
    const fromReal = this.#resolve(proc, fromArg, fromDirfd);
    const toReal = this.#resolve(proc, toArg, toDirfd);
    const from = fromReal === null ? null : this.#simPath(fromReal);
    const to = toReal === null ? null : this.#simPath(toReal);
    if (from === null && to === null) return;
    if (from === null) {
      this.#report(call, `${fromReal ?? '?'} (outside --dir) renamed in as ${this.#show(to ?? '/')}: its contents are unknown`);
      return;
    }
    if (this.#isDir(from)) {
      this.#report(call, `rename of the directory ${this.#show(from)} is not modelled`);
      return;
    }
    const inode = this.#inodeAt(from);
    if (inode === null) {
      this.#report(call, `rename of ${this.#show(from)}, which no traced call created`);
      return;
    }
    if (flagSet(flagsArg).has('RENAME_EXCHANGE')) {
      this.#report(call, `RENAME_EXCHANGE of ${this.#show(from)} is not modelled`);
      return;
    }
    if (to === null) {
      // Moved out of --dir: from the data directory's point of view, an unlink.
      this.#record({ kind: 'unlink', path: from, inode }, `${call.name}(${this.#show(from)} → outside)`);
      return;
    }
    if (from === to) return;
    this.#record({ kind: 'rename', from, to, inode }, `${call.name}(${this.#show(from)} → ${this.#show(to)})`);
  }

  #link(proc: Proc, call: Syscall, fromDirfd: string | null, fromArg: string, toDirfd: string | null, toArg: string): void {
    const fromReal = this.#resolve(proc, fromArg, fromDirfd);
    const toReal = this.#resolve(proc, toArg, toDirfd);
    const from = fromReal === null ? null : this.#simPath(fromReal);
    const to = toReal === null ? null : this.#simPath(toReal);
    if (to === null) return;
    const inode = from === null ? null : this.#inodeAt(from);
    if (from === null || inode === null) {
      this.#report(call, `hard link ${this.#show(to)} to ${fromReal ?? '?'}, a file crash-test does not know`);
      return;
    }
    this.#record({ kind: 'link', from, to, inode }, `${call.name}(${this.#show(from)} → ${this.#show(to)})`);
  }

  #unlink(proc: Proc, call: Syscall, dirfd: string | null, pathArg: string, dir: boolean): void {
    const real = this.#resolve(proc, pathArg, dirfd);
    const sim = real === null ? null : this.#simPath(real);
    if (sim === null || sim === '/') return;
    if (dir) {
      if (this.#isDir(sim)) this.#record({ kind: 'rmdir', path: sim }, `${call.name}(${this.#show(sim)})`);
      return;
    }
    const inode = this.#inodeAt(sim);
    if (inode === null) {
      this.#report(call, `unlink of ${this.#show(sim)}, which no traced call created`);
      return;
    }
    this.#record({ kind: 'unlink', path: sim, inode }, `${call.name}(${this.#show(sim)})`);
  }

  #fcntl(proc: Proc, call: Syscall): void {
    const a = call.args;
    const command = (a[1] ?? '').trim();
    const fd = parseFd(a[0] ?? '');
    if (fd === null || fd.fd === 'AT_FDCWD') return;
    if (command === 'F_DUPFD' || command === 'F_DUPFD_CLOEXEC') {
      const source = proc.fds.get(fd.fd);
      const file = source?.file ?? this.#fileOf(proc, a[0], call);
      if (call.ret !== null && file !== null) proc.fds.set(call.ret, { file, cloexec: command === 'F_DUPFD_CLOEXEC' });
      return;
    }
    if (command === 'F_SETFD') {
      const entry = proc.fds.get(fd.fd);
      if (entry !== undefined) entry.cloexec = (a[2] ?? '').includes('FD_CLOEXEC');
      return;
    }
    if (command === 'F_SETFL') {
      const file = this.#fileOf(proc, a[0], call);
      if (file === null) return;
      const flags = flagSet(a[2] ?? '');
      file.append = flags.has('O_APPEND');
      if (flags.has('O_DIRECT') && file.kind === 'file') this.#report(call, `O_DIRECT set on ${this.#show(file.path)}: modelled as ordinary cached writes`);
    }
  }
}

type DistributiveOmitIndex<T> = T extends unknown ? Omit<T, 'index' | 'durableLsnProbe'> : never;
