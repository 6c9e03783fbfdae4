// What can stop `walref crash-test` before it has an answer, as typed errors: each names what was
// wrong (a missing tool, a workload that failed, a --dir that is not a directory, ...).

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
  | 'BadDataDir';

export class CrashTestError extends Error {
  readonly code: CrashTestErrorCode;

  constructor(code: CrashTestErrorCode, message: string) {
    super(message);
    this.name = 'CrashTestError';
    this.code = code;
  }
}
