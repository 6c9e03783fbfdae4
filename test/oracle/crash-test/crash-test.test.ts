// crashTest()'s options are checked at the boundary: each mistake is a CrashTestError with code
// BadOption naming the option, before anything runs. (Whole runs are in
// test/examples/crash-test/json-store.test.ts, through the package's own export.)
import { describe, expect, it } from 'vitest';
import { crashTest, type CrashTestOptions } from '../../../oracle/crash-test/index.js';

async function problem(options: unknown): Promise<{ code: string; message: string }> {
  const error = (await crashTest(options as CrashTestOptions).then(
    () => null,
    (e: unknown) => e,
  )) as { code: string; message: string } | null;
  if (error === null) throw new Error('crashTest accepted the options');
  return error;
}

const base = { dir: '/nonexistent/walref-api-test', workload: 'true', check: 'true' };

describe('crashTest() options', () => {
  it('names the option that is missing, of the wrong type or out of range', async () => {
    expect(await problem({ workload: 'true', check: 'true' })).toMatchObject({ code: 'BadOption', message: 'crashTest: option "dir" is required (the data directory)' });
    expect(await problem({ ...base, maxStates: 0 })).toMatchObject({ code: 'BadOption', message: 'crashTest: option "maxStates" must be positive' });
    expect(await problem({ ...base, jobs: 1.5 })).toMatchObject({ code: 'BadOption', message: 'crashTest: option "jobs" must be a whole number' });
    expect(await problem({ ...base, check: 42 })).toMatchObject({ code: 'BadOption', message: expect.stringContaining('option "check" must be a command string or a function') });
    expect(await problem({ ...base, knobs: { sectorBytes: -1 } })).toMatchObject({ code: 'BadOption', message: 'crashTest: option "knobs.sectorBytes" must be positive' });
    expect(await problem({ ...base, knobs: { ordred: true } })).toMatchObject({ code: 'BadOption', message: expect.stringContaining('"ordred"') });
    expect(await problem({ ...base, maxStats: 10 })).toMatchObject({ code: 'BadOption', message: 'crashTest: unknown option "maxStats"' });
  });

  it('wants exactly one workload source and exactly one checker, and a valid shard', async () => {
    expect(await problem({ dir: '/d', check: 'true' })).toMatchObject({ code: 'BadOption', message: 'crashTest: give exactly one of option "workload" and option "fromCapture"' });
    expect(await problem({ ...base, fromCapture: '/c' })).toMatchObject({ code: 'BadOption', message: 'crashTest: give exactly one of option "workload" and option "fromCapture", not both' });
    expect(await problem({ ...base, checkModule: './c.mjs' })).toMatchObject({ code: 'BadOption', message: expect.stringContaining('"check" and option "checkModule", not both') });
    expect(await problem({ ...base, checkExport: 'x' })).toMatchObject({ code: 'BadOption', message: 'crashTest: option "checkExport" needs option "checkModule"' });
    expect(await problem({ ...base, shard: '3/2' })).toMatchObject({ code: 'BadOption', message: 'crashTest: option "shard" must be k/n with 1 ≤ k ≤ n (like 2/8), got "3/2"' });
    expect(await problem({ ...base, shard: { k: 0, n: 2 } })).toMatchObject({ code: 'BadOption', message: 'crashTest: option "shard" must have whole numbers 1 ≤ k ≤ n, got {"k":0,"n":2}' });
  });
});
