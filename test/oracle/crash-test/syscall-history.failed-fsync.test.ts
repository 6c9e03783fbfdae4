// A failed fsync in a traced program (an EIO the kernel reported, or one strace injected for
// --fail-fsync): the writes it covered stay in limbo, so a later fsync that succeeds does not make
// them durable (fsyncgate), while the writes after the failure are made durable as usual.
import { describe, expect, it } from 'vitest';
import { stateAfter } from '../../../crash-sim/apply-op.js';
import { crashSpace, enumerateCrashStates } from '../../../crash-sim/crash-states.js';
import { resolveKnobs } from '../../../crash-sim/knobs.js';
import { straceFaultArgs, injectedFailure } from '../../../oracle/crash-test/capture.js';
import type { SyscallHistory } from '../../../oracle/crash-test/syscall-history.js';
import { traceHistory } from './trace-history.js';

const knobs = resolveKnobs({});

function history(lines: readonly string[]): SyscallHistory {
  return traceHistory(lines, { knobs });
}

/** The distinct contents `log` may have after a crash at the end of the history ('-' when it is gone). */
function logContents(h: SyscallHistory): string[] {
  const states = enumerateCrashStates(crashSpace(stateAfter(knobs, h.ops, h.ops.length)), { maxStates: 10_000, seed: 1 });
  expect(states.exhaustive).toBe(true);
  const contents = states.states.map((s) => {
    const bytes = s.files.get('/log')?.bytes;
    return bytes === undefined ? '-' : new TextDecoder().decode(bytes).replaceAll('\0', '0');
  });
  return [...new Set(contents)].sort();
}

const OPEN = [
  '1  openat(AT_FDCWD</w>, "/d/log", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 3</d/log>',
  '1  openat(AT_FDCWD</w>, "/d", O_RDONLY|O_DIRECTORY) = 4</d>',
  '1  fsync(4</d>) = 0',
  '1  write(3</d/log>, "one\\n", 4) = 4',
];

describe('a failed fsync leaves the writes before it in limbo', () => {
  it('a write, a failed fsync, a successful one: the write may still be lost, whole or in part', () => {
    const failedThenOk = history([...OPEN, '1  fsync(3</d/log>) = -1 EIO (Input/output error) (INJECTED)', '1  fsync(3</d/log>) = 0']);
    expect(failedThenOk.calls.slice(-2)).toEqual(['fsync(log) -> EIO', 'fsync(log)']);
    expect(logContents(failedThenOk)).toContain('');
    expect(logContents(failedThenOk)).toContain('one\n');
    // One note, for the failure, naming who failed it; the fsync that succeeded adds none.
    expect(failedThenOk.notes).toEqual(['fsync(log) -> EIO (injected by strace): the writes it covered may or may not be on disk in every later crash state, whatever later fsyncs return']);
    // The same calls with no failure: the write is durable.
    expect(logContents(history([...OPEN, '1  fsync(3</d/log>) = 0', '1  fsync(3</d/log>) = 0']))).toEqual(['one\n']);
  });

  it('a write after the failure, in another sector, is made durable by the next fsync; the one before stays undecided (zeros where it was lost)', () => {
    const h = history([...OPEN, '1  fdatasync(3</d/log>) = -1 EIO (Input/output error)', '1  pwrite64(3</d/log>, "two\\n", 4, 512) = 4', '1  fdatasync(3</d/log>) = 0']);
    const contents = logContents(h);
    expect(contents.map((c) => `${c.slice(0, 4)}|${c.slice(512)}`)).toEqual(['0000|two\n', 'one\n|two\n']);
    expect(h.notes).toEqual(['fdatasync(log) -> EIO (reported by the kernel): the writes it covered may or may not be on disk in every later crash state, whatever later fsyncs return']);
  });

  it('a later write to the same sector writes the sector back as the page cache holds it: the earlier bytes come back with it', () => {
    const h = history([...OPEN, '1  fsync(3</d/log>) = -1 EIO (Input/output error) (INJECTED)', '1  write(3</d/log>, "two\\n", 4) = 4', '1  fsync(3</d/log>) = 0']);
    expect(logContents(h)).toEqual(['one\ntwo\n']);
  });

  it('sync(2) after a failed fsync does not bring the write back either', () => {
    expect(logContents(history([...OPEN, '1  fsync(3</d/log>) = -1 EIO (Input/output error) (INJECTED)', '1  sync() = 0']))).toContain('');
  });

  it('an injected failure outside --dir changes nothing and is noted', () => {
    const h = history([...OPEN, '1  openat(AT_FDCWD</w>, "/e/x", O_WRONLY|O_CREAT, 0644) = 5</e/x>', '1  fsync(5</e/x>) = -1 EIO (Input/output error) (INJECTED)', '1  fsync(3</d/log>) = 0']);
    expect(logContents(h)).toEqual(['one\n']);
    expect(h.notes).toEqual(['fsync(/e/x) -> EIO was injected outside --dir: it changes nothing crash-test models']);
  });

  it('an fsync of an fd no traced call opened outside --dir is noted only when strace injected its failure', () => {
    const failed = history([...OPEN, '1  fsync(7</e/y>) = -1 EIO (Input/output error) (INJECTED)', '1  fsync(8</e/z>) = -1 EIO (Input/output error)', '1  fsync(9</e/w>) = 0']);
    expect(failed.notes).toEqual(['fsync(/e/y) -> EIO was injected outside --dir: it changes nothing crash-test models']);
    expect(failed.calls.at(-1)).toBe('write(log, 4 bytes @0)');
  });

  it('a failed directory fsync leaves the entry changes it covered undecided, and says so', () => {
    const h = history([...OPEN.slice(0, 2), '1  fsync(4</d>) = -1 EIO (Input/output error) (INJECTED)']);
    expect(h.notes).toEqual(['fsync(.) -> EIO (injected by strace): the entry changes it covered stay undecided until a directory fsync succeeds']);
    expect(h.calls.at(-1)).toBe('fsync(.) -> EIO');
  });
});

describe('--fail-fsync asks strace for the failure', () => {
  it('fails the n-th fsync and the n-th fdatasync with EIO, and nothing without it', () => {
    expect(straceFaultArgs({ failFsync: 3 })).toEqual(['-e', 'inject=fsync,fdatasync:error=EIO:when=3']);
    expect(straceFaultArgs({})).toEqual([]);
  });

  it('knows an injected failure in a trace from a failure the kernel reported', () => {
    expect(injectedFailure('7  fsync(3</d/log>) = -1 EIO (Input/output error) (INJECTED)\n')).toBe(true);
    expect(injectedFailure('7  fsync(3</d/log>) = -1 EIO (Input/output error)\n')).toBe(false);
  });
});
