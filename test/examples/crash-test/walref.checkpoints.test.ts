// walref's checkpoints through the MANIFEST as a crash-test target (examples/crash-test/walref with
// --checkpoint-every): no violation, and each of the three planted checkpoint bugs found. The rest
// of walref as a target is in walref.test.ts.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveKnobs } from '../../../crash-sim/knobs.js';
import type { CheckOutcome } from '../../../oracle/crash-test/check.js';
import { captureRun, checkCaptured, type CapturedRun } from '../../../oracle/crash-test/run.js';
import { deep, ensureBuilt, example, freshDir, hasStrace, NEEDS_STRACE } from './helpers.js';
import type { Checker } from '../../../oracle/crash-test/checker.js';
import { knobs64, WALREF_SEGMENT_BYTES as SEGMENT_BYTES, walrefChecker } from './walref-target.js';

const dirs: string[] = [];
/** Verdicts by (image, acked ids), shared by every run here: a state is checked once. */
const verdicts = new Map<string, CheckOutcome>();

describe.skipIf(!hasStrace)(`walref crash-test on walref's checkpoints through the MANIFEST (${hasStrace ? 'strace found' : NEEDS_STRACE})`, () => {
  const ckptTxs = deep ? 8 : 4;
  const ckptRuns: CapturedRun[] = [];
  const captureCheckpoints = async (variant: string): Promise<CapturedRun> => {
    const dir = freshDir(`walref-ckpt-${variant}`);
    dirs.push(dir);
    const run = await captureRun(dir, `node ${example('walref', 'workload.mjs')} ${dir} --txs ${ckptTxs} --checkpoint-every 2 --segment-bytes ${SEGMENT_BYTES} --variant ${variant}`);
    ckptRuns.push(run);
    return run;
  };
  let check: Checker;
  beforeAll(async () => {
    ensureBuilt();
    check = await walrefChecker();
  }, 180_000);
  afterAll(() => {
    for (const run of ckptRuns) run.dispose();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('finds no violation: every crash state recovers one whole epoch and every acknowledged transaction', async () => {
    const run = await captureCheckpoints('none');
    for (const [knobs, maxStates] of [[knobs64, 50], [resolveKnobs({ sectorBytes: 64, ordered: false, safeAppend: false }), 30]] as const) {
      const result = await checkCaptured(run, { check, knobs, maxStates: deep ? 600 : maxStates, seed: 1, timeoutMs: 30_000, verdicts });
      expect(result.unmodelled).toEqual([]);
      expect(result.acks).toBe(ckptTxs);
      expect(result.violations.map((v) => `${v.reason}: ${v.example}`)).toEqual([]);
    }
  }, 600_000);

  // Budgets that reach each bug, measured on this workload (about 52 crash points, 480 to 720
  // crash-space points, most of them in the segment preallocation's spaces of 64 and 80 states,
  // and about 120 to 180 distinct states, each one call of check.mjs's check function). Water filling
  // visits the small spaces whole and samples the large ones, and a sampled space always yields
  // both its extremes. WALREF_DEEP checks every crash state, of a longer workload (8 transactions:
  // about 100 crash points and 700 to 1250 crash-space points, so its budget is 2000).
  // - The unsynced snapshot breaks recovery at most crash points after the first checkpoint (about
  //   50 violating states): 60 points (about 50 states) find several of them.
  // - The early removal shows at the crash right after the old snapshot's unlink, a space of 2
  //   states (both extremes, so visited at any budget): 60 points find it.
  // - The MANIFEST rename without a directory fsync shows only in one state of a space of 4 (the
  //   rename lost, the unlink after it kept): 250 points visit every space of up to 6 states whole.
  for (const [variant, what, maxStates] of [
    ['checkpoint-no-dir-fsync', 'a rename of the MANIFEST without a directory fsync', 250],
    ['checkpoint-unsynced-snapshot', 'a snapshot file that was never fdatasynced', 60],
    ['checkpoint-delete-before-commit', 'removals issued before the MANIFEST that drops them is renamed in', 60],
  ] as const) {
    it(`finds the planted bug: ${what}`, async () => {
      const run = await captureCheckpoints(variant);
      const result = await checkCaptured(run, { check, knobs: knobs64, maxStates: deep ? 2000 : maxStates, seed: 1, timeoutMs: 30_000, verdicts });
      if (deep) expect(result.exhaustive).toBe(true);
      expect(result.violations.map((v) => v.reason)).toContain('open failed: BadSnapshot');
    }, 300_000);
  }
});
