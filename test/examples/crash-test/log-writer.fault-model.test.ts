// The log-writer target under the fault model's knobs (docs/fault-model.md §2): each knob that
// lets a crash do more finds a program that relies on it not happening, and the version of that
// program that does not rely on it passes.
import { afterAll, describe, expect, it } from 'vitest';
import { example } from './helpers.js';
import { LOG_WRITER_MISSING, logWriterRuns } from './log-writer-run.js';

const logWriter = logWriterRuns({ workload: example('log-writer', 'workload.py'), check: example('log-writer', 'check.py') });

describe.skipIf(LOG_WRITER_MISSING !== null)(`walref crash-test on the log-writer under each knob (${LOG_WRITER_MISSING ?? 'strace and python3 found'})`, () => {
  afterAll(logWriter.removeDirs);

  it('--mkdir-sync: a log in a new directory whose parent is never fsynced may vanish with it', async () => {
    const report = await logWriter.run('subdir-unsynced', '--subdir unsynced', { knobs: { mkdirSync: true } });
    const missing = report.violations.find((v) => v.reason === 'the log is missing');
    expect(missing?.example).toMatch(/mkdir#\d+\(wal\) lost/);
    // With the parent fsynced, or without --mkdir-sync, nothing is lost.
    expect((await logWriter.run('subdir-synced', '--subdir synced', { knobs: { mkdirSync: true } })).violations).toEqual([]);
    expect((await logWriter.run('subdir-unsynced-default', '--subdir unsynced')).violations).toEqual([]);
  }, 240_000);

  it('--unsafe-append: a log without checksums reads a grown file\'s garbage or zeros as records', async () => {
    const report = await logWriter.run('unsafe-append', '', { knobs: { safeAppend: false } });
    expect(report.violations.map((v) => v.reason)).toEqual(['the log holds bytes no record wrote']);
    expect(report.violations[0]?.example).toMatch(/grown|garbage|zeros/);
  }, 120_000);

  it('--unordered: a count header written with its record under one fsync may reach the disk before the record', async () => {
    const report = await logWriter.run('header-one-fsync', '--count-header one-fsync', { knobs: { ordered: false } });
    expect(report.violations.map((v) => v.reason)).toEqual(['the header counts a record the log does not hold']);
    // In issue order (the default) the header never gets ahead; with an fsync between, never at all.
    expect((await logWriter.run('header-one-fsync-ordered', '--count-header one-fsync')).violations).toEqual([]);
    expect((await logWriter.run('header-fsync-between', '--count-header fsync-between', { knobs: { ordered: false } })).violations).toEqual([]);
  }, 240_000);

  it('--sector-bytes: an unsynced record is torn at a sector boundary, never at another byte', async () => {
    const report = await logWriter.run('torn', '--ack before-fsync', { knobs: { sectorBytes: 4 } });
    const torn = report.violations.find((v) => v.reason === 'an acknowledged record was torn');
    expect(torn?.example).toMatch(/write#\d+\(log, 9 bytes @\d+\) torn \([12] of 3 sectors kept\)/);
    // A 9-byte record at a multiple of 9 keeps what its first sectors hold: `reco`, or `record 1` up to a boundary.
    expect(torn?.detail).toMatch(/only b'(reco|record \d)' of it is there/);
    // With 512-byte sectors a 9-byte record is never torn: it is lost whole.
    expect((await logWriter.run('not-torn', '--ack before-fsync')).violations.map((v) => v.reason)).toEqual(['an acknowledged record was lost']);
  }, 240_000);
});
