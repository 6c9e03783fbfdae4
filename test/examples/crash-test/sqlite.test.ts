// SQLite (better-sqlite3) in WAL mode as a crash-test target: synchronous=FULL loses no
// acknowledged commit, synchronous=NORMAL does (SQLite documents it), and crash-test tells them apart.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveKnobs } from '../../../crash-sim/knobs.js';
import { captureRun, checkCaptured, type CrashTestResult } from '../../../oracle/crash-test/run.js';
import { deep, example, freshDir, hasStrace, NEEDS_STRACE } from './helpers.js';

const ROWS = deep ? 12 : 3;
const dirs: string[] = [];

async function run(synchronous: 'FULL' | 'NORMAL'): Promise<CrashTestResult> {
  const dir = freshDir(`sqlite-${synchronous}`);
  dirs.push(dir);
  const captured = await captureRun(dir, `node ${example('sqlite', 'workload.mjs')} ${dir} --synchronous ${synchronous} --rows ${ROWS}`);
  try {
    return await checkCaptured(captured, { check: `node ${example('sqlite', 'check.mjs')}`, knobs: resolveKnobs({}), maxStates: deep ? 1000 : synchronous === 'FULL' ? 60 : 120, seed: 1, timeoutMs: 30_000 });
  } finally {
    captured.dispose();
  }
}

describe.skipIf(!hasStrace)(`walref crash-test on SQLite in WAL mode (${hasStrace ? 'strace found' : NEEDS_STRACE})`, () => {
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('synchronous=FULL loses no acknowledged commit', async () => {
    const result = await run('FULL');
    expect(result.acks).toBe(ROWS);
    expect(result.crashStates).toBeGreaterThan(20);
    expect(result.violations.filter((v) => v.reason.includes('acknowledged'))).toEqual([]);
    // The wal-index (-shm) is a writable shared mapping: named, not silently ignored.
    expect(result.unmodelled.map((u) => u.reason)).toContainEqual(expect.stringContaining('writable shared mmap of test.db-shm'));
  }, 300_000);

  it('synchronous=NORMAL loses acknowledged commits: the unsynced WAL frames go', async () => {
    const result = await run('NORMAL');
    const lost = result.violations.find((v) => v.reason === 'an acknowledged row was lost');
    expect(lost?.count).toBeGreaterThan(0);
    expect(lost?.example).toMatch(/test\.db-wal, \d+ bytes @\d+\) (lost|torn)/);
  }, 300_000);
});
