// A JSON-file store (examples/crash-test/json-store/) checked through the library API the way a
// Node user would check theirs: `import { crashTest } from 'walref/crash-test'` (the package's own
// export, from dist/), the workload a command, the checker the store's own function, called in
// this thread or in worker threads: no process starts per crash state. The correct store loses
// nothing; each planted variant (no file fsync, no directory fsync) is found, with the call that
// lost it named by its index.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, example, freshDir, hasStrace, NEEDS_STRACE, root } from './helpers.js';

type Api = typeof import('walref/crash-test');
let api: Api;
const dirs: string[] = [];

function dataDir(label: string): string {
  const dir = freshDir(`json-store-${label}`);
  dirs.push(dir);
  return dir;
}

const workload = (dir: string, variant: string, puts = 4): string => `node ${example('json-store', 'workload.mjs')} ${dir} --variant ${variant} --puts ${puts}`;

async function storeCheck(): Promise<(stateDir: string, ackedIds: readonly string[]) => Promise<true | { ok: false; reason: string; detail: string }>> {
  const module = (await import(example('json-store', 'check.mjs'))) as { check: (stateDir: string, ackedIds: readonly string[]) => Promise<true | { ok: false; reason: string; detail: string }> };
  return module.check;
}

describe.skipIf(!hasStrace)(`walref/crash-test on a JSON-file store (${hasStrace ? 'strace found' : NEEDS_STRACE})`, () => {
  beforeAll(async () => {
    ensureBuilt();
    api = await import('walref/crash-test');
  }, 180_000);

  it('walref/crash-test is the package\'s subpath export, with its types, built by npm run build', () => {
    const exports = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, { types: string; import: string }> }).exports['./crash-test'];
    expect(exports).toEqual({ types: './dist/oracle/crash-test/index.d.ts', import: './dist/oracle/crash-test/index.js' });
    for (const file of [exports?.types ?? '', exports?.import ?? '']) expect(existsSync(join(root, file))).toBe(true);
    expect(Object.keys(api).sort()).toEqual(['CAPTURE_FORMAT', 'CAPTURE_VERSION', 'CrashTestError', 'REPORT_FORMAT', 'crashTest', 'mergeReports', 'reportSchema']);
  });
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('the correct store (temp file, fsync, rename, directory fsync) loses no acknowledged put, checked in-process on one core', async () => {
    const dir = dataDir('correct');
    const report = await api.crashTest({ dir, workload: workload(dir, 'correct', 8), check: await storeCheck(), jobs: 1 });
    expect(report).toMatchObject({ acks: 8, exhaustive: true, violations: [], violationCount: 0, shard: { k: 1, n: 1 } });
    expect(report.crashStates).toBeGreaterThan(20);
    expect(report.crashStates).toBe(report.plannedStates);
    // Measured, never asserted (DESIGN.md: speed belongs to benchmarks): docs/oracle.md quotes it.
    expect(report.statesPerSecond).toBeGreaterThan(0);
  }, 120_000);

  it('without the directory fsync an acknowledged put is lost: the rename, named by its index, did not persist', async () => {
    const dir = dataDir('no-dir-fsync');
    const report = await api.crashTest({ dir, workload: workload(dir, 'no-dir-fsync'), check: await storeCheck(), jobs: 1 });
    const lost = report.violations.find((v) => v.reason === 'an acknowledged put was lost');
    expect(lost?.count).toBeGreaterThan(0);
    expect(lost?.example).toMatch(/^crash after \w+#\d+\(.*: .*rename#\d+\(\.db\.json\.tmp → db\.json\) lost/);
    const renameLost = lost?.calls.find((c) => c.call === 'rename(.db.json.tmp → db.json)' && c.fate === 'lost');
    expect(renameLost?.index).toBeGreaterThan(0);
    expect(lost?.example).toContain(`rename#${renameLost?.index ?? -1}(`);
  }, 120_000);

  it('without the file fsync the renamed db.json may be empty: the store does not open', async () => {
    const dir = dataDir('no-file-fsync');
    const report = await api.crashTest({ dir, workload: workload(dir, 'no-file-fsync'), check: await storeCheck(), jobs: 1 });
    const reasons = report.violations.map((v) => v.reason);
    expect(reasons).toContain('the store does not open: db.json is not valid JSON');
    const unparsable = report.violations.find((v) => v.reason.startsWith('the store does not open'));
    expect(unparsable?.calls.some((c) => c.fate === 'lost' && /^write(v)?\(\.db\.json\.tmp/.test(c.call))).toBe(true);
    expect(unparsable?.detail).toMatch(/JSON/);
  }, 120_000);

  it('captured once and checked again in worker threads (checkModule) and as a command: the same verdicts', async () => {
    const dir = dataDir('capture');
    const capture = `${dir}.capture`;
    dirs.push(capture);
    const inProcess = await api.crashTest({ dir, workload: workload(dir, 'no-dir-fsync', 3), check: await storeCheck(), jobs: 1, saveCapture: capture });
    const initial = dataDir('capture-initial');
    mkdirSync(initial, { recursive: true });
    const workers = await api.crashTest({ dir: initial, fromCapture: capture, checkModule: example('json-store', 'check.mjs'), jobs: 2 });
    const command = await api.crashTest({ dir: initial, fromCapture: capture, check: `node ${example('json-store', 'check.mjs')}`, maxStates: 1000 });
    for (const other of [workers, command]) {
      expect(other.captureDigest).toBe(inProcess.captureDigest);
      expect(other.violations.map((v) => [v.reason, v.count, v.example])).toEqual(inProcess.violations.map((v) => [v.reason, v.count, v.example]));
    }
  }, 300_000);
});
