#!/usr/bin/env python3
# crash-test target: a tiny append-only log written with raw system calls, with one knob per
# classic durability mistake, so that each class of bug crash-test claims to find has a program
# that shows it (docs/oracle.md, "crash-test's planted targets").
#
#   python3 examples/crash-test/log-writer/workload.py <dir> [--records N] [--ack MODE] [--fds MODE]
#       [--on-eio MODE] [--sync CALL] [--subdir MODE] [--count-header MODE]
#
# Record i is the line "record <i>\n", appended to <dir>/log at the offset the file description
# holds (no O_APPEND). After record i is on disk the program prints "ACK <i>".
#   --ack after-fsync     write, fsync, ACK (correct; the default)
#   --ack before-fsync    write, ACK, fsync: the acknowledgement precedes the fsync
#   --ack unsynced-last   like after-fsync, but the last record is never fsynced; its ACK is the
#                         program's last output, after its last file-system call
#   --fds one             every write through one descriptor (the default)
#   --fds dup             writes go round-robin through descriptors made by dup, dup2, dup3 and
#                         fcntl(F_DUPFD): they share one file offset, so the records still follow
#                         one another (as with `>>log 2>&1`, or a child that inherits a descriptor)
#   --fds fork            every second record is written, synced and acknowledged by a child
#                         process through the descriptor it inherited: one offset across fork, and
#                         acknowledgements from another process
#   --on-eio stop         when an fsync fails, stop without acknowledging, exit 1 (the default)
#   --on-eio retry        when an fsync fails, call fsync again and acknowledge if it succeeds: the
#                         pattern behind PostgreSQL's 2018 "fsyncgate" (the failed pages were
#                         marked clean; the second fsync has nothing left to write)
#   --on-eio rewrite      when an fsync fails, write the record again from the program's own copy
#                         at its offset, fsync, and acknowledge: recovery from its own data
#   --sync fsync          how a record is made durable: fsync (the default), fdatasync, sync(2),
#          fdatasync|sync|syncfs|sync_file_range
#                         syncfs(2), or sync_file_range(WAIT_BEFORE|WRITE|WAIT_AFTER), which
#                         syncs no metadata and guarantees nothing after a crash (the planted one)
#   --subdir none         the log in <dir> itself (the default)
#   --subdir synced       the log in a new directory <dir>/wal, made durable by an fsync of <dir>
#   --subdir unsynced     the same without the fsync of <dir>: the new directory may be lost
#   --count-header none   no header (the default)
#   --count-header fsync-between
#                         the first 512 bytes are a header "count <n>" naming how many records the
#                         log holds, records follow it; per record: write it, fsync, rewrite the
#                         header in place, fsync, ACK (recovery trusts the header)
#   --count-header one-fsync
#                         the same with one fsync for the record and the header: correct only if
#                         the writes reach the disk in the order they were issued
import argparse
import ctypes
import errno
import fcntl
import os
import sys

parser = argparse.ArgumentParser()
parser.add_argument('dir')
parser.add_argument('--records', type=int, default=4)
parser.add_argument('--ack', choices=['after-fsync', 'before-fsync', 'unsynced-last'], default='after-fsync')
parser.add_argument('--fds', choices=['one', 'dup', 'fork'], default='one')
parser.add_argument('--on-eio', choices=['stop', 'retry', 'rewrite'], default='stop')
parser.add_argument('--sync', choices=['fsync', 'fdatasync', 'sync', 'syncfs', 'sync_file_range'], default='fsync')
parser.add_argument('--subdir', choices=['none', 'synced', 'unsynced'], default='none')
parser.add_argument('--count-header', choices=['none', 'fsync-between', 'one-fsync'], default='none')
args = parser.parse_args()

HEADER_BYTES = 512
libc = ctypes.CDLL(None, use_errno=True)


def fsync_dir(path):
    dir_fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    os.fsync(dir_fd)
    os.close(dir_fd)


def make_durable(fd):
    """Makes fd's writes durable the way --sync says; raises OSError on failure."""
    if args.sync == 'fsync':
        os.fsync(fd)
    elif args.sync == 'fdatasync':
        os.fdatasync(fd)
    elif args.sync == 'sync':
        os.sync()
    else:
        result = libc.syncfs(fd) if args.sync == 'syncfs' else libc.sync_file_range(fd, ctypes.c_longlong(0), ctypes.c_longlong(0), ctypes.c_uint(1 | 2 | 4))
        if result != 0:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code))


log_dir = args.dir
if args.subdir != 'none':
    log_dir = os.path.join(args.dir, 'wal')
    os.mkdir(log_dir)
    if args.subdir == 'synced':
        fsync_dir(args.dir)
fd = os.open(os.path.join(log_dir, 'log'), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
fsync_dir(log_dir)  # the log's name is durable before anything is acknowledged
fds = [fd]
if args.fds == 'dup':
    fds.append(os.dup(fd))
    fds.append(os.dup2(fd, 20))
    fds.append(os.dup2(fd, 21, inheritable=False))  # dup3(fd, 21, O_CLOEXEC) on Linux
    fds.append(fcntl.fcntl(fd, fcntl.F_DUPFD, 30))


def write_header(count):
    os.pwrite(fd, f'count {count}\n'.encode().ljust(HEADER_BYTES, b' '), 0)


if args.count_header != 'none':
    write_header(0)
    os.lseek(fd, HEADER_BYTES, os.SEEK_SET)
    os.fsync(fd)


def ack(i):
    os.write(1, f'ACK {i}\n'.encode())


def sync_record(i, data, offset):
    """Makes record i durable; on EIO does what --on-eio says. Returns whether it may be acknowledged."""
    try:
        make_durable(fds[i % len(fds)])
        return True
    except OSError as error:
        if error.errno != errno.EIO:
            raise
        if args.on_eio == 'stop':
            return False
        if args.on_eio == 'retry':
            make_durable(fds[i % len(fds)])
            return True
        os.pwrite(fd, data, offset)
        make_durable(fd)
        return True


def append(i, data, offset, last):
    """Writes record i and makes it durable and acknowledged as --ack and --count-header say; False: stop."""
    os.write(fds[i % len(fds)], data)
    if args.count_header == 'one-fsync':
        write_header(i)
    if args.ack == 'before-fsync':
        ack(i)
        return sync_record(i, data, offset)
    if args.ack == 'unsynced-last' and last:
        return True
    if not sync_record(i, data, offset):
        return False
    if args.count_header == 'fsync-between':
        write_header(i)
        make_durable(fd)
    ack(i)
    return True


def in_child(i, data, offset, last):
    """--fds fork: record i written, synced and acknowledged by a child through the inherited descriptor."""
    pid = os.fork()
    if pid == 0:
        os._exit(0 if append(i, data, offset, last) else 1)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


offset = HEADER_BYTES if args.count_header != 'none' else 0
for i in range(1, args.records + 1):
    data = f'record {i}\n'.encode()
    last = i == args.records
    ok = in_child(i, data, offset, last) if args.fds == 'fork' and i % 2 == 0 else append(i, data, offset, last)
    if not ok:
        print(f'fsync of record {i} failed: stopping', file=sys.stderr)
        sys.exit(1)
    offset += len(data)
if args.ack == 'unsynced-last':
    ack(args.records)
