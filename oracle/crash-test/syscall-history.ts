// From parsed system calls to a SyscallHistory: crash-test's history, the op log of
// crash-sim/sim-state.ts with one call description per op and the workload's acknowledgements as
// `mark` ops in their place. Pure: calls in, data out. Nothing here knows about strace's text
// (strace-parse.ts does) or about running anything (capture.ts, check.ts do).
//
// The simulated file system's root '/' is the --dir; paths outside it are ignored, except where a
// call brings something from outside in (then the call is reported as unmodelled). The live
// namespace (which name is which inode, each file's size) is crash-sim's own state, folded op by
// op with applyOp and asked through crash-sim's query API, so the history and the enumerator can
// never disagree about it. process-table.ts keeps the fd tables and current directories; the calls
// are handled in path-calls.ts and file-calls.ts, dispatched by name from CALLS below.
//
// The builder takes calls one at a time as the trace is read (SyscallHistoryBuilder.add), and the
// op log it makes does not depend on the knobs (the live namespace is the same under all of them):
// one capture is checked under any knobs by handing the same ops to crash-sim with other knobs.

import { normalizePath } from '../../crash-sim/sim-paths.js';
import { inodeAt, isDirectory, nameOf, sizeOf } from '../../crash-sim/sim-query.js';
import { applyOp } from '../../crash-sim/apply-op.js';
import { emptyState, type ImageBytes, type SimOp, type SimOpInput, type SimState } from '../../crash-sim/sim-state.js';
import type { SimKnobs } from '../../crash-sim/knobs.js';
import type { CallContext, CallHandler } from './call-context.js';
import { copyCall, dupCall, fallocateCall, fcntlCall, fsyncCall, ftruncateCall, mmapCall, readCall, seekCall, syncFileRangeCall, writeCall } from './file-calls.js';
import { linkCall, mkdirCall, openCall, renameCall, symlinkCall, truncatePathCall, unlinkCall } from './path-calls.js';
import { ProcessTable, type OpenFile, type Proc } from './process-table.js';
import { argAt, flagSet, parseFd } from './strace-args.js';
import { CLONE_CALLS, type Syscall } from './strace-parse.js';

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

/** crash-test's history of one workload run under given knobs. */
export interface SyscallHistory {
  readonly knobs: SimKnobs;
  /** Op 0 is the initial image (a `crash` op: everything in --dir before the workload, durable). */
  readonly ops: readonly SimOp[];
  /** For each op, the call it came from, with paths relative to --dir: `rename(a → b)`. */
  readonly calls: readonly string[];
  readonly acks: readonly Ack[];
  readonly unmodelled: readonly Unmodelled[];
  /** Calls that were modelled but deserve a word: sync_file_range (no durability). */
  readonly notes: readonly string[];
}

export interface InitialImage {
  /** Files by path relative to --dir ('a/b.log'), with their bytes (a snapshot's files: read on demand). */
  readonly files: ReadonlyMap<string, ImageBytes>;
  /** Directories relative to --dir ('a', 'a/b'), not counting --dir itself. */
  readonly dirs: readonly string[];
}

export interface SyscallHistoryOptions {
  /** The real, absolute path of --dir (symlinks resolved, as strace -y prints paths). */
  readonly dataDir: string;
  /** The real, absolute path of the file the workload's standard output went to. */
  readonly stdoutPath: string;
  /** The directory the workload started in. */
  readonly cwd: string;
  readonly knobs: SimKnobs;
  readonly initial: InitialImage;
}

const ACK_LINE = /^ACK\s+(\S+)\s*$/;

/** sync(2) and syncfs(2): everything becomes durable (syncfs may fail with EIO: then nothing is known). */
const syncAllCall: CallHandler = (context, _proc, call) =>
  context.record({ kind: 'syncAll', errno: call.errno }, `${call.name}()${call.errno === null ? '' : ` -> ${call.errno}`}`);

/** Every call crash-test reads, by name (capture.ts traces these); any other call changes nothing it models. */
const CALLS: Readonly<Record<string, CallHandler>> = {
  open: (c, p, call) => openCall(c, p, call, null, argAt(call, 0), argAt(call, 1)),
  creat: (c, p, call) => openCall(c, p, call, null, argAt(call, 0), 'O_WRONLY|O_CREAT|O_TRUNC'),
  openat: (c, p, call) => openCall(c, p, call, call.args[0] ?? null, argAt(call, 1), argAt(call, 2)),
  openat2: (c, p, call) => openCall(c, p, call, call.args[0] ?? null, argAt(call, 1), /flags=([A-Z_|0-9x]+)/.exec(argAt(call, 2))?.[1] ?? ''),
  mkdir: (c, p, call) => mkdirCall(c, p, call, null, argAt(call, 0)),
  mkdirat: (c, p, call) => mkdirCall(c, p, call, call.args[0] ?? null, argAt(call, 1)),
  ...Object.fromEntries(['write', 'writev', 'pwrite64', 'pwritev', 'pwritev2'].map((name) => [name, writeCall])),
  read: readCall,
  readv: readCall,
  // strace names the 32-bit form _llseek on every architecture that has it.
  lseek: seekCall,
  _llseek: seekCall,
  ftruncate: ftruncateCall,
  ftruncate64: ftruncateCall,
  truncate: truncatePathCall,
  truncate64: truncatePathCall,
  fallocate: fallocateCall,
  fsync: fsyncCall,
  fdatasync: fsyncCall,
  sync: syncAllCall,
  syncfs: syncAllCall,
  sync_file_range: syncFileRangeCall,
  sync_file_range2: syncFileRangeCall,
  rename: (c, p, call) => renameCall(c, p, call, null, argAt(call, 0), null, argAt(call, 1), ''),
  renameat: (c, p, call) => renameCall(c, p, call, call.args[0] ?? null, argAt(call, 1), call.args[2] ?? null, argAt(call, 3), ''),
  renameat2: (c, p, call) => renameCall(c, p, call, call.args[0] ?? null, argAt(call, 1), call.args[2] ?? null, argAt(call, 3), argAt(call, 4)),
  link: (c, p, call) => linkCall(c, p, call, null, argAt(call, 0), null, argAt(call, 1)),
  linkat: (c, p, call) => linkCall(c, p, call, call.args[0] ?? null, argAt(call, 1), call.args[2] ?? null, argAt(call, 3)),
  unlink: (c, p, call) => unlinkCall(c, p, call, null, argAt(call, 0), false),
  unlinkat: (c, p, call) => unlinkCall(c, p, call, call.args[0] ?? null, argAt(call, 1), flagSet(argAt(call, 2)).has('AT_REMOVEDIR')),
  rmdir: (c, p, call) => unlinkCall(c, p, call, null, argAt(call, 0), true),
  symlink: symlinkCall,
  symlinkat: symlinkCall,
  close: (c, p, call) => c.processes.close(p, call),
  close_range: (c, p, call) => c.processes.closeRange(p, call),
  dup: dupCall,
  dup2: dupCall,
  dup3: dupCall,
  fcntl: fcntlCall,
  fcntl64: fcntlCall,
  ...Object.fromEntries([...CLONE_CALLS].map((name) => [name, (c: CallContext, p: Proc, call: Syscall) => c.processes.clone(p, call)])),
  execve: (c, p) => c.processes.exec(p),
  execveat: (c, p) => c.processes.exec(p),
  chdir: (c, p, call) => c.processes.chdir(p, call),
  fchdir: (c, p, call) => c.processes.fchdir(p, call),
  mmap: mmapCall,
  mmap2: mmapCall,
  ...Object.fromEntries(['copy_file_range', 'sendfile', 'sendfile64', 'splice', 'vmsplice', 'tee'].map((name) => [name, copyCall])),
  io_uring_setup: (c, _p, call) => c.report(call, `${call.name}: asynchronous I/O is invisible to strace`),
  io_submit: (c, _p, call) => c.report(call, `${call.name}: asynchronous I/O is invisible to strace`),
};
/** Calls that change nothing when they fail, except a failed fsync (it decides nothing: limbo). */
const RECORDED_WHEN_FAILED = new Set(['fsync', 'fdatasync', 'syncfs']);

export function buildSyscallHistory(syscalls: Iterable<Syscall>, options: SyscallHistoryOptions): SyscallHistory {
  const builder = new SyscallHistoryBuilder(options);
  for (const call of syscalls) builder.add(call);
  return builder.finish();
}

/** A SyscallHistory made call by call, as the trace is read. */
export class SyscallHistoryBuilder implements CallContext {
  readonly state: SimState;
  readonly processes: ProcessTable;
  readonly stdoutPath: string;
  readonly #options: SyscallHistoryOptions;
  readonly #ops: SimOp[] = [];
  readonly #calls: string[] = [];
  readonly #acks: Ack[] = [];
  readonly #unmodelled: Unmodelled[] = [];
  readonly #notes = new Set<string>();
  readonly #dirPrefix: string;
  #stdoutText = '';
  #seen = 0;
  /** The calls of processes that cannot be placed yet (ProcessTable.proc), by pid, held until a clone returns them. */
  readonly #held = new Map<number, Syscall[]>();

  constructor(options: SyscallHistoryOptions) {
    this.#options = options;
    this.state = emptyState(options.knobs);
    this.processes = new ProcessTable(options.cwd, options.dataDir);
    this.stdoutPath = options.stdoutPath;
    this.#dirPrefix = options.dataDir.endsWith('/') ? options.dataDir : `${options.dataDir}/`;
    const files = [...options.initial.files].map(([path, bytes]) => [normalizePath(`/${path}`), bytes] as const);
    const dirs = options.initial.dirs.map((d) => normalizePath(`/${d}`));
    this.record({ kind: 'crash', files, dirs, description: 'the initial contents of --dir' }, `the initial contents of --dir (${files.length} files, ${dirs.length} directories)`);
  }

  /** How many calls were taken, and how many ops they made so far. */
  get counts(): { readonly calls: number; readonly ops: number } {
    return { calls: this.#seen, ops: this.#ops.length };
  }

  add(call: Syscall): void {
    const held = this.#held.get(call.pid);
    if (held !== undefined) return void held.push(call);
    // The first call seen names the root process, whether it failed or not.
    const proc = this.processes.proc(call.pid);
    if (proc === null) return void this.#held.set(call.pid, [call]);
    this.#apply(proc, call);
  }

  #apply(proc: Proc, call: Syscall): void {
    if (call.started === true) return this.processes.cloneStarted(call);
    this.#seen++;
    const failed = call.errno !== null || (call.ret !== null && call.ret < 0);
    // A failed clone still ends the clone that started (ProcessTable.clone makes no process for it).
    if (failed && !RECORDED_WHEN_FAILED.has(call.name) && !CLONE_CALLS.has(call.name)) return;
    try {
      CALLS[call.name]?.(this, proc, call);
    } catch (error) {
      // A call that contradicts what crash-test knows of the namespace (an inode it never saw,
      // a directory it does not know) is named, not fatal: the rest of the history still counts.
      this.report(call, `could not be applied: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (CLONE_CALLS.has(call.name) && call.ret !== null && call.ret > 0) this.#release(call.ret);
  }

  /** The held calls of `pid`, applied now that a clone returned it (or, at the end, with a last guess). */
  #release(pid: number): void {
    const held = this.#held.get(pid);
    if (held === undefined) return;
    this.#held.delete(pid);
    const proc = this.processes.adopt(pid);
    for (const call of held) this.#apply(proc, call);
  }

  finish(): SyscallHistory {
    for (const pid of [...this.#held.keys()]) {
      this.note(`process ${pid} was seen while several clones were running and none of them returned it; its calls were read with the first process's descriptors`);
      this.#release(pid);
    }
    return { knobs: this.#options.knobs, ops: this.#ops, calls: this.#calls, acks: this.#acks, unmodelled: this.#unmodelled, notes: [...this.#notes] };
  }

  record(op: SimOpInput, call: string): void {
    const full = { ...op, index: this.#ops.length, durableLsnProbe: null } as SimOp;
    this.#ops.push(full);
    this.#calls.push(call);
    applyOp(this.state, full);
  }

  report(call: Syscall, reason: string): void {
    this.#unmodelled.push({ line: call.line, call: `${call.name}(${call.args.join(', ')})`.slice(0, 200), reason });
  }

  note(text: string): void {
    this.#notes.add(text);
  }

  simPath(real: string): string | null {
    const normal = normalizePath(real);
    if (normal === normalizePath(this.#options.dataDir)) return '/';
    return normal.startsWith(this.#dirPrefix) ? normalizePath(normal.slice(this.#dirPrefix.length - 1)) : null;
  }

  show(simPath: string): string {
    return simPath === '/' ? '.' : simPath.slice(1);
  }

  nameOf(file: OpenFile): string {
    if (file.inode === null || inodeAt(this.state, file.path) === file.inode) return file.path;
    return nameOf(this.state, file.inode) ?? file.path;
  }

  fileOf(proc: Proc, fdArg: string | undefined, call: Syscall): OpenFile | null {
    const fd = parseFd(fdArg ?? '');
    if (fd === null || fd.fd === 'AT_FDCWD') return null;
    const known = proc.fds.get(fd.fd);
    if (known !== undefined) return known.file;
    if (fd.path === null) return null;
    if (fd.path === this.stdoutPath) {
      const file: OpenFile = { kind: 'stdout', path: fd.path, inode: null, offset: 0, append: true };
      proc.fds.set(fd.fd, { file, cloexec: false });
      return file;
    }
    const sim = this.simPath(fd.path);
    if (sim === null) return null;
    // An fd under --dir that no traced call opened (inherited, or opened by a call not traced).
    this.report(call, `fd ${fd.fd} names ${this.show(sim)} but no traced open created it; its offset is unknown`);
    const inode = inodeAt(this.state, sim);
    const file: OpenFile = { kind: isDirectory(this.state, sim) ? 'dir' : 'file', path: sim, inode, offset: inode === null ? 0 : sizeOf(this.state, inode), append: false };
    proc.fds.set(fd.fd, { file, cloexec: false });
    return file;
  }

  stdout(text: string): void {
    this.#stdoutText += text;
    let cut = this.#stdoutText.indexOf('\n');
    while (cut !== -1) {
      const line = this.#stdoutText.slice(0, cut);
      this.#stdoutText = this.#stdoutText.slice(cut + 1);
      const ack = ACK_LINE.exec(line.trim());
      if (ack !== null && ack[1] !== undefined) {
        this.#acks.push({ id: ack[1], opIndex: this.#ops.length });
        this.record({ kind: 'mark', label: 'ack', data: ack[1] }, `ACK ${ack[1]}`);
      }
      cut = this.#stdoutText.indexOf('\n');
    }
  }
}
