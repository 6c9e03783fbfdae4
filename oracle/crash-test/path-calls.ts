// The system calls that name paths: open, mkdir, rename, link, unlink, rmdir, symlink, and the
// path form of truncate. Each records crash-sim ops for what it did under --dir, or reports what
// crash-test cannot model (a file brought in from outside, O_TMPFILE, a directory renamed onto another).

import { splitPath } from '../../crash-sim/sim-paths.js';
import { inodeAt, isDirectory, nextInode, sizeOf } from '../../crash-sim/sim-query.js';
import type { CallContext } from './call-context.js';
import type { OpenFile, Proc } from './process-table.js';
import { argAt, flagSet, parseNumber } from './strace-args.js';
import type { Syscall } from './strace-parse.js';

const WRITE_ACCESS = ['O_WRONLY', 'O_RDWR'];

/** The simulator path a path argument (against a dirfd argument) names, or null outside --dir. */
function simPathOf(context: CallContext, proc: Proc, pathArg: string, dirfd: string | null): { real: string | null; sim: string | null } {
  const real = context.processes.resolve(proc, pathArg, dirfd);
  return { real, sim: real === null ? null : context.simPath(real) };
}

export function openCall(context: CallContext, proc: Proc, call: Syscall, dirfd: string | null, pathArg: string, flagsArg: string): void {
  const fd = call.ret;
  if (fd === null) return;
  const { real: requested, sim } = simPathOf(context, proc, pathArg, dirfd);
  const real = call.retPath ?? requested;
  const flags = flagSet(flagsArg);
  const cloexec = flags.has('O_CLOEXEC');
  if (sim === null) {
    // Stryker disable next-line BooleanLiteral: writes to standard output are read as text, never placed at an offset, so its append flag is never read
    if (real === context.stdoutPath) proc.fds.set(fd, { file: { kind: 'stdout', path: real, inode: null, offset: 0, append: true }, cloexec });
    else {
      // Nothing reads a file outside --dir back: its path and append flag are never used. (On
      // their own line: a disable comment before an `else` line reaches none of its mutants.)
      const file: OpenFile = {
        kind: 'outside',
        inode: null,
        offset: 0,
        // Stryker disable next-line StringLiteral: never read (above)
        path: real ?? '?',
        // Stryker disable next-line BooleanLiteral: never read (above)
        append: false,
      };
      proc.fds.set(fd, { file, cloexec });
    }
    return;
  }
  if (flags.has('O_DIRECT')) context.report(call, `O_DIRECT on ${context.show(sim)}: modelled as ordinary cached writes (conservative)`);
  if (flags.has('O_TMPFILE') || flags.has('__O_TMPFILE')) {
    context.report(call, `O_TMPFILE in ${context.show(sim)}: unnamed files are not modelled`);
    return;
  }
  if (isDirectory(context.state, sim) || flags.has('O_DIRECTORY')) {
    // Stryker disable next-line BooleanLiteral: nothing is written to a directory's fd, so its append flag is never read
    proc.fds.set(fd, { file: { kind: 'dir', path: sim, inode: null, offset: 0, append: false }, cloexec });
    return;
  }
  // A file the history cannot place (reported) keeps its fd with no inode: its calls are not
  // modelled, and are not reported again as an fd that no traced open made.
  const inode = openedInode(context, call, sim, flags);
  proc.fds.set(fd, { file: { kind: 'file', path: sim, inode, offset: 0, append: flags.has('O_APPEND') }, cloexec });
}

/** The inode an open of a file under --dir names: created (O_CREAT), truncated (O_TRUNC), or null when unknown. */
function openedInode(context: CallContext, call: Syscall, sim: string, flags: ReadonlySet<string>): number | null {
  const inode = inodeAt(context.state, sim);
  if (inode !== null) {
    const writable = WRITE_ACCESS.some((f) => flags.has(f));
    if (flags.has('O_TRUNC') && writable && sizeOf(context.state, inode) > 0) {
      context.record({ kind: 'truncate', path: sim, inode, sizeBytes: 0 }, `${call.name}(${context.show(sim)}, O_TRUNC)`);
    }
    return inode;
  }
  if (!flags.has('O_CREAT')) {
    context.report(call, `${context.show(sim)} was opened but no traced call created it`);
    return null;
  }
  if (!isDirectory(context.state, splitPath(sim).dir)) {
    context.report(call, `${context.show(sim)} was created in a directory no traced call made`);
    return null;
  }
  const created = nextInode(context.state);
  context.record({ kind: 'create', path: sim, inode: created }, `${call.name}(${context.show(sim)}, O_CREAT)`);
  return created;
}

export function mkdirCall(context: CallContext, proc: Proc, call: Syscall, dirfd: string | null, pathArg: string): void {
  const { sim } = simPathOf(context, proc, pathArg, dirfd);
  if (sim === null || isDirectory(context.state, sim)) return;
  if (!isDirectory(context.state, splitPath(sim).dir)) {
    context.report(call, `mkdir of ${context.show(sim)} in a directory no traced call made`);
    return;
  }
  context.record({ kind: 'mkdir', path: sim }, `mkdir(${context.show(sim)})`);
}

export function truncatePathCall(context: CallContext, proc: Proc, call: Syscall): void {
  const { sim } = simPathOf(context, proc, argAt(call, 0), null);
  const size = parseNumber(argAt(call, 1));
  const inode = sim === null ? null : inodeAt(context.state, sim);
  if (sim !== null && inode !== null && size !== null) context.record({ kind: 'truncate', path: sim, inode, sizeBytes: size }, `truncate(${context.show(sim)}, ${size})`);
}

export function renameCall(context: CallContext, proc: Proc, call: Syscall, fromDirfd: string | null, fromArg: string, toDirfd: string | null, toArg: string, flagsArg: string): void {
  const from = simPathOf(context, proc, fromArg, fromDirfd);
  const to = simPathOf(context, proc, toArg, toDirfd).sim;
  if (from.sim === null && to === null) return;
  if (from.sim === null) {
    context.report(call, `${from.real ?? '?'} (outside --dir) renamed in as ${context.show(to ?? '/')}: its contents are unknown`);
    return;
  }
  const source = from.sim;
  if (isDirectory(context.state, source)) {
    renameDirCall(context, call, source, to, flagsArg);
    return;
  }
  const inode = inodeAt(context.state, source);
  if (inode === null) {
    context.report(call, `rename of ${context.show(source)}, which no traced call created`);
    return;
  }
  if (flagSet(flagsArg).has('RENAME_EXCHANGE')) {
    context.report(call, `RENAME_EXCHANGE of ${context.show(source)} is not modelled`);
    return;
  }
  if (to === null) {
    // Moved out of --dir: from the data directory's point of view, an unlink.
    context.record({ kind: 'unlink', path: source, inode }, `${call.name}(${context.show(source)} → outside)`);
    return;
  }
  if (source === to) return;
  context.record({ kind: 'rename', from: source, to, inode }, `${call.name}(${context.show(source)} → ${context.show(to)})`);
}

/** A directory renamed within --dir (etcd renames member/wal.tmp to member/wal); other cases are reported. */
function renameDirCall(context: CallContext, call: Syscall, source: string, to: string | null, flagsArg: string): void {
  if (flagSet(flagsArg).has('RENAME_EXCHANGE')) context.report(call, `RENAME_EXCHANGE of the directory ${context.show(source)} is not modelled`);
  else if (to === null) context.report(call, `the directory ${context.show(source)} was moved out of --dir: not modelled`);
  // rename(2) of a path onto itself succeeds and changes nothing.
  else if (source === to) return;
  else if (source === '/' || isDirectory(context.state, to) || inodeAt(context.state, to) !== null) context.report(call, `rename of the directory ${context.show(source)} onto ${context.show(to)}, which exists, is not modelled`);
  else context.record({ kind: 'renameDir', from: source, to }, `${call.name}(${context.show(source)}/ → ${context.show(to)}/)`);
}

export function linkCall(context: CallContext, proc: Proc, call: Syscall, fromDirfd: string | null, fromArg: string, toDirfd: string | null, toArg: string): void {
  const from = simPathOf(context, proc, fromArg, fromDirfd);
  const to = simPathOf(context, proc, toArg, toDirfd).sim;
  if (to === null) return;
  const inode = from.sim === null ? null : inodeAt(context.state, from.sim);
  if (from.sim === null || inode === null) {
    context.report(call, `hard link ${context.show(to)} to ${from.real ?? '?'}, a file crash-test does not know`);
    return;
  }
  context.record({ kind: 'link', from: from.sim, to, inode }, `${call.name}(${context.show(from.sim)} → ${context.show(to)})`);
}

export function unlinkCall(context: CallContext, proc: Proc, call: Syscall, dirfd: string | null, pathArg: string, dir: boolean): void {
  const { sim } = simPathOf(context, proc, pathArg, dirfd);
  if (sim === null || sim === '/') return;
  if (dir) {
    if (isDirectory(context.state, sim)) context.record({ kind: 'rmdir', path: sim }, `${call.name}(${context.show(sim)})`);
    return;
  }
  const inode = inodeAt(context.state, sim);
  if (inode === null) {
    context.report(call, `unlink of ${context.show(sim)}, which no traced call created`);
    return;
  }
  context.record({ kind: 'unlink', path: sim, inode }, `${call.name}(${context.show(sim)})`);
}

export function symlinkCall(context: CallContext, proc: Proc, call: Syscall): void {
  const a = call.args;
  const { sim } = simPathOf(context, proc, a[a.length - 1] ?? '', call.name === 'symlinkat' ? (a[1] ?? null) : null);
  if (sim !== null) context.report(call, 'symbolic links are not modelled');
}
