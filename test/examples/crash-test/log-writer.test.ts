// The log-writer target (examples/crash-test/log-writer/): a python3 append log written with raw
// system calls, one knob per durability mistake. The correct modes lose nothing; each planted one
// is found with the checker's reason, at the crash point the mistake makes: an acknowledgement
// printed between a write and its fsync counts right after the write, one printed after the last
// file-system call counts at the last crash point, writes through descriptors made by dup, dup2,
// dup3, fcntl(F_DUPFD) or inherited across fork share one offset, and sync_file_range makes
// nothing durable. log-writer.fault-model.test.ts has the knobs, log-writer.fail-fsync.test.ts
// the failed fsyncs.
import { afterAll, describe, expect, it } from 'vitest';
import { example } from './helpers.js';
import { LOG_WRITER_MISSING, logWriterRuns, LOST, RECORDS } from './log-writer-run.js';

const logWriter = logWriterRuns({ workload: example('log-writer', 'workload.py'), check: example('log-writer', 'check.py') });

describe.skipIf(LOG_WRITER_MISSING !== null)(`walref crash-test on the log-writer (${LOG_WRITER_MISSING ?? 'strace and python3 found'})`, () => {
  afterAll(logWriter.removeDirs);

  it('write, fsync, then ACK loses no acknowledged record', async () => {
    const report = await logWriter.run('after-fsync', '--ack after-fsync');
    expect(report).toMatchObject({ acks: RECORDS, exhaustive: true, violations: [], violationCount: 0 });
    expect(report.crashStates).toBeGreaterThan(RECORDS);
  }, 120_000);

  it('an ACK between a write and its fsync counts at the crash point right after the write: the record is lost', async () => {
    const report = await logWriter.run('before-fsync', '--ack before-fsync');
    const lost = report.violations.find((v) => v.reason === LOST);
    expect(lost?.count).toBeGreaterThan(0);
    expect(lost?.crashAfter.call).toMatch(/^write\(log, 9 bytes @\d+\)$/);
    expect(lost?.calls).toContainEqual(expect.objectContaining({ index: lost?.crashAfter.index, fate: 'lost' }));
    expect(report.violations.map((v) => v.reason)).toEqual([LOST]);
  }, 120_000);

  it('an ACK after the last file-system call counts at the last crash point: the unsynced last record is lost', async () => {
    const report = await logWriter.run('unsynced-last', '--ack unsynced-last');
    const lost = report.violations.find((v) => v.reason === LOST);
    expect(lost?.ids).toContain(String(RECORDS));
    expect(lost?.crashAfter.call).toBe(`write(log, 9 bytes @${9 * (RECORDS - 1)})`);
    expect(report.violations.map((v) => v.reason)).toEqual([LOST]);
  }, 120_000);

  it('writes through descriptors from dup, dup2, dup3 and fcntl(F_DUPFD) share one offset: the correct log passes', async () => {
    const report = await logWriter.run('dup', '--fds dup');
    expect(report).toMatchObject({ acks: RECORDS, violations: [], violationCount: 0, unmodelled: [] });
  }, 120_000);

  it('through duplicated descriptors, an ACK before the fsync is still found', async () => {
    const report = await logWriter.run('dup-before-fsync', '--fds dup --ack before-fsync');
    expect(report.violations.map((v) => v.reason)).toEqual([LOST]);
  }, 120_000);

  it('a child writing through an inherited descriptor shares its offset, and its ACKs count: the correct log passes', async () => {
    const report = await logWriter.run('fork', '--fds fork');
    expect(report).toMatchObject({ acks: RECORDS, violations: [], violationCount: 0, unmodelled: [] });
  }, 120_000);

  it('a child that acknowledges before its fsync is found', async () => {
    const report = await logWriter.run('fork-before-fsync', '--fds fork --ack before-fsync');
    expect(report.violations.map((v) => v.reason)).toEqual([LOST]);
    expect(report.acks).toBe(RECORDS);
  }, 120_000);

  it('fdatasync, sync(2) and syncfs(2) make a record durable: no violation', async () => {
    for (const call of ['fdatasync', 'sync', 'syncfs']) {
      const report = await logWriter.run(`sync-${call}`, `--sync ${call}`);
      expect(report, call).toMatchObject({ acks: RECORDS, violations: [], violationCount: 0 });
    }
  }, 240_000);

  it('sync_file_range makes nothing durable: an acknowledged record is lost, and the call is noted', async () => {
    const report = await logWriter.run('sync-file-range', '--sync sync_file_range');
    expect(report.violations.map((v) => v.reason)).toEqual([LOST]);
    expect(report.notes).toContainEqual(expect.stringMatching(/^sync_file_range (on log )?is treated as no durability guarantee/));
  }, 120_000);
});
