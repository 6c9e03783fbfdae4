// exploreWorkload (oracle/explore/explore.ts) must visit every crash point, the one after the
// workload's last operation included, and report every violation it finds. Checked with a WAL
// that loses the newest transaction on every recovery: once anything committed is durable, every
// crash state from then on violates, so the crash points with violations must be exactly a
// suffix of all the crash points (crash-sim's own list), ending at the last one; and with room for
// all of them, the returned violations are all `violationCount` of them. Over every stored
// workload and three planted recoveries (the newest transaction lost, altered, repeated), each
// crash state's counterexample spells the steps up to its crash point, and each clean reopen that
// replays something else than the log holds is reported. The violations come simplest first (one
// of each property ahead), capped at maxViolations (20 by default), with figures that agree.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crashPointsOf } from '../../../crash-sim/crash-points.js';
import { BYTE_CLASS_NAMES } from '../../../crash-sim/file-crash.js';
import type { ExploreOptions, ExploreResult } from '../../../oracle/explore/explore.js';
import { runWorkload } from '../../../oracle/explore/run-workload.js';
import type { OpenWalLike } from '../../../oracle/explore/wal-api.js';
import type { Workload } from '../../../oracle/explore/workload.js';
import { exploreWith, realOpenWal, STORED_WORKLOADS_DIR, storedWorkload } from '../../crash-recovery/helpers.js';

/** The real WAL, except that recovery forgets the newest replayed transaction. */
const losesNewest: OpenWalLike = async (dir, options) => {
  const opened = await realOpenWal(dir, options);
  return { ...opened, replay: { ...opened.replay, transactions: opened.replay.transactions.slice(0, -1) } };
};

/** The real WAL, except that recovery hands back the newest transaction with other events. */
const altersNewest: OpenWalLike = async (dir, options) => {
  const opened = await realOpenWal(dir, options);
  const all = opened.replay.transactions;
  const last = all.at(-1);
  if (last === undefined) return opened;
  const altered = { beginLsn: last.beginLsn, commitLsn: last.commitLsn, events: [new TextEncoder().encode('not what was committed')], eventCount: 1 };
  return { ...opened, replay: { ...opened.replay, transactions: [...all.slice(0, -1), altered] } };
};

/** The real WAL, except that recovery hands back the newest transaction twice. */
const repeatsNewest: OpenWalLike = async (dir, options) => {
  const opened = await realOpenWal(dir, options);
  const all = opened.replay.transactions;
  return all.length === 0 ? opened : { ...opened, replay: { ...opened.replay, transactions: [...all, all.at(-1)!] } };
};

/** The real WAL, except that recovery hands back no snapshot, whatever the MANIFEST says. */
const dropsSnapshot: OpenWalLike = async (dir, options) => ({ ...(await realOpenWal(dir, options)), snapshot: null });

const basic = storedWorkload('basic.json');

/** The tests here explore planted WALs at 400 states, without re-crashes after recovery. */
const explore: (workload: Workload, openWal: OpenWalLike, options?: Partial<ExploreOptions>) => Promise<ExploreResult> = exploreWith;

describe('exploreWorkload', () => {
  it('checks every crash point through the one after the last operation, and reports every violation', async () => {
    const run = await runWorkload(basic, realOpenWal);
    const all = crashPointsOf(run.knobs, run.log).map((p) => p.afterOp);
    const result = await explore(basic, losesNewest, { maxViolations: 100_000 });
    expect(result.crashPoints).toBe(all.length);
    expect(result.violations).toHaveLength(result.violationCount);
    const violated = [...new Set(result.violations.map((v) => v.crashAfterOp))].filter((p): p is number => p !== null).sort((a, b) => a - b);
    expect(violated.length).toBeGreaterThan(0);
    expect(violated.at(-1)).toBe(all.at(-1));
    const first = all.indexOf(violated[0] ?? -1);
    expect(violated).toEqual(all.slice(first));
  });

  it('a crash state\'s counterexample lists the steps begun by its crash point, marks the one the crash fell in, and names the last op, in every workload', async () => {
    let failedStepsListed = 0;
    const reopensChecked = { lost: 0, altered: 0, repeated: 0 };
    for (const [name, openWal] of readdirSync(STORED_WORKLOADS_DIR)
      .filter((n) => n.endsWith('.json'))
      .flatMap((n) => [[n, losesNewest], [`${n} (altered)`, altersNewest], [`${n} (repeated)`, repeatsNewest]] as const)) {
      const result = await explore(storedWorkload(name.replace(/ \(.*\)$/, '')), openWal, { maxStates: 200, maxViolations: 100_000, details: 5 });
      // Each described crash state names the step its crash fell in and the op it crashed after,
      // as the counterexamples at that crash point do.
      expect(result.details.length, name).toBeGreaterThan(0);
      for (const d of result.details) {
        const during = result.steps.find((s) => s.startOp <= d.crashAfterOp && d.crashAfterOp < s.endOp);
        expect(d.step, `${name}, detail after op ${d.crashAfterOp}`).toBe(during?.description ?? null);
        expect(d.op === '', `${name}, detail after op ${d.crashAfterOp}`).toBe(d.crashAfterOp >= result.operations);
        const at = result.violations.find((v) => v.crashAfterOp === d.crashAfterOp);
        if (at !== undefined && d.op !== '') expect(at.counterexample).toContain(`  crash right after op ${d.crashAfterOp}: ${d.op}\n`);
      }
      for (const v of result.violations) {
        const p = v.crashAfterOp;
        if (p === null) {
          // A clean reopen (a recover step, no crash) that replayed something else than the log holds.
          reopensChecked[name.endsWith('(altered)') ? 'altered' : name.endsWith('(repeated)') ? 'repeated' : 'lost']++;
          expect(v.property, name).toBe('ExactnessInv');
          expect(v.message, name).toMatch(/^the clean reopen starting session \d+ replayed something else than the log holds$/);
          const [, expected, replayed] = /^operations:\n(?:.|\n)*\nexpected: (.*)\nreplayed: (.*)$/.exec(v.counterexample) ?? [];
          expect([expected !== undefined, expected === 'null', expected === replayed], `${name}: ${v.counterexample}`).toEqual([true, false, false]);
          continue;
        }
        const begun = result.steps.filter((s) => s.startOp <= p);
        failedStepsListed += begun.filter((s) => !s.ok && s.endOp <= p).length;
        const lines = begun.map((s) => `  #${s.index} ${s.description}${s.endOp > p ? '  <- crash during this step' : s.ok ? '' : `  -> ${s.error ?? 'failed'}`}`);
        expect(v.counterexample, `${name}, crash after op ${p}`).toContain(['operations:', ...lines, `  crash right after op ${p}: `].join('\n'));
      }
    }
    // The workloads that fail a call (fsync EIO, ENOSPC) list a failed step with its error.
    expect(failedStepsListed).toBeGreaterThan(0);
    // Each planted recovery shows at a clean reopen too: one transaction lost, altered, repeated.
    expect(Object.values(reopensChecked).every((n) => n > 0), JSON.stringify(reopensChecked)).toBe(true);
  });

  it('orders the violations simplest first, one of each property ahead, caps them, and reports figures that agree', async () => {
    const workload = storedWorkload('rotation.json');
    const startedMs = performance.now();
    const all = await explore(workload, losesNewest, { maxViolations: 100_000, details: 3 });
    const wallMs = performance.now() - startedMs;
    const v = all.violations;
    expect(v).toHaveLength(all.violationCount);
    expect(v.length).toBeGreaterThan(20);
    const key = (x: (typeof v)[number]): [number, number] => [x.crashAfterOp ?? -1, x.weight];
    const before = (a: [number, number], b: [number, number]): boolean => a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1]);
    const properties = [...new Set(v.map((x) => x.property))];
    expect(properties.length).toBeGreaterThan(1);
    // The first of each property comes first, each the simplest of its property; then the rest.
    const heads = v.slice(0, properties.length);
    expect(new Set(heads.map((x) => x.property)).size).toBe(properties.length);
    for (const head of heads) for (const other of v.filter((x) => x.property === head.property)) expect(before(key(head), key(other))).toBe(true);
    for (const part of [heads, v.slice(properties.length)]) for (let i = 1; i < part.length; i++) expect(before(key(part[i - 1]!), key(part[i]!))).toBe(true);
    // Described: the first 50 violating states (there are more here) and as many others as asked for.
    const violating = all.details.filter((d) => d.violations.length > 0);
    expect(violating).toHaveLength(50);
    expect(violating.reduce((n, d) => n + d.violations.length, 0)).toBeLessThan(all.violationCount);
    expect(all.details.length - violating.length).toBe(3);
    // Capped: the first maxViolations of the same list, 20 when not given.
    const three = await explore(workload, losesNewest, { maxViolations: 3 });
    expect(three.violations).toEqual(v.slice(0, 3));
    const byDefault = await explore(workload, losesNewest);
    expect(byDefault.violations).toEqual(v.slice(0, 20));
    expect(byDefault.violationCount).toBe(all.violationCount);
    // Figures: the time taken lies within the call's, and the rate is states over it.
    expect(all.durationMs).toBeGreaterThan(0);
    expect(all.durationMs).toBeLessThanOrEqual(wallMs);
    expect(all.statesPerSecond).toBeCloseTo(all.crashStates / (all.durationMs / 1000), 3);
    // Only the point after the last op, when asked for.
    const end = await explore(workload, losesNewest, { crashPoints: 'end' });
    expect([all.crashPoints > 1, end.crashPoints]).toEqual([true, 1]);
  });

  it('checks the epoch each crash state holds: a recovery that drops the snapshot breaks OneEpochInv', async () => {
    const workload = storedWorkload('checkpoint-manifest.json');
    expect((await explore(workload, realOpenWal, { maxStates: 200 })).violationCount).toBe(0);
    const dropped = await explore(workload, dropsSnapshot, { maxStates: 200 });
    expect(dropped.violations.map((v) => v.property)).toContain('OneEpochInv');
  });

  it('describes as many states without a violation as asked for, whether violating ones came before them or not', async () => {
    /** The real WAL, except that a recovery of exactly one transaction forgets it: states before and after that one violate nothing. */
    const losesTheOnlyOne: OpenWalLike = async (dir, options) => {
      const opened = await realOpenWal(dir, options);
      return opened.replay.transactions.length === 1 ? { ...opened, replay: { ...opened.replay, transactions: [] } } : opened;
    };
    const run = (details: number) => explore(basic, losesTheOnlyOne, { maxViolations: 100_000, details });
    const everything = await run(100_000);
    const clean = everything.details.filter((d) => d.violations.length === 0);
    const firstViolating = everything.details.findIndex((d) => d.violations.length > 0);
    // Some violating states come before some clean ones, so a budget that counted them would fall short.
    expect(firstViolating).toBeGreaterThanOrEqual(0);
    expect(everything.details.slice(firstViolating).some((d) => d.violations.length === 0)).toBe(true);
    const exact = await run(clean.length);
    expect(exact.details.filter((d) => d.violations.length === 0)).toEqual(clean);
    expect(exact.details.filter((d) => d.violations.length > 0)).toHaveLength(everything.details.length - clean.length);
  });

  it('describes each file of a crash state with one byte class per byte, and each state checked once', async () => {
    const result = await explore(basic, realOpenWal, { details: 100_000 });
    // A state equal in image and in what the host knew to one already checked is not checked again.
    expect(result.details).toHaveLength(result.crashStates);
    const files = result.details.flatMap((d) => d.files);
    expect(files.some((f) => f.bytes.length > 0)).toBe(true);
    for (const f of files) {
      expect(f.classes, f.path).toHaveLength(Math.max(f.bytes.length, f.cacheBytes.length));
      for (const c of f.classes) expect(BYTE_CLASS_NAMES, f.path).toContain(c);
    }
  });

  it('reports a breach of the contract found while running the workload, with its step and no counterexample', async () => {
    let opens = 0;
    /** The real WAL, except that its second open (the clean reopen) fails. */
    const failsToReopen: OpenWalLike = async (dir, options) => (++opens === 2 ? Promise.reject(new Error('cannot open')) : realOpenWal(dir, options));
    const result = await explore(storedWorkload('enospc-reopen.json'), failsToReopen, { maxStates: 50 });
    expect(result.violations.map((v) => [v.property, v.message, v.counterexample, v.crashAfterOp])).toEqual([['Contract', 'step 5: openWal failed after a clean close: cannot open', '', null]]);
  });

  it('puts the violations found without a crash (clean reopens) ahead of those at any crash point', async () => {
    const result = await explore(storedWorkload('enospc-reopen.json'), losesNewest, { maxStates: 200, maxViolations: 100_000 });
    const exactness = result.violations.filter((v) => v.property === 'ExactnessInv').map((v) => v.crashAfterOp);
    expect(exactness).toContain(null);
    expect(exactness.some((p) => p !== null)).toBe(true);
    expect(exactness.slice(exactness.lastIndexOf(null) + 1).every((p) => p !== null)).toBe(true);
    expect(exactness.indexOf(null)).toBeLessThanOrEqual(1);
  });

  it('recovers every crash state, and expects its replay, under the policy it is given', async () => {
    // One unsynced write of two transactions on an unordered disk with small sectors: a crash can
    // tear the first and keep the second, which each policy answers differently.
    const torn: Workload = {
      options: { sync: { mode: 'none' } },
      knobs: { ordered: false, safeAppend: false, sectorBytes: 32, dirSync: true },
      steps: [{ tx: ['a'] }, { flush: true }, { tx: ['b'.repeat(40)] }, { tx: ['c'] }, { fsync: true }],
    };
    /** The real WAL, except that recovery always runs under the default policy, whatever it is asked. */
    const ignoresPolicy: OpenWalLike = (dir, { recovery: _ignored, ...options }) => realOpenWal(dir, options);
    // (point-in-time stops where the default does on this log, so a WAL that ignores it goes unseen here.)
    for (const recovery of ['absolute', 'skip-corrupted'] as const) {
      const run = (openWal: OpenWalLike) => explore(torn, openWal, { recovery, maxStates: 300, details: 1000 });
      const [real, planted] = await Promise.all([run(realOpenWal), run(ignoresPolicy)]);
      expect([recovery, real.violationCount]).toEqual([recovery, 0]);
      expect([recovery, planted.violationCount]).not.toEqual([recovery, 0]);
    }
  });

  it('finds nothing at the clean reopens of any stored workload on the real WAL, nor of one whose directory holds a MANIFEST, a snapshot and free files', async () => {
    const withMore = {
      ...storedWorkload('checkpoint-manifest.json'),
      steps: [...storedWorkload('checkpoint-manifest.json').steps, { flush: true }, { recover: true }, { tx: ['f1', 'f2'] }, { tx: ['g1'] }, { flush: true }, { recover: true }],
    } as Workload;
    const workloads = readdirSync(STORED_WORKLOADS_DIR).filter((n) => n.endsWith('.json')).map((n) => [n, storedWorkload(n)] as const);
    for (const [name, workload] of [...workloads, ['checkpoint-manifest.json, then two reopens', withMore] as const]) {
      const result = await explore(workload, realOpenWal, { maxStates: 50, crashPoints: 'end' });
      expect(result.violations.map((v) => v.message), name).toEqual([]);
    }
  });

  it('finds nothing on the real WAL', async () => {
    const result = await explore(basic, realOpenWal);
    expect(result.violationCount).toBe(0);
    expect(result.crashStates).toBeGreaterThan(0);
  });
});
