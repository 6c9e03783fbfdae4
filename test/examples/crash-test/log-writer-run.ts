// Runs the log-writer target (examples/crash-test/log-writer/) under crash-test, through the
// library's crashTest(), with python3's real interpreter: a version manager's shim (pyenv) starts
// several processes per check.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { crashTest, type CrashTestOptions } from '../../../oracle/crash-test/crash-test.js';
import type { CrashTestReport } from '../../../oracle/crash-test/report.js';
import { freshDir, hasStrace, NEEDS_STRACE } from './helpers.js';

function pythonPath(): string | null {
  const run = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  return run.error === undefined && run.status === 0 ? run.stdout.trim() : null;
}

const python = pythonPath();
export const RECORDS = 4;
export const LOST = 'an acknowledged record was lost';
/** What is missing for the log-writer suites, in one line, or null. */
export const LOG_WRITER_MISSING = !hasStrace ? NEEDS_STRACE : python === null ? 'needs python3' : null;

/** The target's two files, as a test names them: `example('log-writer', 'workload.py')`, `example('log-writer', 'check.py')`. */
export interface LogWriterFiles {
  readonly workload: string;
  readonly check: string;
}

export interface LogWriterRuns {
  /** A fresh --dir, removed by removeDirs. */
  dir(label: string): string;
  /** The workload command `workload.py <dir> --records 4 <flags>`. */
  workload(dir: string, flags: string): string;
  readonly check: string;
  /** crash-test on `workload.py <dir> --records 4 <flags>`, checked by check.py (two at once). */
  run(label: string, flags: string, options?: Pick<CrashTestOptions, 'failFsync' | 'knobs'>): Promise<CrashTestReport>;
  removeDirs(): void;
}

export function logWriterRuns(files: LogWriterFiles): LogWriterRuns {
  const dirs: string[] = [];
  const py = python ?? 'python3';
  const runs: LogWriterRuns = {
    dir(label) {
      const dir = freshDir(`log-writer-${label}`);
      dirs.push(dir);
      return dir;
    },
    workload: (dir, flags) => `${py} ${files.workload} ${dir} --records ${RECORDS} ${flags}`,
    check: `${py} ${files.check}`,
    async run(label, flags, options = {}) {
      const dir = runs.dir(label);
      return crashTest({ dir, workload: runs.workload(dir, flags), check: runs.check, jobs: 2, ...options });
    },
    removeDirs() {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
  return runs;
}
