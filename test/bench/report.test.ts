// The benchmark's arithmetic and bookkeeping, checked without measuring anything: the table's
// ratios and pass/miss marks, the medians, and that every comparison and case in bench/plan.ts
// names something that exists. Speed itself is never asserted in a test (DESIGN.md "Budgets").

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { comparisons, measuredCases, runSettings, setupCases } from '../../bench/plan.js';
import { buildReport, type CaseSummary } from '../../bench/report.js';
import { median, quantile } from '../../bench/lib/stats.js';

const root = resolve(import.meta.dirname, '..', '..');

function summary(id: string, median: number | null, details: CaseSummary['details'] = {}): CaseSummary {
  const role = id.startsWith('walref') || id.startsWith('replay-array') || id.startsWith('replay-stream') ? 'walref' : 'limit';
  return { id, label: id, role, unit: 'commits/s', median, values: median === null ? [] : [median], details, missing: median === null ? 'not run' : null };
}

describe('bench plan', () => {
  for (const quick of [true, false]) {
    const settings = runSettings(quick);
    const cases = [...setupCases(settings, 'bench/data'), ...measuredCases(settings, 'bench/data')];

    it(`every ${quick ? 'quick' : 'full'} case names a script that exists, under a unique id`, () => {
      for (const spec of cases) expect(existsSync(join(root, spec.script)), spec.script).toBe(true);
      expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    });
  }

  it('every comparison refers to measured cases', () => {
    const ids = new Set(measuredCases(runSettings(false), 'bench/data').map((c) => c.id));
    for (const comparison of comparisons) {
      expect(ids.has(comparison.row), comparison.row).toBe(true);
      for (const against of comparison.against) expect(ids.has(against), against).toBe(true);
    }
  });

  it('the full run replays a log of at least 256 MiB', () => {
    expect(runSettings(false).replayLogBytes).toBeGreaterThanOrEqual(256 * 1024 * 1024);
  });
});

describe('bench report', () => {
  it('a walref figure is divided by the best of its references and marked against its target', () => {
    const report = buildReport([
      summary('raw-overwrite', 2000),
      summary('raw-append', 1700),
      summary('sqlite-full', 1900),
      summary('level-sync', 900),
      summary('walref-per-commit-blocking', 1700),
    ]);
    const row = report.table.split('\n').find((line) => line.includes('walref-per-commit-blocking'));
    expect(row).toContain('0.85× raw-overwrite (≥ 0.9× ✗ MISS)');
    expect(row).toContain('1.00× raw-append');
    expect(row).toContain('0.89× sqlite-full (≥ 1× ✗ MISS)');
    expect(report.targets).toEqual([
      { row: 'walref-per-commit-blocking', against: 'raw-overwrite', ratio: 0.85, target: '≥ 0.9×', pass: false },
      { row: 'walref-per-commit-blocking', against: 'sqlite-full', ratio: 1700 / 1900, target: '≥ 1×', pass: false },
    ]);
    const passing = buildReport([summary('raw-overwrite-async', 1000), summary('walref-per-commit', 950)]);
    expect(passing.targets).toEqual([{ row: 'walref-per-commit', against: 'raw-overwrite-async', ratio: 0.95, target: '≥ 0.9×', pass: true }]);
  });

  it('the bystander beside walref is compared with the one beside classic-level, and its loop delay p99 with 2 ms', () => {
    const turns = (id: string, value: number, p99: number): CaseSummary => ({ ...summary(id, value, { loopDelayP99Ms: p99, commitsPerSecond: 4000 }), unit: 'turns/s' });
    const report = buildReport([turns('bystander-level-1', 600_000, 1.3), turns('bystander-walref-per-commit', 240_000, 2.5)]);
    expect(report.targets).toEqual([
      { row: 'bystander-walref-per-commit', against: 'bystander-level-1', ratio: 0.4, target: '≥ 0.5×', pass: false },
      { row: 'bystander-walref-per-commit', against: 'loopDelayP99Ms', ratio: 2.5, target: 'loop delay p99 ≤ 2 ms', pass: false, unit: 'ms' },
    ]);
    const row = report.table.split('\n').find((line) => line.includes('bystander-walref-per-commit'));
    expect(row).toContain('4,000 commits/s beside it');
  });

  it('a target whose figures are missing is reported as not measured, neither pass nor miss', () => {
    const report = buildReport([summary('raw-batch64-overwrite', 200_000), summary('walref-group-64', null)]);
    const limit = report.targets.find((t) => t.row === 'walref-group-64' && t.against === 'raw-batch64-overwrite');
    expect(limit).toEqual({ row: 'walref-group-64', against: 'raw-batch64-overwrite', ratio: null, target: '≥ 0.5×', pass: null });
  });

  it('streaming replay passes the RSS bound when the larger log raises peak RSS by at most 32 MiB', () => {
    const rss = (big: number) =>
      buildReport([
        summary('replay-stream', 400, { peakRssMiB: big }),
        summary('replay-stream-small', 400, { peakRssMiB: 100 }),
      ]).targets.find((t) => t.against === 'replay-stream-small')?.pass;
    expect(rss(131)).toBe(true);
    expect(rss(140)).toBe(false);
  });
});

describe('bench stats', () => {
  it('the median of an even count is the mean of the middle two, and of none is NaN', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([])).toBeNaN();
  });

  it('quantiles are taken by nearest rank', () => {
    const samples = Float64Array.from([5, 1, 4, 2, 3]);
    expect(quantile(samples, 0.5)).toBe(3);
    expect(quantile(samples, 0.99)).toBe(5);
    expect(quantile(samples, 0)).toBe(1);
  });
});
