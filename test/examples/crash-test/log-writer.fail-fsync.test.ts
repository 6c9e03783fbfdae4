// walref crash-test --fail-fsync on the log-writer target: strace fails one fsync with EIO. The
// program that calls fsync again and acknowledges when it succeeds is found (the pattern of
// PostgreSQL's 2018 "fsyncgate": the failed pages were marked clean, the retry has nothing to
// write); the program that stops, and the one that rewrites the record from its own copy, are not.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferedIo } from '../../../cli/io.js';
import { runCli } from '../../../cli/run-cli.js';
import { reportSchema } from '../../../oracle/crash-test/report.js';
import { nodeFileSystem } from '../../../src/fs/node-fs.js';
import { example } from './helpers.js';
import { LOG_WRITER_MISSING, logWriterRuns, LOST, RECORDS } from './log-writer-run.js';

async function cli(...argv: string[]): Promise<{ code: number; report: ReturnType<typeof reportSchema.parse> }> {
  const io = bufferedIo();
  const code = await runCli(['crash-test', ...argv, '--check', logWriter.check, '--jobs', '2', '--json'], io, nodeFileSystem);
  return { code, report: reportSchema.parse(JSON.parse(io.out())) };
}

const run = (label: string, flags: string, failFsync: number) => logWriter.run(label, flags, { failFsync });

const logWriter = logWriterRuns({ workload: example('log-writer', 'workload.py'), check: example('log-writer', 'check.py') });

describe.skipIf(LOG_WRITER_MISSING !== null)(`walref crash-test --fail-fsync on the log-writer (${LOG_WRITER_MISSING ?? 'strace and python3 found'})`, () => {
  afterAll(logWriter.removeDirs);

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
  it('walref crash-test --fail-fsync 2 finds the retry, and a capture it saved finds it again without the workload', async () => {
    const dir = logWriter.dir('cli-retry');
    const capture = join(logWriter.dir('cli-capture'), 'run.capture');
    const first = await cli('--dir', dir, '--workload', logWriter.workload(dir, '--on-eio retry'), '--fail-fsync', '2', '--save-capture', capture);
    expect(first.code).toBe(1);
    expect(first.report.violations.map((v) => v.reason)).toContain(LOST);
    const again = await cli('--dir', logWriter.dir('cli-initial'), '--from-capture', capture);
    expect(again.code).toBe(1);
    expect(again.report.violations).toEqual(first.report.violations);
    expect(again.report.notes).toEqual(first.report.notes);
  }, 180_000);
});
