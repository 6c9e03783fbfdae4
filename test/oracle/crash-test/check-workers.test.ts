// A check function run in worker threads from its module: the verdicts come back as in-process, a
// module that cannot serve is a BadOption error naming it, and a check that hangs loses its thread
// to a fresh one.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { workerChecker } from '../../../oracle/crash-test/check-workers.js';
import { CrashTestError } from '../../../oracle/crash-test/errors.js';

const work = mkdtempSync(join(tmpdir(), 'walref-ct-workers-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function module(name: string, source: string): { url: string; path: string } {
  const path = join(work, name);
  writeFileSync(path, source);
  return { url: pathToFileURL(path).href, path };
}

describe('check functions in worker threads', () => {
  it('call the exported check with the state directory and ids, and pass verdicts back', async () => {
    const m = module('check.mjs', `export async function check(dir, ids) { if (ids.includes('bad')) return { ok: false, reason: 'bad id', detail: dir }; if (ids.includes('throw')) throw new Error('thrown'); return true; }`);
    const checker = await workerChecker(m.url, m.path, 'check', 2);
    try {
      const outcomes = await Promise.all([checker.check('/s/1', ['ok'], 5000), checker.check('/s/2', ['bad'], 5000)]);
      expect(outcomes).toMatchObject([{ ok: true }, { ok: false, reason: 'bad id', detail: '/s/2' }]);
      expect(await checker.check('/s/3', ['throw'], 5000)).toMatchObject({ ok: false, reason: 'the check threw: thrown' });
    } finally {
      await checker.close();
    }
  });

  it('take a default export, or the export named', async () => {
    const m = module('default.mjs', `export default (dir, ids) => ids.length === 0 || 'ids given'; export const other = () => 'other said no';`);
    const byDefault = await workerChecker(m.url, m.path, 'check', 1);
    const named = await workerChecker(m.url, m.path, 'other', 1);
    try {
      expect(await byDefault.check('/s', ['1'], 5000)).toMatchObject({ ok: false, reason: 'ids given' });
      expect(await named.check('/s', [], 5000)).toMatchObject({ ok: false, reason: 'other said no' });
    } finally {
      await Promise.all([byDefault.close(), named.close()]);
    }
  });

  it('refuse a module without the function, or one that cannot load, as BadOption naming it', async () => {
    const none = module('none.mjs', 'export const x = 1;');
    await expect(workerChecker(none.url, none.path, 'check', 1)).rejects.toMatchObject({ code: 'BadOption', message: expect.stringContaining('none.mjs') });
    const missing = join(work, 'missing.mjs');
    const error = await workerChecker(pathToFileURL(missing).href, missing, 'check', 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CrashTestError);
    expect(error).toMatchObject({ code: 'BadOption' });
  });

  it('replace a worker whose check hangs, and go on checking', async () => {
    const m = module('hang.mjs', `export const check = (dir) => dir === '/hang' ? new Promise(() => {}) : true;`);
    const checker = await workerChecker(m.url, m.path, 'check', 1);
    try {
      expect(await checker.check('/hang', [], 100)).toMatchObject({ ok: false, timedOut: true, reason: 'check timed out after 100 ms' });
      expect(await checker.check('/fine', [], 5000)).toMatchObject({ ok: true });
    } finally {
      await checker.close();
    }
  });
});
