#!/usr/bin/env python3
# crash-test target: a tiny append-only log written with raw system calls, with one knob per
# classic durability mistake, so that each class of bug crash-test claims to find has a program
# that shows it (docs/oracle.md, "crash-test's planted targets").
#
#   python3 examples/crash-test/log-writer/workload.py <dir> [--records N] [--ack MODE] [--fds MODE] [--on-eio MODE]
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
#   --on-eio stop         when an fsync fails, stop without acknowledging (the default)
#   --on-eio retry        when an fsync fails, call fsync again and acknowledge if it succeeds: the
#                         pattern behind PostgreSQL's 2018 "fsyncgate" (the failed pages were
#                         marked clean; the second fsync has nothing left to write)
#   --on-eio rewrite      when an fsync fails, write the record again from the program's own copy
#                         at its offset, fsync, and acknowledge: recovery from its own data
import argparse
import errno
import fcntl
import os
import sys

parser = argparse.ArgumentParser()
parser.add_argument('dir')
parser.add_argument('--records', type=int, default=4)
parser.add_argument('--ack', choices=['after-fsync', 'before-fsync', 'unsynced-last'], default='after-fsync')
parser.add_argument('--fds', choices=['one', 'dup'], default='one')
parser.add_argument('--on-eio', choices=['stop', 'retry', 'rewrite'], default='stop')
args = parser.parse_args()

path = os.path.join(args.dir, 'log')
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
dir_fd = os.open(args.dir, os.O_RDONLY | os.O_DIRECTORY)
os.fsync(dir_fd)  # the log's name is durable before anything is acknowledged
fds = [fd]
if args.fds == 'dup':
    fds.append(os.dup(fd))
    fds.append(os.dup2(fd, 20))
    fds.append(os.dup2(fd, 21, inheritable=False))  # dup3(fd, 21, O_CLOEXEC) on Linux
    fds.append(fcntl.fcntl(fd, fcntl.F_DUPFD, 30))


def ack(i):
    os.write(1, f'ACK {i}\n'.encode())


def sync_record(i, data, offset):
    """fsyncs record i; on EIO does what --on-eio says. Returns whether the record may be acknowledged."""
    try:
        os.fsync(fds[i % len(fds)])
        return True
    except OSError as error:
        if error.errno != errno.EIO:
            raise
        if args.on_eio == 'stop':
            return False
        if args.on_eio == 'retry':
            os.fsync(fds[i % len(fds)])
            return True
        os.pwrite(fd, data, offset)
        os.fsync(fd)
        return True


offset = 0
for i in range(1, args.records + 1):
    data = f'record {i}\n'.encode()
    os.write(fds[i % len(fds)], data)
    last = i == args.records
    if args.ack == 'before-fsync':
        ack(i)
        if not sync_record(i, data, offset):
            sys.exit(1)
    elif args.ack == 'unsynced-last' and last:
        pass
    else:
        if not sync_record(i, data, offset):
            sys.exit(1)
        ack(i)
    offset += len(data)
if args.ack == 'unsynced-last':
    ack(args.records)
