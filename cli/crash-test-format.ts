// The text and --json outputs of `walref crash-test` and `walref crash-test merge`, both drawn
// from the one report (oracle/crash-test/report.ts), so a run, a shard and a merge read alike.

import { describeKnobs } from '../crash-sim/knobs.js';
import type { CrashTestReport } from '../oracle/crash-test/report.js';
import { spaceTotalText } from './format-space.js';

/** "1 group", "3 groups": the summary is read by people, so it counts in words that agree. */
function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** "shard 2/4: 31 of 120 planned", or for a merge, which shards are there and which are not. */
function coverageLine(report: CrashTestReport): string | null {
  const { shards } = report;
  if (shards !== undefined) {
    const parts = [`${shards.present.length} of ${shards.n} present`];
    if (shards.missing.length > 0) parts.push(`missing ${shards.missing.map((k) => `${k}/${shards.n}`).join(', ')}`);
    if (shards.duplicated.length > 0) parts.push(`given more than once (counted once): ${shards.duplicated.map((k) => `${k}/${shards.n}`).join(', ')}`);
    return `shards: ${parts.join('; ')}${shards.complete ? ', each exactly once' : ''}`;
  }
  if (report.shard.n === 1) return null;
  return `shard: ${report.shard.k}/${report.shard.n} (${report.crashStates} of the ${report.plannedStates} planned crash states)`;
}

function statesLine(report: CrashTestReport): string {
  const scope = report.crashStates === report.plannedStates ? '' : ` of ${report.plannedStates} planned`;
  const plan = report.planExhaustive ? 'an exhaustive plan' : 'a sampled plan';
  const how = report.exhaustive ? 'exhaustive' : report.shards === undefined && report.shard.n > 1 ? `one shard of ${plan}` : report.planExhaustive ? 'not exhaustive: shards missing' : 'sampled';
  return `crash states: ${report.crashStates}${scope} checked, ${how} (${spaceTotalText(report.spaceTotal)} points in all crash spaces)`;
}

export function crashTestText(report: CrashTestReport): string {
  const lines = [
    `walref crash-test`,
    `knobs: ${describeKnobs(report.knobs)}`,
    `workload: ${countOf(report.calls, 'file-system call')} under --dir, ${countOf(report.acks, 'acknowledgement')}, ${countOf(report.crashPoints, 'crash point')}`,
    statesLine(report),
  ];
  const coverage = coverageLine(report);
  if (coverage !== null) lines.push(coverage);
  lines.push(`speed: ${report.statesPerSecond.toFixed(1)} crash states/s (capture ${(report.captureMs / 1000).toFixed(2)} s, checks ${(report.checkMs / 1000).toFixed(2)} s)`);
  for (const note of report.notes) lines.push(`note: ${note}`);
  if (report.unparsedLines > 0) lines.push(`note: ${report.unparsedLines} strace lines could not be read`);
  for (const u of report.unmodelled) lines.push(`unmodelled: ${u.reason} (trace line ${u.line}: ${u.call})`);
  if (report.violations.length === 0) lines.push('violations: none');
  else {
    lines.push(`violations: ${countOf(report.violationCount, 'crash state')} in ${countOf(report.violations.length, 'group')}`);
    for (const v of report.violations) {
      lines.push(`  ${v.count} × ${v.reason}`);
      lines.push(`    e.g. ${v.example} → ${v.reason}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function crashTestJson(report: CrashTestReport): string {
  return `${JSON.stringify(report)}\n`;
}
