// Turns the medians of one run into the table `npm run bench` prints (a Markdown table, so the
// same text goes into docs/performance.md) and the list of targets with pass/miss marks.

import type { CaseResult } from './lib/case-io.js';
import { ceilings, comparisons, STREAM_RSS_GROWTH_MIB_MAX, type Comparison, type Role } from './plan.js';

export interface CaseSummary {
  readonly id: string;
  readonly label: string;
  readonly role: Role;
  readonly unit: string | null;
  /** Median of the headline figure over the rounds; null when the case did not produce one. */
  readonly median: number | null;
  /** The headline figure of every round, in round order. */
  readonly values: readonly number[];
  /** The median of every numeric detail over the rounds; other details from the first round. */
  readonly details: CaseResult['details'];
  /** Why the case produced no figure (not in this tree yet, or it failed). */
  readonly missing: string | null;
}

export interface TargetOutcome {
  readonly row: string;
  readonly against: string;
  readonly ratio: number | null;
  readonly target: string;
  readonly pass: boolean | null;
  /** Set for a ceiling: `ratio` is then the figure itself, in this unit. */
  readonly unit?: string;
}

export interface Report {
  readonly table: string;
  readonly targets: readonly TargetOutcome[];
}

function formatFigure(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toPrecision(3);
}

function mark(pass: boolean): string {
  return pass ? '✓ pass' : '✗ MISS';
}

/** The reference a comparison divides by: the best median among its cases. */
function bestOf(byId: ReadonlyMap<string, CaseSummary>, ids: readonly string[]): CaseSummary | null {
  let best: CaseSummary | null = null;
  for (const id of ids) {
    const candidate = byId.get(id);
    if (candidate?.median == null) continue;
    if (best?.median == null || candidate.median > best.median) best = candidate;
  }
  return best;
}

function ratioCell(
  byId: ReadonlyMap<string, CaseSummary>,
  row: CaseSummary,
  comparison: Comparison | undefined,
  targets: TargetOutcome[],
): string {
  if (comparison === undefined) return '';
  const reference = bestOf(byId, comparison.against);
  const targetText = comparison.target === undefined ? null : `≥ ${comparison.target}×`;
  if (row.median === null || reference?.median == null || reference.median === 0) {
    if (targetText !== null) {
      targets.push({ row: row.id, against: comparison.against.join('|'), ratio: null, target: targetText, pass: null });
    }
    return targetText === null ? 'n/a' : `n/a (target ${targetText})`;
  }
  const ratio = row.median / reference.median;
  const ratioText = `${ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}× ${reference.id}`;
  if (comparison.target === undefined || targetText === null) return ratioText;
  const pass = ratio >= comparison.target;
  targets.push({ row: row.id, against: reference.id, ratio, target: targetText, pass });
  return `${ratioText} (${targetText} ${mark(pass)})`;
}

function detailNumber(summary: CaseSummary, key: string): number | null {
  const value = summary.details[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The notes column: the latency, CPU and memory figures that explain the headline figure. */
function notesCell(
  byId: ReadonlyMap<string, CaseSummary>,
  summary: CaseSummary,
  targets: TargetOutcome[],
): string {
  if (summary.missing !== null) return summary.missing;
  const notes: string[] = [];
  const p50 = detailNumber(summary, 'latencyP50Micros');
  const p99 = detailNumber(summary, 'latencyP99Micros');
  if (p50 !== null && p99 !== null) notes.push(`p50 ${formatFigure(p50)} µs, p99 ${formatFigure(p99)} µs`);
  const wallPerOp = detailNumber(summary, 'opsPerSecond');
  const cpuPerOp = detailNumber(summary, 'cpuMicrosPerOp');
  if (summary.id === 'walref-no-fsync' && wallPerOp !== null && cpuPerOp !== null) {
    notes.push(`${formatFigure(1e6 / wallPerOp)} µs/commit wall, ${formatFigure(cpuPerOp)} µs/commit CPU`);
  } else if (cpuPerOp !== null && summary.role === 'walref') {
    notes.push(`${formatFigure(cpuPerOp)} µs CPU/op`);
  }
  const commitsPerSecond = detailNumber(summary, 'commitsPerSecond');
  if (commitsPerSecond !== null && summary.unit === 'turns/s') notes.push(`${formatFigure(commitsPerSecond)} commits/s beside it`);
  const delayP99 = detailNumber(summary, 'loopDelayP99Ms');
  const ceiling = ceilings.find((c) => c.row === summary.id);
  if (delayP99 !== null && ceiling !== undefined) {
    const pass = delayP99 <= ceiling.max;
    targets.push({ row: summary.id, against: ceiling.detail, ratio: delayP99, target: `${ceiling.label} ≤ ${ceiling.max} ${ceiling.unit}`, pass, unit: ceiling.unit });
    notes.push(`${ceiling.label} ${formatFigure(delayP99)} ${ceiling.unit} (≤ ${ceiling.max} ${ceiling.unit} ${mark(pass)})`);
  } else if (delayP99 !== null) {
    notes.push(`loop delay p99 ${formatFigure(delayP99)} ms`);
  }
  const perFsync = detailNumber(summary, 'commitsPerFsync');
  if (perFsync !== null) notes.push(`${formatFigure(perFsync)} commits per fdatasync`);
  const bytesPerCommit = detailNumber(summary, 'logBytesPerCommit');
  if (bytesPerCommit !== null) notes.push(`${formatFigure(bytesPerCommit)} bytes on disk per commit`);
  const logBytes = detailNumber(summary, 'logBytes');
  const eventMiBPerSecond = detailNumber(summary, 'eventMiBPerSecond');
  if (eventMiBPerSecond !== null && logBytes !== null) notes.push(`${formatFigure(eventMiBPerSecond)} MiB/s of events, ${formatFigure(logBytes / (1024 * 1024))} MiB on disk`);
  const rss = detailNumber(summary, 'peakRssMiB');
  if (rss !== null) notes.push(`peak RSS ${formatFigure(rss)} MiB`);
  const states = detailNumber(summary, 'crashStates');
  if (states !== null) notes.push(`${formatFigure(states)} crash states`);
  if (summary.id === 'replay-stream') {
    const small = byId.get('replay-stream-small');
    const smallRss = small === undefined ? null : detailNumber(small, 'peakRssMiB');
    if (rss !== null && smallRss !== null) {
      const growth = rss - smallRss;
      const pass = growth <= STREAM_RSS_GROWTH_MIB_MAX;
      targets.push({
        row: 'replay-stream',
        against: 'replay-stream-small',
        ratio: rss / smallRss,
        target: `RSS growth ≤ ${STREAM_RSS_GROWTH_MIB_MAX} MiB`,
        pass,
      });
      notes.push(`RSS ${growth >= 0 ? '+' : '−'}${formatFigure(Math.abs(growth))} MiB over the small log (≤ ${STREAM_RSS_GROWTH_MIB_MAX} MiB ${mark(pass)})`);
    }
  }
  const rounds = summary.values.length;
  if (rounds > 1) {
    notes.push(`${rounds} rounds: ${formatFigure(Math.min(...summary.values))}–${formatFigure(Math.max(...summary.values))}`);
  }
  return notes.join('; ');
}

export function buildReport(summaries: readonly CaseSummary[]): Report {
  const byId = new Map(summaries.map((summary) => [summary.id, summary]));
  const targets: TargetOutcome[] = [];
  const header = ['case', 'median', 'unit', 'vs raw limit', 'vs growing raw loop', 'vs SQLite FULL', 'vs best peer', 'notes'];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const summary of summaries) {
    const find = (column: Comparison['column']): Comparison | undefined =>
      comparisons.find((c) => c.row === summary.id && c.column === column);
    const cells = [
      summary.role === 'walref' ? `**${summary.label}**` : summary.label,
      summary.median === null ? '—' : formatFigure(summary.median),
      summary.unit ?? '',
      ratioCell(byId, summary, find('limit'), targets),
      ratioCell(byId, summary, find('sync'), targets),
      ratioCell(byId, summary, find('sqlite'), targets),
      ratioCell(byId, summary, find('peer'), targets),
      notesCell(byId, summary, targets),
    ];
    lines.push(`| ${cells.map((cell) => cell.replaceAll('|', '/')).join(' | ')} |`);
  }
  return { table: lines.join('\n'), targets };
}
