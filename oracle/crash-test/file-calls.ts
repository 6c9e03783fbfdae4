// The system calls on open file descriptors: writes (to --dir, or to standard output, where the
// acknowledgements are), reads and seeks (offsets only), ftruncate, fallocate, fsync and
// fdatasync, sync_file_range, dup and fcntl, and the calls whose bytes strace cannot show (a
// writable shared mmap, copy_file_range, sendfile, splice), which are reported as unmodelled.

import { isDirectory, sizeOf } from '../../crash-sim/sim-query.js';
import type { CallContext } from './call-context.js';
import type { Proc } from './process-table.js';
import { argAt, decodeIovecs, decodeString, flagSet, parseFd, parseNumber } from './strace-args.js';
import type { Syscall } from './strace-parse.js';

/** The bytes a write or writev call hands over, as strace shows them. */
function writtenData(call: Syscall): ReturnType<typeof decodeString> {
  const raw = call.args[1];
  if (raw === undefined) return null;
  return call.name.includes('writev') ? decodeIovecs(raw) : decodeString(raw);
}

export function writeCall(context: CallContext, proc: Proc, call: Syscall): void {
  const a = call.args;
  const file = context.fileOf(proc, a[0], call);
  if (file === null) return;
  if (file.kind === 'stdout') {
    const data = writtenData(call);
    if (data !== null) context.stdout(new TextDecoder().decode(call.ret === null ? data.bytes : data.bytes.subarray(0, call.ret)));
    return;
  }
  // A file outside --dir or a directory has no inode here: nothing to model.
  if (file.inode === null) return;
  const data = writtenData(call);
  if (data === null || data.truncated) {
    context.report(call, `the bytes written to ${context.show(file.path)} are not all in the trace (raise strace's -s)`);
    return;
  }
  const written = Math.min(call.ret ?? data.bytes.length, data.bytes.length);
  // Of the calls that come here (write, writev and the positional pwrite64, pwritev, pwritev2),
  // only the positional ones have an argument 3, their offset: pwrite64(fd, buf, count, offset),
  // pwritev(fd, iov, iovcnt, offset[, flags]); and only pwritev2 an argument 4, its flags.
  const explicit = a[3] !== undefined ? parseNumber(a[3]) : null;
  const atExplicit = explicit !== null && explicit >= 0;
  // O_APPEND (or pwritev2's RWF_APPEND) writes at the end even for pwrite: Linux ignores the
  // offset argument then (pwrite(2), BUGS); a positional write still leaves the fd offset alone.
  const append = file.append || (a[4] !== undefined && flagSet(a[4]).has('RWF_APPEND'));
  const offset = append ? sizeOf(context.state, file.inode) : atExplicit ? explicit : file.offset;
  if (!atExplicit) file.offset = offset + written;
  if (written === 0) return;
  const path = context.nameOf(file);
  context.record(
    { kind: 'write', path, inode: file.inode, offsetBytes: offset, data: data.bytes, writtenBytes: written, errno: null },
    `${call.name}(${context.show(path)}, ${written} bytes @${offset})`,
  );
}

export function readCall(context: CallContext, proc: Proc, call: Syscall): void {
  const file = context.fileOf(proc, call.args[0], call);
  // Standard output's offset is never read, so a read moves it too, harmlessly.
  if (file !== null && call.ret !== null) file.offset += call.ret;
}

export function seekCall(context: CallContext, proc: Proc, call: Syscall): void {
  const file = context.fileOf(proc, call.args[0], call);
  // strace prints _llseek(fd, high, low, result, whence) as `_llseek(fd, offset, [result], whence)`:
  // the two halves of the offset as one number, and the new offset in brackets as argument 2.
  const result = /^\[(\d+)\]$/.exec(argAt(call, 2).trim())?.[1];
  const at = call.name === 'lseek' ? call.ret : result === undefined ? null : parseNumber(result);
  if (file !== null && at !== null) file.offset = at;
}

export function ftruncateCall(context: CallContext, proc: Proc, call: Syscall): void {
  const file = context.fileOf(proc, call.args[0], call);
  const size = parseNumber(argAt(call, 1));
  if (file?.kind !== 'file' || file.inode === null || size === null) return;
  const path = context.nameOf(file);
  context.record({ kind: 'truncate', path, inode: file.inode, sizeBytes: size }, `ftruncate(${context.show(path)}, ${size})`);
}

export function fallocateCall(context: CallContext, proc: Proc, call: Syscall): void {
  const a = call.args;
  const file = context.fileOf(proc, a[0], call);
  if (file?.kind !== 'file' || file.inode === null) return;
  const mode = flagSet(argAt(call, 1));
  const offset = parseNumber(argAt(call, 2)) ?? 0;
  const length = parseNumber(argAt(call, 3)) ?? 0;
  const size = sizeOf(context.state, file.inode);
  const keepSize = mode.has('FALLOC_FL_KEEP_SIZE');
  if (mode.has('FALLOC_FL_COLLAPSE_RANGE') || mode.has('FALLOC_FL_INSERT_RANGE')) {
    context.report(call, `fallocate collapse/insert range on ${context.show(file.path)} is not modelled`);
    return;
  }
  const path = context.nameOf(file);
  if (mode.has('FALLOC_FL_PUNCH_HOLE') || mode.has('FALLOC_FL_ZERO_RANGE')) {
    const end = keepSize ? Math.min(size, offset + length) : offset + length;
    if (end <= offset) return;
    context.record(
      { kind: 'write', path, inode: file.inode, offsetBytes: offset, data: new Uint8Array(end - offset), writtenBytes: end - offset, errno: null },
      `fallocate(${context.show(path)}, zeros @${offset}+${end - offset})`,
    );
    return;
  }
  // Mode 0 and KEEP_SIZE: allocation changes only the size (not with KEEP_SIZE), durable once
  // fsynced like any size change; crash-sim's fallocate op.
  context.record(
    { kind: 'fallocate', path, inode: file.inode, offsetBytes: offset, lengthBytes: length, keepSize },
    `fallocate(${context.show(path)}, ${keepSize ? 'KEEP_SIZE, ' : ''}${length} bytes @${offset})`,
  );
}

/** Whether strace injected the call's result (`--fail-fsync`): it printed `(INJECTED)` after it. */
function injected(call: Syscall): boolean {
  return call.retExtra.includes('INJECTED');
}

/**
 * fsync and fdatasync, of a file or of a directory; a failed one is recorded too: the writes it
 * covered stay in limbo (crash-sim/sim-state.ts), and no later fsync makes them durable.
 */
export function fsyncCall(context: CallContext, proc: Proc, call: Syscall): void {
  const file = context.fileOf(proc, call.args[0], call);
  const errno = call.errno;
  if (file === null || file.kind === 'stdout' || file.kind === 'outside') {
    const where = parseFd(argAt(call, 0))?.path ?? call.args[0] ?? '?';
    if (errno !== null && injected(call)) context.note(`${call.name}(${where}) -> ${errno} was injected outside --dir: it changes nothing crash-test models`);
    return;
  }
  const path = context.nameOf(file);
  const shown = `${call.name}(${context.show(path)})${errno === null ? '' : ` -> ${errno}`}`;
  if (errno !== null) {
    const cause = injected(call) ? 'injected by strace' : 'reported by the kernel';
    const covered = file.kind === 'dir' ? 'the entry changes it covered stay undecided until a directory fsync succeeds' : 'the writes it covered may or may not be on disk in every later crash state, whatever later fsyncs return';
    context.note(`${shown} (${cause}): ${covered}`);
  }
  if (file.kind === 'dir') {
    if (isDirectory(context.state, path)) context.record({ kind: 'fsyncDir', path, errno }, shown);
  } else if (file.inode !== null) context.record({ kind: 'fsync', path, inode: file.inode, errno }, shown);
}

export function syncFileRangeCall(context: CallContext, proc: Proc, call: Syscall): void {
  const file = context.fileOf(proc, call.args[0], call);
  if (file?.kind === 'file') {
    context.note('sync_file_range is treated as no durability guarantee (it syncs no metadata and waits for nothing on its own)');
  }
}

/** dup, dup2, dup3: the new fd shares the open file description (and so the offset) of the old one. */
export function dupCall(context: CallContext, proc: Proc, call: Syscall): void {
  const file = context.fileOf(proc, call.args[0], call);
  if (call.ret === null) return;
  if (file === null) proc.fds.delete(call.ret);
  else proc.fds.set(call.ret, { file, cloexec: argAt(call, 2).includes('O_CLOEXEC') });
}

export function fcntlCall(context: CallContext, proc: Proc, call: Syscall): void {
  const a = call.args;
  const command = argAt(call, 1).trim();
  const fd = parseFd(argAt(call, 0));
  if (fd === null || fd.fd === 'AT_FDCWD') return;
  if (command === 'F_DUPFD' || command === 'F_DUPFD_CLOEXEC') {
    const file = proc.fds.get(fd.fd)?.file ?? context.fileOf(proc, a[0], call);
    if (call.ret !== null && file !== null) proc.fds.set(call.ret, { file, cloexec: command === 'F_DUPFD_CLOEXEC' });
  } else if (command === 'F_SETFD') {
    const entry = proc.fds.get(fd.fd);
    if (entry !== undefined) entry.cloexec = argAt(call, 2).includes('FD_CLOEXEC');
  } else if (command === 'F_SETFL') {
    const file = context.fileOf(proc, a[0], call);
    if (file === null) return;
    const flags = flagSet(argAt(call, 2));
    file.append = flags.has('O_APPEND');
    if (flags.has('O_DIRECT') && file.kind === 'file') context.report(call, `O_DIRECT set on ${context.show(file.path)}: modelled as ordinary cached writes`);
  }
}

export function mmapCall(context: CallContext, proc: Proc, call: Syscall): void {
  const a = call.args;
  const file = context.fileOf(proc, a[4], call);
  if (file?.kind === 'file' && (a[3] ?? '').includes('MAP_SHARED') && (a[2] ?? '').includes('PROT_WRITE')) {
    context.report(call, `writable shared mmap of ${context.show(file.path)}: stores through the mapping are invisible to strace`);
  }
}

/** copy_file_range, sendfile, splice, vmsplice, tee: bytes moved into a file without passing through the trace. */
export function copyCall(context: CallContext, proc: Proc, call: Syscall): void {
  const a = call.args;
  const target = context.fileOf(proc, call.name === 'copy_file_range' || call.name === 'splice' ? a[2] : a[0], call);
  if (target?.kind === 'file') context.report(call, `${call.name} into ${context.show(target.path)}: the bytes it moved are not in the trace`);
}
