// The HTML page of a crash-test run, drawn by the CLI's report machinery (html-report.ts: the
// same page, script and byte map as `walref explore --html`), and written to a file. Calls are
// named with their op-log index (`rename#6(a → b)`) in the list of calls, in each state's line
// and in the violations, as in the text and --json outputs.

import { BYTE_CLASS_NAMES } from '../crash-sim/file-crash.js';
import { callLabel } from '../oracle/crash-test/describe.js';
import type { CrashTestResult } from '../oracle/crash-test/run.js';
import { writeTextFile } from '../src/fs/host-files.js';
import { renderCrashTestPage, type CheckedStateView } from './html-report.js';

export interface CrashTestReportOptions {
  readonly title: string;
  readonly knobs: string;
}

export function renderCrashTestReport(result: CrashTestResult, options: CrashTestReportOptions): string {
  const states: CheckedStateView[] = result.states.map((checked) => ({
    op: checked.afterOp,
    files: [...(checked.state?.files.values() ?? [])].map((f) => ({
      path: f.path,
      bytes: f.bytes,
      cacheBytes: f.cacheBytes,
      classes: [...f.classes].map((c) => BYTE_CLASS_NAMES[c] ?? 'lost'),
    })),
    survival: checked.summary.text,
    ids: checked.ids,
    ok: checked.ok,
    reason: checked.reason,
  }));
  return renderCrashTestPage({
    title: options.title,
    knobs: options.knobs,
    crashPoints: result.crashPoints,
    exhaustive: result.exhaustive,
    violationCount: result.violationCount,
    // Acknowledgements (`ACK <id>`) and the initial image (op 0) are not calls: html-report.ts leaves them out.
    calls: result.history.calls.map((call, index) => (index === 0 || call.startsWith('ACK ') ? call : callLabel(call, index))),
    states,
    violations: result.violations.map((v) => `${v.count} × ${v.reason}\n  e.g. ${v.example}`),
  });
}

export function writeCrashTestReport(path: string, result: CrashTestResult, options: CrashTestReportOptions): void {
  writeTextFile(path, renderCrashTestReport(result, options));
}
