// etcd 3.4 (Debian's etcd-server) as a crash-test target: one member on loopback ports, puts
// acknowledged once the client's reply came, checked by restarting a member on the crash state.
// Its WAL preallocates 64 MB segments (fallocate: held as zeros by position, never as bytes) and
// is made in member/wal.tmp, renamed to member/wal. Two states are checked here (the run's end,
// and the finding of docs/oracle.md: the first segment's directory entry is never fsynced, which
// loses every key acknowledged since the backend's last commit);
// WALREF_DEEP=1 adds a sampled run.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashSpaceAt } from '../../../crash-sim/crash-states.js';
import { resolveKnobs } from '../../../crash-sim/knobs.js';
import { runCheck } from '../../../oracle/crash-test/check.js';
import { materialise } from '../../../oracle/crash-test/disk.js';
import { captureRun, checkCaptured, historyOf, type CapturedRun } from '../../../oracle/crash-test/run.js';
import { deep, example, freshDir, hasEtcd, hasStrace, NEEDS_ETCD } from './helpers.js';

const check = `node ${example('etcd', 'check.mjs')}`;
const knobs = resolveKnobs({});
const dirs: string[] = [];
const FIRST_SEGMENT = /^openat\(member\/wal\.tmp\/0{16}-0{16}\.wal, O_CREAT\)$/;

describe.skipIf(!hasStrace || !hasEtcd)(`walref crash-test on etcd (${hasStrace && hasEtcd ? 'etcd found' : NEEDS_ETCD})`, () => {
  let captured: CapturedRun;
  beforeAll(async () => {
    const dir = freshDir('etcd');
    dirs.push(dir);
    // The backend's commits held back for the run: a put is then durable in the WAL only, on every
    // machine. With etcd's default (a commit every 100 ms) a slow run puts some keys in
    // member/snap/db too, and a state that loses the WAL keeps those (workload.mjs says why).
    captured = await captureRun(dir, `node ${example('etcd', 'workload.mjs')} ${dir} --backend-batch-interval 1h`);
  }, 180_000);
  afterAll(() => {
    (captured as CapturedRun | undefined)?.dispose();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** The state at the end of the run where every call persisted except those `lost` names. */
  async function checkEnd(lost: RegExp | null) {
    const history = historyOf(captured, knobs);
    const space = crashSpaceAt(knobs, history.ops, history.ops.length);
    const probe = space.build(space.axes.map(() => 0));
    const lostSeqs = new Set(probe.dirOps.filter((op) => lost !== null && lost.test(history.calls[op.seq] ?? '')).map((op) => op.seq));
    const state = space.build(space.axes.map((radix, i) => (lostSeqs.has(probe.dirOps[i]?.seq ?? -1) ? 0 : radix - 1)));
    const parent = freshDir('etcd-state');
    dirs.push(parent);
    const stateDir = join(parent, 'state');
    materialise(state, stateDir, captured.snapshotDir);
    return { lost: lostSeqs.size, outcome: await runCheck(check, stateDir, history.acks.map((a) => a.id), 60_000) };
  }

  it('models every call: the 64 MB preallocation, the WAL directory renamed into place', () => {
    const history = historyOf(captured, knobs);
    expect(history.acks.map((a) => a.id)).toEqual(['1', '2', '3', '4']);
    expect(history.unmodelled).toEqual([]);
    expect(history.ops.some((op) => op.kind === 'fallocate' && op.lengthBytes === 64_000_000)).toBe(true);
    expect(history.calls).toContainEqual('renameat(member/wal.tmp/ → member/wal/)');
  });

  it('the state every call left behind restarts with every acknowledged key', async () => {
    expect((await checkEnd(null)).outcome).toMatchObject({ ok: true });
  }, 120_000);

  it("loses acknowledged keys when the first WAL segment's directory entry is lost: member/wal.tmp is never fsynced", async () => {
    const { lost, outcome } = await checkEnd(FIRST_SEGMENT);
    expect(lost).toBe(1);
    expect(outcome.reason).toBe('an acknowledged key was lost');
  }, 120_000);

  it.runIf(deep)('a sampled run: every violation is one docs/oracle.md explains', async () => {
    const result = await checkCaptured(captured, { check, knobs, maxStates: 400, seed: 1, timeoutMs: 60_000 });
    // The two groups docs/oracle.md §3 explains: the first WAL segment's lost directory entry, and a
    // crash during the first start after the WAL exists and before it holds the member.
    const explained = [/^an acknowledged key was lost$/, /^etcd refused to start: etcd did not serve within N s: failed to publish local member to cluster through raft/];
    for (const v of result.violations) expect(explained.some((re) => re.test(v.reason)), v.reason).toBe(true);
  }, 3_600_000);
});
