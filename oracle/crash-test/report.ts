// The HTML page of a crash-test run, drawn by crash-sim's report machinery (html-report.ts: the
// same page, script and byte map as `walref explore --html`), and written to a file.

import { writeFileSync } from 'node:fs';
import { BYTE_CLASS_NAMES } from '../../crash-sim/file-crash.js';
import { renderCrashTestPage, type CheckedStateView } from '../../crash-sim/html-report.js';
import type { CrashTestResult } from './run.js';

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
    survival: checked.description,
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
    calls: result.history.calls,
    states,
    violations: result.violations.map((v) => `${v.count} × ${v.reason}\n  e.g. ${v.example}`),
  });
}

export function writeCrashTestReport(path: string, result: CrashTestResult, options: CrashTestReportOptions): void {
  writeFileSync(path, renderCrashTestReport(result, options));
}
