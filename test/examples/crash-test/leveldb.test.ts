// LevelDB 1.20 (classic-level) as a crash-test target: puts with sync, a reopen (a new MANIFEST,
// CURRENT replaced through a temp file and a rename), more puts. LevelDB never fsyncs the directory
// after that rename (a long-standing open report), so a crash may keep the unlink of the old
// MANIFEST while losing the rename: CURRENT still names a MANIFEST that is gone.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashSpaceAt } from '../../../crash-sim/crash-states.js';
import { resolveKnobs } from '../../../crash-sim/knobs.js';
import { runCheck } from '../../../oracle/crash-test/check.js';
import { describeCrashState } from '../../../oracle/crash-test/describe.js';
import { materialise } from '../../../oracle/crash-test/disk.js';
import { captureRun, checkCaptured, historyOf, type CapturedRun } from '../../../oracle/crash-test/run.js';
import { deep, example, freshDir, hasStrace, NEEDS_STRACE } from './helpers.js';

const check = `node ${example('leveldb', 'check.mjs')}`;
const dirs: string[] = [];

describe.skipIf(!hasStrace)(`walref crash-test on LevelDB (${hasStrace ? 'strace found' : NEEDS_STRACE})`, () => {
  let captured: CapturedRun;
  beforeAll(async () => {
    const dir = freshDir('leveldb');
    dirs.push(dir);
    captured = await captureRun(dir, `node ${example('leveldb', 'workload.mjs')} ${dir} --puts ${deep ? 8 : 2}`);
  }, 120_000);
  afterAll(() => {
    // beforeAll may have failed before it was captured.
    (captured as CapturedRun | undefined)?.dispose();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('the reopen renames a new CURRENT into place and unlinks the old MANIFEST with no directory fsync in between', () => {
    const { calls } = historyOf(captured, resolveKnobs({}));
    const rename = calls.findIndex((c) => /rename\(db\/\d+\.dbtmp → db\/CURRENT\)/.test(c));
    const secondRename = calls.findIndex((c, i) => i > rename && /rename\(db\/\d+\.dbtmp → db\/CURRENT\)/.test(c));
    const unlink = calls.findIndex((c, i) => i > secondRename && /unlink\(db\/MANIFEST-\d+\)/.test(c));
    expect(rename).toBeGreaterThan(0);
    expect(secondRename).toBeGreaterThan(rename);
    expect(unlink).toBeGreaterThan(secondRename);
    // LevelDB 1.20 fsyncs the directory only when it syncs a MANIFEST (SyncDirIfManifest), later.
    expect(calls.slice(secondRename, unlink).filter((c) => c === 'fsync(db)' || c === 'fdatasync(db)')).toEqual([]);
  });

  it('a crash that keeps the unlink of the old MANIFEST but loses the rename of CURRENT leaves a database that does not open', async () => {
    const knobs = resolveKnobs({});
    const history = historyOf(captured, knobs);
    const renames = history.calls.flatMap((c, i) => (/rename\(db\/\d+\.dbtmp → db\/CURRENT\)/.test(c) ? [i] : []));
    const rename = renames[renames.length - 1] ?? -1;
    const unlink = history.calls.findIndex((c, i) => i > rename && /unlink\(db\/MANIFEST-\d+\)/.test(c));
    expect(unlink).toBeGreaterThan(rename);
    // Crash right after the unlink: every undecided entry change kept, except the rename of CURRENT.
    const space = crashSpaceAt(knobs, history.ops, unlink + 1);
    const probe = space.build(space.axes.map((radix) => radix - 1));
    const choice = space.axes.map((radix, i) => (probe.dirOps[i]?.seq === rename ? 0 : radix - 1));
    const state = space.build(choice);
    const description = describeCrashState(state, history.calls, unlink).text;
    expect(description).toMatch(/rename#\d+\(db\/\d+\.dbtmp → db\/CURRENT\) lost/);
    expect(description).toMatch(/unlink#\d+\(db\/MANIFEST-\d+\) kept/);
    const ids = history.acks.filter((a) => a.opIndex < unlink).map((a) => a.id);
    const stateParent = freshDir('leveldb-state');
    dirs.push(stateParent);
    const stateDir = join(stateParent, 'state');
    materialise(state, stateDir);
    const outcome = await runCheck(check, stateDir, ids, 30_000);
    expect(outcome.ok).toBe(false);
    expect(outcome.reason).toMatch(/^open failed: IO error: MANIFEST-N: No such file or directory/);
  }, 120_000);

  it('a sampled run reports what it finds, grouped by reason with a one-line crash state', async () => {
    const result = await checkCaptured(captured, { check, knobs: resolveKnobs({}), maxStates: deep ? 1000 : 100, seed: 1, timeoutMs: 30_000 });
    expect(result.crashPoints).toBeGreaterThan(20);
    expect(result.crashStates).toBeGreaterThan(30);
    for (const v of result.violations) expect(v.example).toMatch(/^crash after \w+#\d+\(.+: /);
  }, 300_000);
});
