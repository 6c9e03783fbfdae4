// crash-test merge: shards of one run add up to the run; a missing shard makes the merged report
// incomplete and not exhaustive; a shard given twice counts once; reports of different runs are
// a ShardMismatch naming the file and the field.
import { describe, expect, it } from 'vitest';
import { mergeReports, type NamedReport } from '../../../oracle/crash-test/merge.js';
import { REPORT_FORMAT, type CrashTestReport, type ViolationReport } from '../../../oracle/crash-test/report.js';

function violation(reason: string, count: number, weight: number, index: number): ViolationReport {
  return { reason, count, example: `crash after fsync#${index}(.): …`, ids: ['1'], crashAfter: { index, call: 'fsync(.)' }, calls: [{ index: 2, call: 'rename(a → b)', fate: 'lost' }], weight };
}

function shard(k: number, n: number, crashStates: number, violations: ViolationReport[] = []): NamedReport {
  const report: CrashTestReport = {
    format: REPORT_FORMAT,
    version: 1,
    crashPoints: 10,
    crashStates,
    plannedStates: 30,
    exhaustive: false,
    planExhaustive: true,
    spaceTotal: 40,
    shard: { k, n },
    seed: 1,
    maxStates: 1000,
    knobs: { sectorBytes: 512, ordered: true, safeAppend: true, dirSync: true },
    captureDigest: 'sha256:abc',
    violations,
    violationCount: violations.reduce((sum, v) => sum + v.count, 0),
    calls: 9,
    acks: 2,
    statesPerSecond: 100,
    captureMs: 300,
    checkMs: 100,
    unmodelled: [],
    notes: [],
    unparsedLines: 0,
  };
  return { name: `shard-${k}.json`, report };
}

describe('merging the reports of shards', () => {
  it('every shard once: the counts add up, violations regroup by reason with the simplest example, and the run is exhaustive', () => {
    const merged = mergeReports([
      // The reason seen first is the rarer one: the merged list goes by count, most first.
      shard(1, 3, 10, [violation('torn', 1, 1, 4), violation('lost', 2, 3, 9)]),
      shard(3, 3, 10, [violation('lost', 5, 1, 12)]),
      shard(2, 3, 10),
    ]);
    expect(merged).toMatchObject({ crashStates: 30, violationCount: 8, exhaustive: true, shards: { n: 3, present: [1, 2, 3], missing: [], duplicated: [], complete: true }, checkMs: 300, statesPerSecond: 100 });
    expect(merged.violations.map((v) => [v.reason, v.count, v.crashAfter.index])).toEqual([
      ['lost', 7, 12],
      ['torn', 1, 4],
    ]);
  });

  it('a missing shard: not complete, not exhaustive, and the missing one named', () => {
    const merged = mergeReports([shard(1, 3, 10), shard(3, 3, 10)]);
    expect(merged).toMatchObject({ crashStates: 20, exhaustive: false, shards: { present: [1, 3], missing: [2], complete: false } });
  });

  it('a shard given twice counts once and is named', () => {
    const merged = mergeReports([shard(1, 2, 15), shard(2, 2, 15), shard(2, 2, 15)]);
    expect(merged).toMatchObject({ crashStates: 30, exhaustive: true, shards: { duplicated: [2], missing: [], complete: false } });
    // Named in shard order, whatever order they came in.
    const twice = mergeReports([shard(2, 2, 15), shard(1, 2, 15), shard(2, 2, 15), shard(1, 2, 15)]);
    expect(twice.shards).toMatchObject({ present: [1, 2], duplicated: [1, 2] });
  });

  it('a merged report merges again with the shards it lacks', () => {
    const partial = mergeReports([shard(1, 3, 10), shard(2, 3, 10)]);
    const whole = mergeReports([{ name: 'partial.json', report: partial }, shard(3, 3, 10)]);
    expect(whole).toMatchObject({ crashStates: 30, exhaustive: true, shards: { complete: true } });
  });

  it('reports of different runs, shard counts or overlapping merges are a ShardMismatch naming the file', () => {
    const other = shard(2, 3, 10);
    const otherCapture = { ...other, report: { ...other.report, captureDigest: 'sha256:def' } };
    expect(() => mergeReports([shard(1, 3, 10), otherCapture])).toThrow(expect.objectContaining({ code: 'ShardMismatch', message: expect.stringContaining('shard-2.json is not a shard of the run shard-1.json belongs to: their captureDigest differ') }));
    const otherSeed = { ...other, report: { ...other.report, seed: 2 } };
    expect(() => mergeReports([shard(1, 3, 10), otherSeed])).toThrow(expect.objectContaining({ code: 'ShardMismatch', message: expect.stringContaining('seed') }));
    expect(() => mergeReports([shard(1, 3, 10), shard(2, 4, 10)])).toThrow(expect.objectContaining({ code: 'ShardMismatch', message: 'shard-2.json is one of 4 shards, shard-1.json one of 3' }));
    const partial = mergeReports([shard(1, 3, 10), shard(2, 3, 10)]);
    expect(() => mergeReports([{ name: 'partial.json', report: partial }, shard(2, 3, 10), shard(3, 3, 10)])).not.toThrow();
    expect(() => mergeReports([shard(2, 3, 10), { name: 'partial.json', report: partial }])).toThrow(expect.objectContaining({ code: 'ShardMismatch', message: 'partial.json holds shards 1, 2, of which 2 are already in another report' }));
    const three = mergeReports([shard(1, 4, 5), shard(2, 4, 5), shard(3, 4, 5)]);
    expect(() => mergeReports([shard(1, 4, 5), shard(2, 4, 5), { name: 'three.json', report: three }])).toThrow(
      expect.objectContaining({ code: 'ShardMismatch', message: 'three.json holds shards 1, 2, 3, of which 1, 2 are already in another report' }),
    );
    expect(() => mergeReports([shard(1, 2, 10), shard(2, 2, 10)])).toThrow(expect.objectContaining({ code: 'ShardMismatch', message: expect.stringContaining('checked 20 crash states between them, but their plan has 30') }));
    expect(() => mergeReports([])).toThrow(expect.objectContaining({ code: 'BadReport', message: 'crash-test merge needs at least one report' }));
  });
});
