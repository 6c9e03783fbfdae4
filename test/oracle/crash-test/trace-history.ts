// Hand-written strace text → crash-test's SyscallHistory, for the suites that check the builder:
// --dir is /d, the workload's standard output /t/out, and it starts in /w.
import { resolveKnobs, type SimKnobs } from '../../../crash-sim/knobs.js';
import { buildSyscallHistory, type SyscallHistory } from '../../../oracle/crash-test/syscall-history.js';
import { parseTrace } from '../../../oracle/crash-test/strace-parse.js';

export interface TraceHistoryOptions {
  readonly knobs?: SimKnobs;
  /** Files in --dir before the workload, by path relative to it. */
  readonly files?: ReadonlyMap<string, Uint8Array>;
  readonly dirs?: readonly string[];
}

export function traceHistory(lines: readonly string[], options: TraceHistoryOptions = {}): SyscallHistory {
  const { calls } = parseTrace(lines.join('\n'), { stdoutPath: '/t/out' });
  return buildSyscallHistory(calls, {
    dataDir: '/d',
    stdoutPath: '/t/out',
    cwd: '/w',
    knobs: options.knobs ?? resolveKnobs({ mkdirSync: true }),
    initial: { files: options.files ?? new Map(), dirs: options.dirs ?? [] },
  });
}

/** What a history says of `lines`: the calls it modelled (after the initial contents) and the reasons it reported. */
export function modelledCalls(lines: readonly string[], options: TraceHistoryOptions = {}): { calls: readonly string[]; reported: readonly string[] } {
  const h = traceHistory(lines, options);
  return { calls: h.calls.slice(1), reported: h.unmodelled.map((u) => u.reason) };
}
