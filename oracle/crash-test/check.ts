// Running the program's checker on one materialised crash state, with a timeout (check-stream.ts
// runs many at once over the cores). The check command is a shell command line; the state directory and the
// acknowledged ids are appended as arguments ("$@"), each one word, never re-split by the shell.

import { spawn } from 'node:child_process';
import { lastLine } from './capture.js';
import { trackProcessGroup } from './scratch.js';

export interface CheckOutcome {
  readonly ok: boolean;
  /** The last line the checker printed (stdout or stderr), or why it did not finish. */
  readonly reason: string;
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  /** More than the reason, when there is more: the checker's output before it, a stack. */
  readonly detail?: string;
}

/**
 * Runs `check` on one state in its own process group (so a timeout kills everything it started),
 * with `env` added to crash-test's environment.
 */
export function runCheck(check: string, stateDir: string, ids: readonly string[], timeoutMs: number, env: NodeJS.ProcessEnv = {}): Promise<CheckOutcome> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', `${check} "$@"`, 'walref-check', stateDir, ...ids], { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, ...env } });
    // Killed with its group if crash-test is stopped while it runs: a check that exec'd into a
    // program whose command line names no scratch directory would escape the search by name.
    const untrack = child.pid === undefined ? () => undefined : trackProcessGroup(child.pid);
    let output = '';
    const keep = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (output.length > 64 * 1024) output = output.slice(-32 * 1024);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      untrack();
      resolve({ ok: false, reason: `the check could not start: ${error.message}`, exitCode: null, timedOut: false });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      untrack();
      if (timedOut) resolve({ ok: false, reason: `check timed out after ${timeoutMs} ms`, exitCode: null, timedOut: true });
      else if (code === 0) resolve({ ok: true, reason: lastLine(output), exitCode: 0, timedOut: false });
      else resolve({ ok: false, reason: lastLine(output) || (signal === null ? `check exited with status ${String(code)}` : `check killed by ${signal}`), exitCode: code, timedOut: false, ...detailOf(output) });
    });
  });
}

/** The checker's output before its last line (at most 20 lines), when there is any. */
function detailOf(output: string): { detail?: string } {
  const lines = output.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
  return lines.length < 2 ? {} : { detail: lines.slice(-21, -1).join('\n') };
}
