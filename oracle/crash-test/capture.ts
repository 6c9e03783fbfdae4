// Running the workload under strace and keeping its trace: the only place crash-test starts the
// program under test. The workload is a shell command line (`/bin/sh -c`), run in the caller's
// current directory with its standard output sent to a file: strace -y then names that file on
// every write to it, from any process or fd, so acknowledgements are found in the syscall stream
// itself, exactly where they happened (see syscall-history.ts).

import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { CrashTestError } from './errors.js';

/** Every call syscall-history.ts understands, plus those it reports as unmodelled; `?` means "if it exists". */
export const TRACED_CALLS = [
  '?open', '?creat', 'openat', '?openat2', '?mkdir', 'mkdirat',
  'write', 'writev', 'pwrite64', 'pwritev', '?pwritev2', 'read', 'readv', 'lseek', '?_llseek',
  'ftruncate', 'truncate', 'fallocate', 'fsync', 'fdatasync', 'sync_file_range', '?sync_file_range2', 'syncfs', 'sync',
  '?rename', 'renameat', '?renameat2', '?unlink', 'unlinkat', '?rmdir', '?link', 'linkat', '?symlink', 'symlinkat',
  'close', '?close_range', 'dup', '?dup2', 'dup3', 'fcntl', 'chdir', 'fchdir', 'execve', '?execveat',
  'clone', '?clone3', '?fork', '?vfork', 'mmap', 'copy_file_range', 'sendfile', 'splice', '?io_uring_setup', '?io_submit',
];

/** strace's string limit: long enough for any single write crash-test is meant to see whole. */
export const STRACE_STRING_BYTES = 1 << 24;

export interface Capture {
  /** The trace file's text. */
  readonly trace: string;
  /** The real path of the file that received the workload's standard output. */
  readonly stdoutPath: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly cwd: string;
  readonly durationMs: number;
  /** What the capture has to say about injected faults (`--fail-fsync`), for the report's notes. */
  readonly notes?: readonly string[];
}

/** Faults strace injects into the workload. */
export interface CaptureFaults {
  /** Fail the n-th fsync and the n-th fdatasync of every traced process or thread with EIO. */
  readonly failFsync?: number;
}

/**
 * strace's arguments for `faults`. strace counts the calls of `when=<n>` per call name and per
 * tracee (strace(1): "Accounting of syscalls that are subject to injection is done per syscall
 * and per tracee"), and cannot restrict an injection to paths under a directory: the n-th fsync
 * and the n-th fdatasync of each process or thread fail, whatever file they name. The trace marks
 * each one `(INJECTED)`; syscall-history.ts records those under --dir and notes the others.
 */
export function straceFaultArgs(faults: CaptureFaults): string[] {
  return faults.failFsync === undefined ? [] : ['-e', `inject=fsync,fdatasync:error=EIO:when=${faults.failFsync}`];
}

/** Whether a trace holds an injected failure: a sync call strace failed with EIO. */
export function injectedFailure(trace: string): boolean {
  return / = -1 EIO \([^)]*\) \(INJECTED\)/.test(trace);
}

/** The strace version line, or null when strace cannot be run. */
export function straceVersion(): string | null {
  const run = spawnSync('strace', ['-V'], { encoding: 'utf8' });
  if (run.error !== undefined || run.status !== 0) return null;
  return (run.stdout.split('\n')[0] ?? '').trim();
}

export async function captureWorkload(workload: string, workDir: string, faults: CaptureFaults = {}): Promise<Capture> {
  if (straceVersion() === null) throw new CrashTestError('StraceMissing', 'strace is not installed: install it (apt-get install -y strace) to run crash-test');
  const tracePath = join(workDir, 'workload.strace');
  const stdoutFile = join(workDir, 'workload.stdout');
  const stdoutFd = openSync(stdoutFile, 'w');
  const cwd = realpathSync(process.cwd());
  const started = performance.now();
  const args = [
    '-f', '-y', '-qq', '-s', String(STRACE_STRING_BYTES), '--strings-in-hex=non-ascii-chars',
    '-e', `trace=${TRACED_CALLS.join(',')}`, ...straceFaultArgs(faults), '-o', tracePath, '--', '/bin/sh', '-c', workload,
  ];
  let stderr = '';
  const code = await new Promise<number | string | null>((resolve, reject) => {
    const child = spawn('strace', args, { cwd, stdio: ['ignore', stdoutFd, 'pipe'] });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (stderr.length < 1 << 20) stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (exitCode, signal) => resolve(exitCode ?? signal));
  });
  closeSync(stdoutFd);
  const durationMs = performance.now() - started;
  let trace: string;
  try {
    trace = readFileSync(tracePath, 'utf8');
  } catch {
    throw new CrashTestError('StraceFailed', `strace wrote no trace: ${lastLine(stderr) || 'no message'}`);
  }
  const stdout = readFileSync(stdoutFile, 'utf8');
  if (code !== 0 && trace.trim() === '') throw new CrashTestError('StraceFailed', `strace could not trace the workload: ${lastLine(stderr) || `exit ${String(code)}`}`);
  const notes = faultNotes(faults, code, injectedFailure(trace), lastLine(stderr) || lastLine(stdout) || 'no output');
  return { trace, stdoutPath: realpathSync(stdoutFile), stdout, stderr, cwd, durationMs, notes };
}

/**
 * A workload must exit 0, except after an injected failure: stopping there (PostgreSQL's PANIC) is
 * a right answer to EIO, so its run is checked up to its last call, with a note saying so.
 */
function faultNotes(faults: CaptureFaults, code: number | string | null, injected: boolean, last: string): string[] {
  const notes: string[] = [];
  if (faults.failFsync !== undefined && !injected) notes.push(`--fail-fsync ${faults.failFsync}: no call was failed (no process or thread made ${faults.failFsync} fsync or fdatasync calls)`);
  if (code === 0) return notes;
  if (faults.failFsync === undefined || !injected) throw new CrashTestError('WorkloadFailed', `the workload exited with status ${String(code)}: ${last}`);
  return [...notes, `the workload exited with status ${String(code)} after an injected fsync failure (${last}): its crash states are checked up to its last call`];
}

export function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines[lines.length - 1] ?? '';
}
