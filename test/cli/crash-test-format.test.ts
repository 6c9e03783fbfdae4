// The text of a crash-test report says what was checked: the whole plan, one shard of it, or a
// merge of shards with the missing ones named; violations show their simplest state in one line.
import { describe, expect, it } from 'vitest';
import { crashTestJson, crashTestText } from '../../cli/crash-test-format.js';
import { REPORT_FORMAT, type CrashTestReport } from '../../oracle/crash-test/report.js';

const whole: CrashTestReport = {
  format: REPORT_FORMAT,
  version: 1,
  crashPoints: 13,
  crashStates: 36,
  plannedStates: 36,
  exhaustive: true,
  planExhaustive: true,
  spaceTotal: 253,
  shard: { k: 1, n: 1 },
  seed: 1,
  maxStates: 1000,
  knobs: { sectorBytes: 512, ordered: true, safeAppend: true, dirSync: true },
  captureDigest: 'sha256:abc',
  violations: [
    {
      reason: 'an acknowledged put was lost',
      count: 23,
      example: 'crash after rename#4(.db.json.tmp → db.json): rename#4(.db.json.tmp → db.json) lost, openat#1(.db.json.tmp, O_CREAT) kept',
      ids: ['1'],
      crashAfter: { index: 4, call: 'rename(.db.json.tmp → db.json)' },
      calls: [
        { index: 1, call: 'openat(.db.json.tmp, O_CREAT)', fate: 'kept' },
        { index: 4, call: 'rename(.db.json.tmp → db.json)', fate: 'lost' },
      ],
      weight: 1,
    },
  ],
  violationCount: 23,
  calls: 12,
  acks: 3,
  statesPerSecond: 3.7,
  captureMs: 290,
  checkMs: 9490,
  unmodelled: [],
  notes: [],
  unparsedLines: 0,
};

describe('the text of a crash-test report', () => {
  it('a whole run: exhaustive, with each group and its simplest state', () => {
    expect(crashTestText(whole)).toBe(`walref crash-test
knobs: ordered, safeAppend, dirSync, 512B sectors
workload: 12 file-system calls under --dir, 3 acknowledgements, 13 crash points
crash states: 36 checked, exhaustive (253 points in all crash spaces)
speed: 3.7 crash states/s (capture 0.29 s, checks 9.49 s)
violations: 23 crash states in 1 group
  23 × an acknowledged put was lost
    e.g. crash after rename#4(.db.json.tmp → db.json): rename#4(.db.json.tmp → db.json) lost, openat#1(.db.json.tmp, O_CREAT) kept → an acknowledged put was lost
`);
  });

  it('a crash-space sum that reached its cap reads as a bound, not as an exact count', () => {
    const huge = crashTestText({ ...whole, exhaustive: false, planExhaustive: false, spaceTotal: Number.MAX_SAFE_INTEGER });
    expect(huge).toContain('crash states: 36 checked, sampled (2^53 or more points in all crash spaces)');
    expect(crashTestText({ ...whole, spaceTotal: Number.MAX_SAFE_INTEGER - 1 })).toContain(`(${Number.MAX_SAFE_INTEGER - 1} points`);
  });

  it('one shard says which, and of what plan', () => {
    const text = crashTestText({ ...whole, crashStates: 12, exhaustive: false, shard: { k: 2, n: 3 } });
    expect(text).toContain('crash states: 12 of 36 planned checked, one shard of an exhaustive plan (253 points in all crash spaces)\nshard: 2/3 (12 of the 36 planned crash states)\n');
  });

  it('a merge names the shards missing or given twice', () => {
    const text = crashTestText({ ...whole, crashStates: 24, exhaustive: false, shards: { n: 3, present: [1, 3], missing: [2], duplicated: [3], complete: false } });
    expect(text).toContain('crash states: 24 of 36 planned checked, not exhaustive: shards missing');
    expect(text).toContain('shards: 2 of 3 present; missing 2/3; given more than once (counted once): 3/3\n');
    expect(crashTestText({ ...whole, shards: { n: 3, present: [1, 2, 3], missing: [], duplicated: [], complete: true } })).toContain('shards: 3 of 3 present, each exactly once\n');
  });

  it('--json is the report, one line', () => {
    expect(JSON.parse(crashTestJson(whole))).toEqual(whole);
    expect(crashTestJson(whole).split('\n')).toHaveLength(2);
  });
});
