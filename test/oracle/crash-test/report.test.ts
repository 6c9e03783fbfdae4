// oracle/crash-test/report.ts: a run as the report `--json` prints and `crash-test merge` reads.
// Every field comes from the run (rates and times rounded), the example's detail only when the
// checker gave one, the call count leaves out the initial image and the acknowledgement marks,
// and the schema takes back exactly what reportOf makes while refusing a shard above its count.
import { describe, expect, it } from 'vitest';
import { DEFAULT_KNOBS } from '../../../crash-sim/knobs.js';
import { opLog } from '../../crash-sim/op-log.js';
import { callCount, REPORT_FORMAT, reportOf, reportSchema } from '../../../oracle/crash-test/report.js';
import type { CrashTestResult } from '../../../oracle/crash-test/run.js';

const ops = opLog(
  { kind: 'crash', files: [], dirs: [], description: 'initial image' },
  { kind: 'create', path: '/a', inode: 1 },
  { kind: 'mark', label: 'ack', data: 'x' },
  { kind: 'write', path: '/a', inode: 1, offsetBytes: 0, data: new Uint8Array(1), writtenBytes: 1, errno: null },
  { kind: 'fsync', path: '/a', inode: 1, errno: null },
);

const summary = { crashAfter: { index: 3, call: 'write(a, 1 B @ 0)' }, calls: [{ index: 3, call: 'write(a, 1 B @ 0)', fate: 'lost' as const }], weight: 1 };

const result = {
  crashPoints: 4,
  crashStates: 7,
  plannedStates: 9,
  exhaustive: false,
  planExhaustive: true,
  shard: { k: 2, n: 3 },
  seed: 11,
  maxStates: 500,
  knobs: DEFAULT_KNOBS,
  captureDigest: 'abc123',
  spaceTotal: 12,
  violations: [
    { reason: 'acknowledged id x lost', count: 2, example: 'crash after write#3(a): write#3 lost', exampleSummary: summary, exampleIds: ['x'], exampleDetail: 'expected x' },
    { reason: 'checker exited 2', count: 1, example: 'crash after write#3(a)', exampleSummary: { ...summary, weight: 0, calls: [] }, exampleIds: [] },
  ],
  violationCount: 3,
  unmodelled: [{ line: 8, call: 'splice(...)', reason: 'splice moves bytes crash-test cannot see' }],
  notes: ['sync_file_range makes nothing durable'],
  unparsedLines: 1,
  history: { knobs: DEFAULT_KNOBS, ops, calls: [], acks: [], unmodelled: [], notes: [] },
  acks: 1,
  statesPerSecond: 123.456,
  captureMs: 1500.6,
  checkMs: 99.4,
  states: [],
} as unknown as CrashTestResult;

describe('reportOf', () => {
  it('names its format as `crash-test merge` expects it', () => {
    expect(REPORT_FORMAT).toBe('walref-crash-test-report');
  });

  it('reports every field of the run, rounding the rate to a tenth and the times to milliseconds', () => {
    expect(reportOf(result)).toEqual({
      format: REPORT_FORMAT,
      version: 1,
      crashPoints: 4,
      crashStates: 7,
      plannedStates: 9,
      exhaustive: false,
      planExhaustive: true,
      spaceTotal: 12,
      shard: { k: 2, n: 3 },
      seed: 11,
      maxStates: 500,
      knobs: DEFAULT_KNOBS,
      captureDigest: 'abc123',
      violations: [
        { reason: 'acknowledged id x lost', count: 2, example: 'crash after write#3(a): write#3 lost', ids: ['x'], crashAfter: summary.crashAfter, calls: summary.calls, weight: 1, detail: 'expected x' },
        { reason: 'checker exited 2', count: 1, example: 'crash after write#3(a)', ids: [], crashAfter: summary.crashAfter, calls: [], weight: 0 },
      ],
      violationCount: 3,
      calls: 3,
      acks: 1,
      statesPerSecond: 123.5,
      captureMs: 1501,
      checkMs: 99,
      unmodelled: [{ line: 8, call: 'splice(...)', reason: 'splice moves bytes crash-test cannot see' }],
      notes: ['sync_file_range makes nothing durable'],
      unparsedLines: 1,
    });
    expect('detail' in (reportOf(result).violations[1] ?? {})).toBe(false);
  });

  it('counts the modelled calls: neither the initial image nor the acknowledgement marks', () => {
    expect(callCount(result)).toBe(3);
  });
});

describe('reportSchema', () => {
  it('reads back what reportOf wrote, through JSON', () => {
    const report = reportOf(result);
    expect(reportSchema.parse(JSON.parse(JSON.stringify(report)))).toEqual(report);
  });

  it('reads back the last shard of several, and the only one', () => {
    for (const shard of [{ k: 3, n: 3 }, { k: 1, n: 1 }]) expect(reportSchema.parse({ ...JSON.parse(JSON.stringify(reportOf(result))), shard }).shard).toEqual(shard);
  });

  it.each([
    ['a shard above its count', { shard: { k: 4, n: 3 } }, 'k is above n'],
    ['another format', { format: 'something-else' }, 'format'],
    ['another version', { version: 2 }, 'version'],
    ['a negative count', { crashStates: -1 }, 'crashStates'],
    ['a fractional count', { calls: 1.5 }, 'calls'],
    ['an unknown fate', { violations: [{ ...reportOf(result).violations[0], calls: [{ index: 1, call: 'x', fate: 'gone' }] }] }, 'fate'],
  ])('refuses %s, naming the field', (_, change, field) => {
    const parsed = reportSchema.safeParse({ ...JSON.parse(JSON.stringify(reportOf(result))), ...change });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain(field);
  });
});
