// What can stop `walref crash-test` before it has an answer, as typed errors: each names what was
// wrong (a missing tool, a workload that failed, a --dir that is not a directory, an option of the
// library API, a capture file that does not match --dir, shard reports that do not belong
// together, ...). Tests assert the code, not the message.

export type CrashTestErrorCode =
  /** strace is not installed (or not on PATH). */
  | 'StraceMissing'
  /** strace could not trace (ptrace refused, bad flag). */
  | 'StraceFailed'
  /** The workload exited with a non-zero status. */
  | 'WorkloadFailed'
  /** The --init command (run before the trace to fill --dir) exited with a non-zero status. */
  | 'InitFailed'
  /** --dir exists but is not a directory, or holds something crash-test cannot copy. */
  | 'BadDataDir'
  /** An option of the library API (walref/crash-test) is missing or wrong; the message names it. */
  | 'BadOption'
  /** A --from-capture file cannot be read: not a capture, another version, or cut short. */
  | 'BadCapture'
  /** --dir does not hold the initial directory the capture was made from; names the first differing path. */
  | 'CaptureMismatch'
  /** A file given to `crash-test merge` is not a crash-test --json report. */
  | 'BadReport'
  /** Reports given to `crash-test merge` come from different captures, plans or shard counts. */
  | 'ShardMismatch';

export class CrashTestError extends Error {
  readonly code: CrashTestErrorCode;

  constructor(code: CrashTestErrorCode, message: string) {
    super(message);
    this.name = 'CrashTestError';
    this.code = code;
  }
}
