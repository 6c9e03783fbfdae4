// Redis (Debian's redis-server, a direct child on a unix socket) with appendonly yes: with
// appendfsync everysec, acknowledged writes are lost; appendfsync always is reported as found.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveKnobs } from '../../../crash-sim/knobs.js';
import { captureRun, checkCaptured, type CrashTestResult } from '../../../oracle/crash-test/run.js';
import { example, freshDir, hasRedis, hasStrace, NEEDS_REDIS } from './helpers.js';

const dirs: string[] = [];

/** The crash states checked: fewer where no violation is expected (each one starts a redis-server). */
const MAX_STATES = { always: 60, everysec: 120 } as const;

async function run(appendfsync: 'always' | 'everysec'): Promise<CrashTestResult> {
  const dir = freshDir(`redis-${appendfsync}`);
  dirs.push(dir);
  const captured = await captureRun(dir, `node ${example('redis', 'workload.mjs')} ${dir} --appendfsync ${appendfsync} --sets 3`);
  try {
    return await checkCaptured(captured, { check: `node ${example('redis', 'check.mjs')}`, knobs: resolveKnobs({}), maxStates: MAX_STATES[appendfsync], seed: 1, timeoutMs: 30_000 });
  } finally {
    captured.dispose();
  }
}

describe.skipIf(!hasStrace || !hasRedis)(`walref crash-test on Redis (${hasStrace && hasRedis ? 'redis-server found' : NEEDS_REDIS})`, () => {
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('appendfsync always loses no acknowledged write', async () => {
    const result = await run('always');
    expect(result.acks).toBe(3);
    expect(result.violations.filter((v) => v.reason.includes('acknowledged'))).toEqual([]);
  }, 300_000);

  it('appendfsync everysec loses acknowledged writes', async () => {
    const result = await run('everysec');
    const lost = result.violations.find((v) => v.reason === 'an acknowledged key was lost');
    expect(lost, `violations: ${JSON.stringify(result.violations.map((v) => v.reason))}`).toBeDefined();
    // Usually the simplest example loses an unsynced AOF write. When the background fsync is slow
    // (a loaded machine), Redis postpones the AOF write itself by up to two seconds while it keeps
    // replying, so the simplest example may instead crash before that write and lose nothing at
    // all: the acknowledged key was never written. Either way it is the AOF's, and no other file's.
    const summary = lost?.exampleSummary;
    const aofWriteLost = summary?.calls.some((c) => c.fate !== 'kept' && /^\w+\(appendonlydir\/appendonly\.aof\.\d+\.incr\.aof, \d+ bytes @\d+\)$/.test(c.call)) ?? false;
    const ackedBeforeItsWrite = summary?.weight === 0;
    expect(aofWriteLost || ackedBeforeItsWrite, `the example loses an AOF write or nothing: ${lost?.example ?? ''}`).toBe(true);
    if (!aofWriteLost) expect(summary?.calls.filter((c) => c.fate !== 'kept')).toEqual([]);
  }, 300_000);
});
