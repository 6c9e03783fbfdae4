// The CLI's only window on the outside world besides the FileSystem port: two text sinks. Every
// command takes them as a parameter, so tests capture output without spawning a process and the
// delegated commands (explore, demo) receive the same shape.

export interface CliIo {
  /** Writes `s` to standard output as is; callers add their own newlines. */
  readonly stdout: (s: string) => void;
  /** Writes `s` to standard error as is. */
  readonly stderr: (s: string) => void;
}

/** Exit codes shared by every command. */
export const ExitCode = {
  /** The command did what was asked and the log is well formed. */
  Ok: 0,
  /** The log has a problem: corruption, a malformed record sequence, a bad segment header. */
  LogProblem: 1,
  /** The command could not run: bad arguments, a missing directory, an I/O failure. */
  UsageOrIo: 2,
  /** A checker could not decide within its bounds (check-trace's candidate bound); it names the bound. */
  Inconclusive: 3,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An io that collects output in memory; used by tests and by callers that post-process output. */
export function bufferedIo(): CliIo & { readonly out: () => string; readonly err: () => string } {
  const outParts: string[] = [];
  const errParts: string[] = [];
  return {
    stdout: (s) => void outParts.push(s),
    stderr: (s) => void errParts.push(s),
    out: () => outParts.join(''),
    err: () => errParts.join(''),
  };
}
