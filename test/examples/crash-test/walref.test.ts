// walref itself as a crash-test target (examples/crash-test/walref), traced from outside through
// its node:fs adapter: no violation under any knob combination, both planted bugs found, and the
// same verdicts and the same segment operations as crash-sim's own explore on the same workload.
// Its checkpoints through the MANIFEST are in walref.checkpoints.test.ts (a file of their own, so
// that vitest's two workers share the two halves).
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exploreWorkload } from '../../../oracle/explore/explore.js';
import { resolveKnobs, type SimKnobs } from '../../../crash-sim/knobs.js';
import { runWorkload } from '../../../oracle/explore/run-workload.js';
import type { SimOp } from '../../../crash-sim/sim-state.js';
import type { OpenWalLike } from '../../../oracle/explore/wal-api.js';
import { parseWorkload } from '../../../oracle/explore/workload.js';
import type { CheckOutcome } from '../../../oracle/crash-test/check.js';
import { captureRun, checkCaptured, historyOf, type CapturedRun } from '../../../oracle/crash-test/run.js';
import { openWal } from '../../../src/open-wal.js';
import { SEGMENT_HEADER_BYTES } from '../../../src/core/format.js';
import { wrapFs } from '../../crash-sim/wrap-fs.js';
import { deep, ensureBuilt, example, freshDir, hasStrace, NEEDS_STRACE } from './helpers.js';
import { knobs64, WALREF_SEGMENT_BYTES, walrefCheckCommand, walrefChecker } from './walref-target.js';
import type { Checker } from '../../../oracle/crash-test/checker.js';

const TXS = deep ? 12 : 5;
const SEGMENT_BYTES = WALREF_SEGMENT_BYTES;
const dirs: string[] = [];
const runs: CapturedRun[] = [];
/** Verdicts by (image, acked ids), shared by every run here: a state is checked once. */
const verdicts = new Map<string, CheckOutcome>();

async function capture(variant: string, extra = '', txs = TXS): Promise<CapturedRun> {
  const dir = freshDir(`walref-${variant}`);
  dirs.push(dir);
  const run = await captureRun(dir, `node ${example('walref', 'workload.mjs')} ${dir} --txs ${txs} --segment-bytes ${SEGMENT_BYTES} --variant ${variant}${extra}`);
  runs.push(run);
  return run;
}

/** Renames of segment files to free files and back by inode: a file reused as a later segment shows both, in that order. */
function reusedInodes(ops: readonly SimOp[]): number[] {
  const freed = new Set<number>();
  const reused = new Set<number>();
  for (const op of ops) {
    if (op.kind !== 'rename') continue;
    if (op.from.endsWith('.wal') && op.to.endsWith('.free')) freed.add(op.inode);
    if (op.from.endsWith('.free') && op.to.endsWith('.wal') && freed.has(op.inode)) reused.add(op.inode);
  }
  return [...reused];
}

const KNOB_SETS: SimKnobs[] = [];
for (const ordered of [true, false])
  for (const safeAppend of [true, false])
    for (const dirSync of [true, false])
      for (const mkdirSync of [true, false]) KNOB_SETS.push(resolveKnobs({ ordered, safeAppend, dirSync, mkdirSync, sectorBytes: 64 }));
/**
 * npm test's share of the 16: five combinations in which every two knobs take all four pairs of
 * values (all off, and each knob off alone with the other three on: a covering array of strength
 * 2). Every crash state costs a check process, so all 16 run under WALREF_DEEP (npm run test:deep).
 */
const SWEEP: SimKnobs[] = deep
  ? KNOB_SETS
  : [
      { ordered: false, safeAppend: false, dirSync: false, mkdirSync: false },
      { ordered: false, safeAppend: true, dirSync: true, mkdirSync: true },
      { ordered: true, safeAppend: false, dirSync: true, mkdirSync: true },
      { ordered: true, safeAppend: true, dirSync: false, mkdirSync: true },
      { ordered: true, safeAppend: true, dirSync: true, mkdirSync: false },
    ].map((k) => resolveKnobs({ ...k, sectorBytes: 64 }));
const sweepName = deep ? 'all 16 knob combinations' : '5 knob combinations that pair every two knobs both ways (all 16 under WALREF_DEEP)';

/** The workload of examples/crash-test/walref/workload.mjs, for crash-sim's explore. */
function exploreWorkloadOf(knobs: SimKnobs) {
  const steps = Array.from({ length: TXS }, (_, i) => [{ tx: [`tx-${i + 1}`] }, { flush: true }]).flat();
  const parsed = parseWorkload({ options: { segmentTargetBytes: SEGMENT_BYTES }, knobs: { sectorBytes: knobs.sectorBytes, ordered: knobs.ordered, safeAppend: knobs.safeAppend, dirSync: knobs.dirSync }, steps });
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.workload;
}

/**
 * The operations on segment files and directory fsyncs, by kind, name and size: what both runs must
 * share. A segment's preallocation is left out: walref's node adapter writes zeros, which strace
 * sees as writes, and the simulator records them as one preallocate operation.
 */
function segmentOps(ops: readonly SimOp[]): string[] {
  const name = (path: string) => path.slice(path.lastIndexOf('/') + 1);
  const listed = ops.flatMap((op): string[] => {
    if (op.kind === 'fsyncDir') return ['fsyncDir'];
    if (!('path' in op) || !op.path.endsWith('.wal')) return [];
    if (op.kind === 'fallocate' || (op.kind === 'write' && op.data.every((byte) => byte === 0))) return [];
    if (op.kind === 'write') return [`write ${name(op.path)} @${op.offsetBytes} ${op.writtenBytes}`];
    if (op.kind === 'truncate') return [`truncate ${name(op.path)} ${op.sizeBytes}`];
    return [`${op.kind} ${name(op.path)}`];
  });
  // A rotation takes the next segment's file prepared in the background (its entry renamed into
  // place: only the directory fsync shows here), or, when it comes before that file is ready, makes
  // one of its own (wal-core.ts): create, header, fsync, then the same directory fsync. Which one a
  // real run takes depends on timing, so a segment made on the spot is compared as the prepared one.
  return listed.filter((_line, i) => {
    const made = (at: number): boolean => /^create \S+\.wal$/.test(listed[at] ?? '') && listed[at + 1] === `write ${(listed[at] ?? '').slice(7)} @0 ${SEGMENT_HEADER_BYTES}` && listed[at + 2] === `fsync ${(listed[at] ?? '').slice(7)}`;
    return !(made(i) || made(i - 1) || made(i - 2));
  });
}

/** The planted bug of the example's --variant no-dir-fsync, on crash-sim's file system. */
const noDirFsync: OpenWalLike = (dir, options) => openWal(dir, { ...options, fs: wrapFs(options.fs, { fsyncDir: async () => undefined }) });

describe.skipIf(!hasStrace)(`walref crash-test on walref itself (${hasStrace ? 'strace found' : NEEDS_STRACE})`, () => {
  let correct: CapturedRun;
  let noDirFsyncRun: CapturedRun;
  let check: Checker;
  beforeAll(async () => {
    ensureBuilt();
    check = await walrefChecker();
    correct = await capture('none');
    noDirFsyncRun = await capture('no-dir-fsync');
  }, 180_000);
  afterAll(() => {
    for (const run of runs) run.dispose();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it(`finds no violation under ${sweepName}`, async () => {
    const found: string[] = [];
    let states = 0;
    for (const knobs of SWEEP) {
      const result = await checkCaptured(correct, { check, knobs, maxStates: deep ? 600 : 30, seed: 1, timeoutMs: 30_000, verdicts });
      states += result.crashStates;
      expect(result.unmodelled).toEqual([]);
      expect(result.acks).toBe(TXS);
      for (const v of result.violations) found.push(`${JSON.stringify(knobs)}: ${v.reason}: ${v.example}`);
    }
    expect(found).toEqual([]);
    expect(states).toBeGreaterThan(100);
  }, 600_000);

  it(`recycled segments (a checkpoint through the MANIFEST every 2 transactions, the segments it drops reused by later rotations): the trace shows a segment file reused, and no violation under ${sweepName}`, async () => {
    // 10 transactions: the first rotations take freshly prepared files, later ones the dropped segments.
    const run = await capture('none', ' --checkpoint-every 2', deep ? 14 : 10);
    expect(reusedInodes(historyOf(run, knobs64).ops).length).toBeGreaterThan(0);
    const found: string[] = [];
    let states = 0;
    for (const knobs of SWEEP) {
      const result = await checkCaptured(run, { check, knobs, maxStates: deep ? 600 : 30, seed: 1, timeoutMs: 30_000, verdicts });
      states += result.crashStates;
      expect(result.unmodelled).toEqual([]);
      for (const v of result.violations) found.push(`${JSON.stringify(knobs)}: ${v.reason}: ${v.example}`);
    }
    expect(found).toEqual([]);
    expect(states).toBeGreaterThan(100);
  }, 600_000);

  it('finds the planted bug that skips the directory fsync after creating a segment (renaming a prepared file into place)', async () => {
    const result = await checkCaptured(noDirFsyncRun, { check, knobs: knobs64, maxStates: deep ? 600 : 80, seed: 1, timeoutMs: 30_000, verdicts });
    const lost = result.violations.find((v) => v.reason === 'an acknowledged transaction was lost');
    // New segments are prepared ahead as free files and renamed into place at rotation.
    expect(lost?.example).toMatch(/rename#\d+\(\d{20}\.free → \d{20}\.wal\) lost|\d{20}\.wal, O_CREAT\) lost/);
  }, 300_000);

  // The one run here that checks through the command, as `walref crash-test --check` does: without
  // the shared verdicts, so that every state of it starts a check process.
  it('finds the planted bug that acknowledges before fdatasync', async () => {
    const run = await capture('ack-before-fsync');
    const result = await checkCaptured(run, { check: walrefCheckCommand, knobs: knobs64, maxStates: deep ? 600 : 80, seed: 1, timeoutMs: 30_000 });
    expect(result.crashStates).toBeGreaterThan(0);
    expect(result.violations.map((v) => v.reason)).toContain('an acknowledged transaction was lost');
  }, 300_000);

  it('agrees with crash-sim explore: the same segment operations, and the same verdicts with and without the planted bug', async () => {
    const knobs = knobs64;
    const workload = exploreWorkloadOf(knobs);
    const simRun = await runWorkload(workload, openWal);
    expect(segmentOps(historyOf(correct, knobs).ops)).toEqual(segmentOps(simRun.log));

    const explored = await exploreWorkload(workload, { openWal: openWal, maxStates: 2000 });
    const traced = await checkCaptured(correct, { check, knobs, maxStates: deep ? 600 : 40, seed: 1, timeoutMs: 30_000, verdicts });
    expect([explored.violationCount, traced.violationCount]).toEqual([0, 0]);

    const exploredBug = await exploreWorkload(workload, { openWal: noDirFsync, maxStates: 2000 });
    const tracedBug = await checkCaptured(noDirFsyncRun, { check, knobs, maxStates: deep ? 600 : 80, seed: 1, timeoutMs: 30_000, verdicts });
    expect(exploredBug.violations.map((v) => v.property)).toContain('DurabilityInv');
    expect(tracedBug.violations.map((v) => v.reason)).toContain('an acknowledged transaction was lost');
  }, 600_000);
});
