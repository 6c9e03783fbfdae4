// PostgreSQL 15 (Debian's postgresql-15) as a crash-test target: initdb fills --dir before the
// trace (--init), the server runs as a direct child of the workload with synchronous_commit=on,
// and its own crash recovery is the check. The 39 MB that initdb writes enter the history as
// external bytes: read only where the workload writes. Two states are checked here (the run's
// end, and PostgreSQL's documented refusal of an empty postmaster.pid); WALREF_DEEP=1 adds a
// sampled run. docs/oracle.md has the full runs.
import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashSpaceAt } from '../../../crash-sim/crash-states.js';
import { resolveKnobs } from '../../../crash-sim/knobs.js';
import { runCheck } from '../../../oracle/crash-test/check.js';
import { materialise } from '../../../oracle/crash-test/disk.js';
import { captureRun, checkCaptured, historyOf, type CapturedRun } from '../../../oracle/crash-test/run.js';
import { deep, example, freshDir, hasPostgres, hasStrace, NEEDS_POSTGRES } from './helpers.js';

const check = `node ${example('postgres', 'check.mjs')}`;
const knobs = resolveKnobs({});
const dirs: string[] = [];

describe.skipIf(!hasStrace || !hasPostgres)(`walref crash-test on PostgreSQL 15 (${hasStrace && hasPostgres ? 'postgres found' : NEEDS_POSTGRES})`, () => {
  let captured: CapturedRun;
  beforeAll(async () => {
    const dir = freshDir('pg');
    dirs.push(dir);
    captured = await captureRun(dir, `node ${example('postgres', 'workload.mjs')} ${dir}`, { init: `node ${example('postgres', 'init.mjs')} ${dir}` });
  }, 180_000);
  afterAll(() => {
    (captured as CapturedRun | undefined)?.dispose();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** Writes one crash state after `afterOp` (the digits of `choose`) and runs the checker on it. */
  async function checkState(afterOp: number, choose: (axes: readonly number[], dirOps: number) => number[]) {
    const history = historyOf(captured, knobs);
    const space = crashSpaceAt(knobs, history.ops, afterOp + 1);
    const dirOps = space.build(space.axes.map(() => 0)).dirOps.length;
    const state = space.build(choose(space.axes, dirOps));
    const parent = freshDir('pg-state');
    dirs.push(parent);
    // The server runs as the postgres user: it must reach the state directory.
    chmodSync(parent, 0o711);
    const stateDir = join(parent, 'state');
    materialise(state, stateDir, captured.snapshotDir);
    const ids = history.acks.filter((a) => a.opIndex <= afterOp).map((a) => a.id);
    return runCheck(check, stateDir, ids, 60_000);
  }

  it('traces every call under --dir, acknowledges 4 rows, and reads the initial cluster only where it writes', () => {
    const history = historyOf(captured, knobs);
    expect(history.acks.map((a) => a.id)).toEqual(['1', '2', '3', '4']);
    expect(history.unmodelled).toEqual([]);
    expect(captured.initial.files.size).toBeGreaterThan(500);
    expect(history.calls.some((c) => /^pwrite64\(pg_wal\/0{7}1/.test(c))).toBe(true);
  });

  it('the state every call left behind recovers with every acknowledged row', async () => {
    const last = historyOf(captured, knobs).ops.length - 1;
    const outcome = await checkState(last, (axes) => axes.map((radix) => radix - 1));
    expect(outcome).toMatchObject({ ok: true });
  }, 120_000);

  it('a crash right after postmaster.pid is created leaves it empty, and PostgreSQL refuses to start (its documented behaviour)', async () => {
    const created = historyOf(captured, knobs).calls.findIndex((c) => c === 'openat(postmaster.pid, O_CREAT)');
    expect(created).toBeGreaterThan(0);
    const outcome = await checkState(created, (axes, dirOps) => axes.map((_, i) => (i < dirOps ? 1 : 0)));
    expect(outcome.reason).toMatch(/lock file "postmaster\.pid" is empty/);
  }, 120_000);

  it.runIf(deep)('a sampled run: every violation is one docs/oracle.md explains', async () => {
    const result = await checkCaptured(captured, { check, knobs, maxStates: 400, seed: 1, timeoutMs: 120_000 });
    // The two groups docs/oracle.md §3 explains: the empty lock file of a crash during start-up, and
    // relation files whose directory entries were lost after the checkpoint that needed them.
    const explained = [/^postgres refused to start: .*lock file "postmaster\.pid" is empty/, /^a relation file is missing: could not open file "[^"]+"$/];
    for (const v of result.violations) expect(explained.some((re) => re.test(v.reason)), v.reason).toBe(true);
  }, 3_600_000);
});
