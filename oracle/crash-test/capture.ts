// Running the workload under strace and keeping its trace: the only place crash-test starts the
// program under test. The workload is a shell command line (`/bin/sh -c`), run in the caller's
// current directory with its standard output sent to a file: strace -y then names that file on
// every write to it, from any process or fd, so acknowledgements are found in the syscall stream
// itself, exactly where they happened (see syscall-history.ts).
//
// The trace is read while strace writes it, a chunk at a time, and handed on line by line
// (TraceTail): it can be hundreds of megabytes of hex, and is never held whole. The file itself is
// removed once read, unless the caller keeps it.

import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
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
  /** The trace file, while it is kept (CaptureOptions.keepTrace), else null. */
  readonly tracePath: string | null;
  /** How many bytes of trace strace wrote. */
  readonly traceBytes: number;
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

/** Whether a trace (or one line of it) holds an injected failure: a sync call strace failed with EIO. */
export function injectedFailure(trace: string): boolean {
  return / = -1 EIO \([^)]*\) \(INJECTED\)/.test(trace);
}

/** The strace version line, or null when strace cannot be run. */
export function straceVersion(): string | null {
  const run = spawnSync('strace', ['-V'], { encoding: 'utf8' });
  if (run.error !== undefined || run.status !== 0) return null;
  return (run.stdout.split('\n')[0] ?? '').trim();
}

export interface CaptureOptions extends CaptureFaults {
  /** Every line of the trace, in order, as strace writes it. */
  readonly onLine: (line: string) => void;
  /** Keep the trace file in the work directory (default: removed once read). */
  readonly keepTrace?: boolean;
}

/** How often the trace is read while the workload runs. */
const TAIL_INTERVAL_MS = 200;
const TAIL_CHUNK_BYTES = 4 * 1024 * 1024;

/** Reads a file that is still being written, and hands on each complete line once. */
class TraceTail {
  readonly #path: string;
  readonly #onLine: (line: string) => void;
  readonly #decoder = new StringDecoder('utf8');
  readonly #partial: string[] = [];
  readonly #buffer = Buffer.alloc(TAIL_CHUNK_BYTES);
  bytes = 0;

  constructor(path: string, onLine: (line: string) => void) {
    this.#path = path;
    this.#onLine = onLine;
  }

  /** Everything written since the last read. */
  read(): void {
    if (!existsSync(this.#path)) return;
    const fd = openSync(this.#path, 'r');
    try {
      for (let got = readSync(fd, this.#buffer, 0, TAIL_CHUNK_BYTES, this.bytes); got > 0; got = readSync(fd, this.#buffer, 0, TAIL_CHUNK_BYTES, this.bytes)) {
        this.bytes += got;
        this.#take(this.#decoder.write(this.#buffer.subarray(0, got)));
      }
    } finally {
      closeSync(fd);
    }
  }

  #take(text: string): void {
    let start = 0;
    for (let cut = text.indexOf('\n'); cut !== -1; cut = text.indexOf('\n', start)) {
      this.#partial.push(text.slice(start, cut));
      this.#onLine(this.#partial.join(''));
      this.#partial.length = 0;
      start = cut + 1;
    }
    if (start < text.length) this.#partial.push(text.slice(start));
  }

  /** The last line, when the file does not end with a newline. */
  end(): void {
    this.#take(this.#decoder.end());
    if (this.#partial.length > 0) this.#onLine(this.#partial.join(''));
    this.#partial.length = 0;
  }
}

/** Where a capture in `workDir` sends the workload's standard output, and the directory it runs in: known before it starts. */
export function capturePaths(workDir: string): { readonly stdoutPath: string; readonly cwd: string } {
  return { stdoutPath: join(realpathSync(workDir), 'workload.stdout'), cwd: realpathSync(process.cwd()) };
}

export async function captureWorkload(workload: string, workDir: string, options: CaptureOptions): Promise<Capture> {
  if (straceVersion() === null) throw new CrashTestError('StraceMissing', 'strace is not installed: install it (apt-get install -y strace) to run crash-test');
  const tracePath = join(workDir, 'workload.strace');
  const { stdoutPath: stdoutFile, cwd } = capturePaths(workDir);
  const stdoutFd = openSync(stdoutFile, 'w');
  const started = performance.now();
  const args = [
    '-f', '-y', '-qq', '-s', String(STRACE_STRING_BYTES), '--strings-in-hex=non-ascii-chars',
    '-e', `trace=${TRACED_CALLS.join(',')}`, ...straceFaultArgs(options), '-o', tracePath, '--', '/bin/sh', '-c', workload,
  ];
  let injected = false;
  const tail = new TraceTail(tracePath, (line) => {
    injected ||= options.failFsync !== undefined && injectedFailure(line);
    options.onLine(line);
  });
  let stderr = '';
  const timer = setInterval(() => tail.read(), TAIL_INTERVAL_MS);
  const code = await new Promise<number | string | null>((resolve, reject) => {
    const child = spawn('strace', args, { cwd, stdio: ['ignore', stdoutFd, 'pipe'] });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (stderr.length < 1 << 20) stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (exitCode, signal) => resolve(exitCode ?? signal));
  }).finally(() => clearInterval(timer));
  closeSync(stdoutFd);
  const durationMs = performance.now() - started;
  if (!existsSync(tracePath)) throw new CrashTestError('StraceFailed', `strace wrote no trace: ${lastLine(stderr) || 'no message'}`);
  tail.read();
  tail.end();
  if (options.keepTrace !== true) rmSync(tracePath, { force: true });
  const stdout = readFileSync(stdoutFile, 'utf8');
  if (code !== 0 && tail.bytes === 0) throw new CrashTestError('StraceFailed', `strace could not trace the workload: ${lastLine(stderr) || `exit ${String(code)}`}`);
  const notes = faultNotes(options, code, injected, lastLine(stderr) || lastLine(stdout) || 'no output');
  return { tracePath: options.keepTrace === true ? tracePath : null, traceBytes: tail.bytes, stdoutPath: realpathSync(stdoutFile), stdout, stderr, cwd, durationMs, notes };
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

/**
 * Runs `--init` (a shell command line) before the trace, to fill --dir: what it writes is the
 * initial state, taken as durable, not part of the history.
 */
export async function runInit(init: string): Promise<void> {
  let output = '';
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', init], { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-64 * 1024);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (exitCode) => resolve(exitCode));
  });
  if (code !== 0) throw new CrashTestError('InitFailed', `the --init command exited with status ${String(code)}: ${lastLine(output) || 'no output'}`);
}
