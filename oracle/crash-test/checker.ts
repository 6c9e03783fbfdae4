// The three ways crash-test asks a program whether a crash state is fine, behind one interface:
//   - a command (any language): one process per state, `<check> <state dir> <acked id>...`
//     (check.ts), its exit status the verdict and its last output line the reason;
//   - a function (Node programs): `(stateDir, ackedIds) => verdict`, called in this thread, no
//     process started per state;
//   - a module exporting such a function, called in worker threads (check-workers.ts): the same
//     speed per state, and the checks run on every core.
// A verdict is `true` (fine), a string (the reason it is not), or `{ ok, reason?, detail? }`.
// Reasons group the violations, so they should be stable; details are shown with the example.

import { runCheck, type CheckOutcome } from './check.js';

/** What a check function returns: true, a reason string (a violation), or an explicit verdict. */
export type Verdict = boolean | string | { readonly ok: boolean; readonly reason?: string; readonly detail?: string };

export type CheckFunction = (stateDir: string, ackedIds: readonly string[]) => Verdict | Promise<Verdict>;

export interface Checker {
  /** Judges the crash state in `stateDir`, given the ids acknowledged before its crash point. */
  check(stateDir: string, ids: readonly string[], timeoutMs: number): Promise<CheckOutcome>;
  /** Releases what the checker holds (worker threads); it is not used afterwards. */
  close(): Promise<void>;
}

/** A check command run once per state, with TMPDIR pointing at `tmpDir` (removed with the run). */
export function commandChecker(command: string, tmpDir: string): Checker {
  return {
    check: (stateDir, ids, timeoutMs) => runCheck(command, stateDir, ids, timeoutMs, { TMPDIR: tmpDir }),
    close: async () => undefined,
  };
}

/** The first line of a message: a reason is one line. */
function firstLine(text: string): string {
  return (text.split('\n').find((line) => line.trim() !== '') ?? '').trim();
}

/** A verdict as the outcome crash-test groups, whatever the function returned. */
export function outcomeOfVerdict(verdict: unknown): CheckOutcome {
  const base = { exitCode: null, timedOut: false };
  if (verdict === true) return { ...base, ok: true, reason: '' };
  if (verdict === false) return { ...base, ok: false, reason: 'the check returned false' };
  if (typeof verdict === 'string') return { ...base, ok: false, reason: firstLine(verdict) || 'the check returned an empty reason', detail: verdict };
  if (typeof verdict === 'object' && verdict !== null && 'ok' in verdict && typeof verdict.ok === 'boolean') {
    const reason = 'reason' in verdict && typeof verdict.reason === 'string' ? firstLine(verdict.reason) : '';
    const detail = 'detail' in verdict && typeof verdict.detail === 'string' ? { detail: verdict.detail } : {};
    return { ...base, ok: verdict.ok, reason: reason || (verdict.ok ? '' : 'the check failed without a reason'), ...detail };
  }
  return { ...base, ok: false, reason: `the check returned ${describeValue(verdict)}, not true, a reason string or { ok, reason }` };
}

function describeValue(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (typeof value === 'object') return 'an object without a boolean ok';
  return `a ${typeof value}`;
}

/** What a check that threw says: its message's first line is the reason. */
export function outcomeOfThrow(error: unknown): CheckOutcome {
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, reason: `the check threw: ${firstLine(message) || (error instanceof Error ? error.name : 'no message')}`, exitCode: null, timedOut: false, detail: error instanceof Error ? (error.stack ?? message) : message };
}

/** The outcome of a check that did not answer in time. */
export function timedOutOutcome(timeoutMs: number): CheckOutcome {
  return { ok: false, reason: `check timed out after ${timeoutMs} ms`, exitCode: null, timedOut: true };
}

/**
 * A function called in this thread. A timeout stops waiting for it, not the function itself (a
 * function cannot be stopped from outside); crash-test never reuses that state's directory.
 */
export function functionChecker(check: CheckFunction): Checker {
  return {
    check: async (stateDir, ids, timeoutMs) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<CheckOutcome>((resolve) => {
        timer = setTimeout(() => resolve(timedOutOutcome(timeoutMs)), timeoutMs);
      });
      const run = (async () => outcomeOfVerdict(await check(stateDir, [...ids])))().catch(outcomeOfThrow);
      try {
        return await Promise.race([run, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    close: async () => undefined,
  };
}
