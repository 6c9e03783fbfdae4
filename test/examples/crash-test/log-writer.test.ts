// The log-writer target (examples/crash-test/log-writer/): a python3 append log written with raw
// system calls, one knob per durability mistake. The correct modes lose nothing; each planted one
// is found with the checker's reason, at the crash point the mistake makes: an acknowledgement
// printed between a write and its fsync counts right after the write, one printed after the last
// file-system call counts at the last crash point, writes through descriptors made by dup, dup2,
// dup3 and fcntl(F_DUPFD) share one offset. With --fail-fsync, strace fails an fsync with EIO: the
// program that retries it and acknowledges is found (fsyncgate), the ones that stop or rewrite
// the record from their own copy are not.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { crashTest } from '../../../oracle/crash-test/crash-test.js';
import type { CrashTestReport } from '../../../oracle/crash-test/report.js';
import { example, freshDir, hasStrace, NEEDS_STRACE } from './helpers.js';

/** The real interpreter (not a version manager's shim, which starts several processes per check), or null. */
function pythonPath(): string | null {
  const run = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  return run.error === undefined && run.status === 0 ? run.stdout.trim() : null;
}

const python = pythonPath();
const RECORDS = 4;
const LOST = 'an acknowledged record was lost';
const dirs: string[] = [];

async function run(label: string, flags: string, failFsync?: number): Promise<CrashTestReport> {
  const dir = freshDir(`log-writer-${label}`);
  dirs.push(dir);
  return crashTest({
    dir,
    workload: `${python ?? 'python3'} ${example('log-writer', 'workload.py')} ${dir} --records ${RECORDS} ${flags}`,
    check: `${python ?? 'python3'} ${example('log-writer', 'check.py')}`,
    jobs: 2,
    ...(failFsync === undefined ? {} : { failFsync }),
  });
}

const missing = !hasStrace ? NEEDS_STRACE : python === null ? 'needs python3' : null;

describe.skipIf(missing !== null)(`walref crash-test on the log-writer (${missing ?? 'strace and python3 found'})`, () => {
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('write, fsync, then ACK loses no acknowledged record', async () => {
    const report = await run('after-fsync', '--ack after-fsync');
    expect(report).toMatchObject({ acks: RECORDS, exhaustive: true, violations: [], violationCount: 0 });
    expect(report.crashStates).toBeGreaterThan(RECORDS);
  }, 120_000);

  it('an ACK between a write and its fsync counts at the crash point right after the write: the record is lost', async () => {
    const report = await run('before-fsync', '--ack before-fsync');
    const lost = report.violations.find((v) => v.reason === LOST);
    expect(lost?.count).toBeGreaterThan(0);
    expect(lost?.crashAfter.call).toMatch(/^write\(log, 9 bytes @\d+\)$/);
    expect(lost?.calls).toContainEqual(expect.objectContaining({ index: lost?.crashAfter.index, fate: 'lost' }));
    expect(report.violations.map((v) => v.reason)).toEqual([LOST]);
  }, 120_000);

  it('an ACK after the last file-system call counts at the last crash point: the unsynced last record is lost', async () => {
    const report = await run('unsynced-last', '--ack unsynced-last');
    const lost = report.violations.find((v) => v.reason === LOST);
    expect(lost?.ids).toContain(String(RECORDS));
    expect(lost?.crashAfter.call).toBe(`write(log, 9 bytes @${9 * (RECORDS - 1)})`);
    expect(report.violations.map((v) => v.reason)).toEqual([LOST]);
  }, 120_000);

  it('writes through descriptors from dup, dup2, dup3 and fcntl(F_DUPFD) share one offset: the correct log passes', async () => {
    const report = await run('dup', '--fds dup');
    expect(report).toMatchObject({ acks: RECORDS, violations: [], violationCount: 0, unmodelled: [] });
  }, 120_000);

  it('through duplicated descriptors, an ACK before the fsync is still found', async () => {
    const report = await run('dup-before-fsync', '--fds dup --ack before-fsync');
    expect(report.violations.map((v) => v.reason)).toEqual([LOST]);
  }, 120_000);

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
});
