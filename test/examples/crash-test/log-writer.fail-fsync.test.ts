// walref crash-test --fail-fsync on the log-writer target: strace fails one fsync with EIO. The
// program that calls fsync again and acknowledges when it succeeds is found (the pattern of
// PostgreSQL's 2018 "fsyncgate": the failed pages were marked clean, the retry has nothing to
// write); the program that stops, and the one that rewrites the record from its own copy, are not.
import { afterAll, describe, expect, it } from 'vitest';
import { LOG_WRITER_MISSING, LOST, RECORDS, removeLogWriterDirs, runLogWriter } from './log-writer-run.js';

const run = (label: string, flags: string, failFsync: number) => runLogWriter(label, flags, { failFsync });

describe.skipIf(LOG_WRITER_MISSING !== null)(`walref crash-test --fail-fsync on the log-writer (${LOG_WRITER_MISSING ?? 'strace and python3 found'})`, () => {
  afterAll(removeLogWriterDirs);

  it('--fail-fsync: retrying a failed fsync and acknowledging loses the record (fsyncgate), with the failure noted', async () => {
    // The 1st fsync is the directory's; the 2nd is record 1's.
    const report = await run('eio-retry', '--on-eio retry', 2);
    expect(report.acks).toBe(RECORDS);
    const lost = report.violations.find((v) => v.reason === LOST);
    expect(lost?.ids).toContain('1');
    expect(report.notes).toContainEqual(expect.stringMatching(/^fsync\(log\) -> EIO \(injected by strace\): the writes it covered may or may not be on disk/));
  }, 120_000);

  it('--fail-fsync: stopping without acknowledging (exit 1) is accepted, checked and not reported', async () => {
    const report = await run('eio-stop', '--on-eio stop', 3);
    expect(report).toMatchObject({ acks: 1, violations: [], violationCount: 0 });
    expect(report.notes).toContainEqual(expect.stringMatching(/^the workload exited with status 1 after an injected fsync failure/));
  }, 120_000);

  it('--fail-fsync: rewriting the record from the program\'s own copy, then fsync and ACK, is not reported', async () => {
    const report = await run('eio-rewrite', '--on-eio rewrite', 2);
    expect(report).toMatchObject({ acks: RECORDS, violations: [], violationCount: 0 });
    expect(report.notes).toContainEqual(expect.stringMatching(/^fsync\(log\) -> EIO \(injected by strace\)/));
  }, 120_000);

  it('--fail-fsync beyond the last sync call fails nothing and says so', async () => {
    const report = await run('eio-none', '', 99);
    expect(report).toMatchObject({ acks: RECORDS, violations: [] });
    expect(report.notes).toContainEqual('--fail-fsync 99: no call was failed (no process or thread made 99 fsync or fdatasync calls)');
  }, 120_000);

  it('--fail-fsync counts fdatasync calls apart from fsync calls: the 2nd fdatasync is record 2\'s', async () => {
    // The one fsync is the directory's; counted together, the 2nd sync call would be record 1's.
    const report = await run('eio-fdatasync-retry', '--sync fdatasync --on-eio retry', 2);
    expect(report.violations.find((v) => v.reason === LOST)?.ids).toEqual(['1', '2']);
    expect(report.notes.filter((n) => n.includes('injected by strace'))).toEqual([expect.stringMatching(/^fdatasync\(log\) -> EIO/)]);
  }, 120_000);
});
