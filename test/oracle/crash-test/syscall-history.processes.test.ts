// Whose descriptors a process uses when strace prints its calls before its parent's clone returns:
// under load the parent's `clone(... <unfinished ...>` comes first, then the child's calls, then
// `<... clone resumed>) = <child>`. The child is placed from the one clone still running, so a
// grandchild gets its parent's table, not the first process's (the log-writer's fork mode once
// reported "no traced open created it" this way, depending on how the lines fell). With two
// clones running that would give it the same tables (threads of one process, as Go's runtime
// makes them: etcd's test once reported its 0.tmp segment's fallocate this way) it is placed at
// once; with two that differ, the child's calls wait until one returns it; a child no clone ever
// returns is read with the first process's table, and the report says so.
import { describe, expect, it } from 'vitest';
import { resolveKnobs } from '../../../crash-sim/knobs.js';
import { buildSyscallHistory, type SyscallHistory } from '../../../oracle/crash-test/syscall-history.js';
import { parseTrace } from '../../../oracle/crash-test/strace-parse.js';

const knobs = resolveKnobs({});
const FORK = 'clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD';
const THREAD = 'clone(child_stack=0x7f00, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID';

function history(lines: readonly string[]): SyscallHistory {
  const { calls, unparsed } = parseTrace(lines.join('\n'), { stdoutPath: '/t/out' });
  expect(unparsed).toEqual([]);
  return buildSyscallHistory(calls, { dataDir: '/d', stdoutPath: '/t/out', cwd: '/w', knobs, initial: { files: new Map(), dirs: [] } });
}

/** The shell (100) starts python (101), which opens the log and forks a child (102). */
const prologue = [
  `100  ${FORK}, child_tidptr=0x1) = 101`,
  '101  execve("/usr/bin/python3", ["python3"], 0x2 /* 9 vars */) = 0',
  '101  openat(AT_FDCWD</w>, "/d/log", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 3</d/log>',
  '101  write(3</d/log>, "head", 4) = 4',
];

describe('a process strace shows before its clone returned', () => {
  it('writes through the descriptor it inherited from the process still in clone, at the shared offset', () => {
    const h = history([
      ...prologue,
      `101  ${FORK} <unfinished ...>`,
      '102  write(3</d/log>, "child", 5) = 5',
      '102  fsync(3</d/log>) = 0',
      '102  write(1</t/out>, "ACK 1\\n", 6) = 6',
      '101  <... clone resumed>, child_tidptr=0x3) = 102',
      '101  write(3</d/log>, "parent", 6) = 6',
    ]);
    expect(h.unmodelled).toEqual([]);
    expect(h.calls.slice(1)).toEqual(['openat(log, O_CREAT)', 'write(log, 4 bytes @0)', 'write(log, 5 bytes @4)', 'fsync(log)', 'ACK 1', 'write(log, 6 bytes @9)']);
    expect(h.acks.map((a) => a.id)).toEqual(['1']);
  });

  it('leaves the first process\'s table alone when the early child closes or opens descriptors', () => {
    const h = history([
      ...prologue,
      `101  ${FORK} <unfinished ...>`,
      '102  close(3</d/log>) = 0',
      '102  openat(AT_FDCWD</w>, "/d/other", O_WRONLY|O_CREAT, 0644) = 3</d/other>',
      '101  <... clone resumed>, child_tidptr=0x3) = 102',
      '101  write(3</d/log>, "parent", 6) = 6',
      '102  write(3</d/other>, "x", 1) = 1',
    ]);
    expect(h.unmodelled).toEqual([]);
    expect(h.calls.filter((c) => c.startsWith('write'))).toEqual(['write(log, 4 bytes @0)', 'write(log, 6 bytes @4)', 'write(other, 1 bytes @0)']);
  });

  it('holds the calls of a process seen while two clones run until one returns it, then reads them with that parent\'s table', () => {
    const h = history([
      ...prologue,
      `100  ${FORK}, child_tidptr=0x1) = 103`,
      '103  openat(AT_FDCWD</w>, "/d/side", O_WRONLY|O_CREAT, 0644) = 3</d/side>',
      `101  ${FORK} <unfinished ...>`,
      `103  ${FORK} <unfinished ...>`,
      '102  write(3</d/log>, "child", 5) = 5',
      '103  <... clone resumed>, child_tidptr=0x3) = 104',
      '101  <... clone resumed>, child_tidptr=0x3) = 102',
      '101  write(3</d/log>, "parent", 6) = 6',
    ]);
    expect(h.unmodelled).toEqual([]);
    expect(h.notes).toEqual([]);
    expect(h.calls.filter((c) => c.startsWith('write'))).toEqual(['write(log, 4 bytes @0)', 'write(log, 5 bytes @4)', 'write(log, 6 bytes @9)']);
  });

  it('places a thread seen while two threads of its process clone at once, with no wait: either clone gives it the same table', () => {
    // Go's runtime makes threads from several threads at once (etcd): the new thread opens a file,
    // and another thread of the process uses the descriptor before either clone returns.
    const h = history([
      ...prologue,
      `101  ${THREAD}, child_tidptr=0x1) = 103`,
      `101  ${THREAD} <unfinished ...>`,
      `103  ${THREAD} <unfinished ...>`,
      '104  openat(AT_FDCWD</w>, "/d/seg", O_WRONLY|O_CREAT, 0600) = 4</d/seg>',
      '101  fallocate(4</d/seg>, 0, 0, 4096) = 0',
      '101  write(4</d/seg>, "frame", 5) = 5',
      '103  <... clone resumed>, child_tidptr=0x3) = 105',
      '101  <... clone resumed>, child_tidptr=0x3) = 104',
      '104  write(4</d/seg>, "next", 4) = 4',
    ]);
    expect(h.unmodelled).toEqual([]);
    expect(h.notes).toEqual([]);
    expect(h.calls.filter((c) => /^(openat|fallocate|write)/.test(c))).toEqual([
      'openat(log, O_CREAT)',
      'write(log, 4 bytes @0)',
      'openat(seg, O_CREAT)',
      'fallocate(seg, 4096 bytes @0)',
      'write(seg, 5 bytes @0)',
      'write(seg, 4 bytes @5)',
    ]);
  });

  it('forgets a clone that failed: it is no parent of a process seen later', () => {
    const h = history([
      '100  openat(AT_FDCWD</w>, "/d/log", O_WRONLY|O_CREAT, 0644) = 3</d/log>',
      `100  ${FORK}, child_tidptr=0x1) = 101`,
      `100  ${FORK} <unfinished ...>`,
      '100  <... clone resumed>, child_tidptr=0x1) = -1 EAGAIN (Resource temporarily unavailable)',
      `101  ${FORK} <unfinished ...>`,
      // 102 is 101's child: with the failed clone forgotten, the one clone running is 101's.
      '102  write(3</d/log>, "child", 5) = 5',
      '100  write(3</d/log>, "root", 4) = 4',
      '101  <... clone resumed>, child_tidptr=0x3) = 102',
    ]);
    expect(h.unmodelled).toEqual([]);
    expect(h.calls.filter((c) => c.startsWith('write'))).toEqual(['write(log, 5 bytes @0)', 'write(log, 4 bytes @5)']);
  });

  it('reads a process no running clone ever returned with the first process\'s table, and says so', () => {
    const h = history([
      '100  openat(AT_FDCWD</w>, "/d/log", O_WRONLY|O_CREAT, 0644) = 3</d/log>',
      `100  ${FORK} <unfinished ...>`,
      // 101 is placed from the one clone running (100's), then starts a clone of its own.
      `101  ${FORK} <unfinished ...>`,
      '102  write(3</d/log>, "head", 4) = 4',
    ]);
    expect(h.calls.filter((c) => c.startsWith('write'))).toEqual(['write(log, 4 bytes @0)']);
    expect(h.notes).toContainEqual(expect.stringMatching(/^process 102 was seen while several clones were running/));
  });
});
