// `walref crash-test merge`: the --json reports of a run's shards as one report. Every report must
// come from the same capture and the same plan (capture digest, knobs, --max-states, --seed, the
// number of shards, the plan's size): otherwise a ShardMismatch error names the file and the field.
// The merged report says which shards 1..n it holds, which are missing and which were given more
// than once (counted once), and it is exhaustive only when the plan is and every shard is there.
// Violation groups are regrouped by reason: counts add up and the simplest example wins, by the
// rule of violations.ts. A merged report can itself be merged with further shards.

import { isDeepStrictEqual } from 'node:util';
import { CrashTestError } from './errors.js';
import { REPORT_FORMAT, type CrashTestReport, type ShardCoverage, type ViolationReport } from './report.js';
import { WHOLE_RUN } from './shard.js';
import { simpler } from './violations.js';

export interface NamedReport {
  /** Where the report came from (a file name), for error messages. */
  readonly name: string;
  readonly report: CrashTestReport;
}

/** The fields every shard of one run has in common. */
const SAME_RUN: readonly (keyof CrashTestReport)[] = ['captureDigest', 'knobs', 'seed', 'maxStates', 'plannedStates', 'crashPoints', 'spaceTotal', 'planExhaustive', 'calls', 'acks'];

function shardsOf(report: CrashTestReport): { n: number; present: readonly number[] } {
  return report.shards ?? { n: report.shard.n, present: [report.shard.k] };
}

function checkSameRun(first: NamedReport, other: NamedReport): void {
  for (const field of SAME_RUN) {
    if (!isDeepStrictEqual(first.report[field], other.report[field])) {
      throw new CrashTestError('ShardMismatch', `${other.name} is not a shard of the run ${first.name} belongs to: their ${field} differ (${JSON.stringify(other.report[field])} vs ${JSON.stringify(first.report[field])})`);
    }
  }
  if (shardsOf(first.report).n !== shardsOf(other.report).n) {
    throw new CrashTestError('ShardMismatch', `${other.name} is one of ${shardsOf(other.report).n} shards, ${first.name} one of ${shardsOf(first.report).n}`);
  }
}

function mergeViolations(reports: readonly CrashTestReport[]): ViolationReport[] {
  const groups = new Map<string, ViolationReport>();
  for (const report of reports) {
    for (const v of report.violations) {
      const group = groups.get(v.reason);
      if (group === undefined) groups.set(v.reason, v);
      else {
        const example = simpler(v, group) ? v : group;
        groups.set(v.reason, { ...example, count: group.count + v.count });
      }
    }
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}

/** Which of `inputs` count (a report whose shards were all seen already counts once), and the coverage. */
function coverage(inputs: readonly NamedReport[]): { counted: NamedReport[]; shards: ShardCoverage } {
  const n = shardsOf((inputs[0] as NamedReport).report).n;
  const seen = new Set<number>();
  const duplicated = new Set<number>();
  const counted: NamedReport[] = [];
  for (const input of inputs) {
    const present = shardsOf(input.report).present;
    const again = present.filter((k) => seen.has(k));
    if (again.length === present.length) {
      again.forEach((k) => duplicated.add(k));
      continue;
    }
    if (again.length > 0) throw new CrashTestError('ShardMismatch', `${input.name} holds shards ${present.join(', ')}, of which ${again.join(', ')} are already in another report`);
    present.forEach((k) => seen.add(k));
    counted.push(input);
  }
  const all = Array.from({ length: n }, (_, i) => i + 1);
  const missing = all.filter((k) => !seen.has(k));
  return { counted, shards: { n, present: [...seen].sort((a, b) => a - b), missing, duplicated: [...duplicated].sort((a, b) => a - b), complete: missing.length === 0 && duplicated.size === 0 } };
}

export function mergeReports(inputs: readonly NamedReport[]): CrashTestReport {
  const first = inputs[0];
  if (first === undefined) throw new CrashTestError('BadReport', 'crash-test merge needs at least one report');
  for (const input of inputs.slice(1)) checkSameRun(first, input);
  const { counted, shards } = coverage(inputs);
  const reports = counted.map((c) => c.report);
  const sum = (field: 'crashStates' | 'violationCount' | 'checkMs'): number => reports.reduce((total, r) => total + r[field], 0);
  const crashStates = sum('crashStates');
  if (shards.missing.length === 0 && crashStates !== first.report.plannedStates) {
    throw new CrashTestError('ShardMismatch', `the shards checked ${crashStates} crash states between them, but their plan has ${first.report.plannedStates}`);
  }
  const checkMs = sum('checkMs');
  return {
    ...first.report,
    format: REPORT_FORMAT,
    crashStates,
    exhaustive: first.report.planExhaustive && shards.missing.length === 0,
    shard: WHOLE_RUN,
    shards,
    violations: mergeViolations(reports),
    violationCount: sum('violationCount'),
    statesPerSecond: Math.round((crashStates / Math.max(checkMs / 1000, 1e-3)) * 10) / 10,
    checkMs,
  };
}
