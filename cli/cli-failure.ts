// Why a command could not give its normal answer, as data. Each failure maps to one exit code and
// one line on standard error; no command prints a stack trace for a failure it anticipated.

import { match } from 'ts-pattern';
import { describeWalError, type WalErrorInfo } from '../src/core/errors.js';
import { ExitCode, type ExitCodeValue } from './io.js';

export type CliFailure =
  /** The arguments do not form a valid command line. */
  | { readonly kind: 'usage'; readonly message: string }
  /** The path does not exist, is not a directory, or a read failed. */
  | { readonly kind: 'io'; readonly message: string }
  /** The directory exists but holds no segment file, so it is not (or no longer) a walref log. */
  | { readonly kind: 'no-segments'; readonly dir: string }
  /** The log itself is wrong: replay or the frame walk returned a typed error. */
  | { readonly kind: 'log'; readonly error: WalErrorInfo };

export function exitCodeOf(failure: CliFailure): ExitCodeValue {
  return match(failure)
    .with({ kind: 'usage' }, { kind: 'io' }, () => ExitCode.UsageOrIo)
    .with({ kind: 'no-segments' }, { kind: 'log' }, () => ExitCode.LogProblem)
    .exhaustive();
}

/** One line, without the trailing newline, naming every fact the failure carries. */
export function describeFailure(failure: CliFailure): string {
  return match(failure)
    .with({ kind: 'usage' }, (f) => `${f.message} (run "walref help" for usage)`)
    .with({ kind: 'io' }, (f) => f.message)
    .with({ kind: 'no-segments' }, (f) => `${f.dir} holds no walref segment files (*.wal): not a walref log directory`)
    .with({ kind: 'log' }, (f) => `${f.error.code}: ${describeWalError(f.error)}`)
    .exhaustive();
}
