// Runs the log-writer target (examples/crash-test/log-writer/) under crash-test, through the
// library's crashTest(), with python3's real interpreter: a version manager's shim (pyenv) starts
// several processes per check.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { crashTest, type CrashTestOptions } from '../../../oracle/crash-test/crash-test.js';
import type { CrashTestReport } from '../../../oracle/crash-test/report.js';
import { example, freshDir, hasStrace, NEEDS_STRACE } from './helpers.js';

function pythonPath(): string | null {
  const run = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  return run.error === undefined && run.status === 0 ? run.stdout.trim() : null;
}

const python = pythonPath();
export const RECORDS = 4;
export const LOST = 'an acknowledged record was lost';
/** What is missing for the log-writer suites, in one line, or null. */
export const LOG_WRITER_MISSING = !hasStrace ? NEEDS_STRACE : python === null ? 'needs python3' : null;

const dirs: string[] = [];

/** A fresh --dir, removed by removeLogWriterDirs. */
export function logWriterDir(label: string): string {
  const dir = freshDir(`log-writer-${label}`);
  dirs.push(dir);
  return dir;
}

/** The workload command `workload.py <dir> --records 4 <flags>`, and the check command. */
export const logWriterWorkload = (dir: string, flags: string): string => `${python ?? 'python3'} ${example('log-writer', 'workload.py')} ${dir} --records ${RECORDS} ${flags}`;
export const LOG_WRITER_CHECK = `${python ?? 'python3'} ${example('log-writer', 'check.py')}`;

/** crash-test on `workload.py <dir> --records 4 <flags>`, checked by check.py (two at once). */
export async function runLogWriter(label: string, flags: string, options: Pick<CrashTestOptions, 'failFsync' | 'knobs'> = {}): Promise<CrashTestReport> {
  const dir = logWriterDir(label);
  return crashTest({ dir, workload: logWriterWorkload(dir, flags), check: LOG_WRITER_CHECK, jobs: 2, ...options });
}

export function removeLogWriterDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
