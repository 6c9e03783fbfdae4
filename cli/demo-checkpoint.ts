// Part 5 of `walref demo`: the crash states around the commit point of the workload's checkpoint
// through the MANIFEST (docs/tour.md, step 12). The workload runs once more in crash-sim; after
// every operation of its checkpoint step, every crash state is recovered with openWal, and the
// demo counts which epoch each recovery found: the old one (no snapshot yet) or the new one. Before
// the rename every state recovers the old epoch, between the rename and the directory fsync after
// it either one, whole, and from that fsync on the new one.

import { crashSpaceAt, enumerateCrashStates } from '../crash-sim/crash-states.js';
import { describeOp } from '../crash-sim/describe-op.js';
import { runWorkload, WORKLOAD_DIR } from '../oracle/explore/run-workload.js';
import type { OpenWalLike } from '../oracle/explore/wal-api.js';
import type { Workload } from '../oracle/explore/workload.js';
import { openWal } from '../src/open-wal.js';

/** Part 5 under its heading. */
export async function showCheckpointCommitPoint(
  workload: Workload,
  simOpenWal: OpenWalLike,
  heading: (text: string) => void,
  say: (lines: readonly string[]) => void,
): Promise<void> {
  heading('5. The checkpoint through the MANIFEST: one epoch, never a mix');
  say(await checkpointCommitPointLines(workload, simOpenWal));
}

/** Crash states recovered per crash point at most (all of them when there are fewer). */
const STATES_PER_POINT = 64;

export async function checkpointCommitPointLines(workload: Workload, simOpenWal: OpenWalLike): Promise<string[]> {
  const run = await runWorkload(workload, simOpenWal);
  const epoch = run.history.epochs[0];
  const step = run.history.steps.find((s) => s.description.startsWith('checkpoint'));
  if (epoch === undefined || step === undefined) return ['  (the workload has no checkpoint through the MANIFEST)'];
  const lines = [
    '  After every operation of the checkpoint step, every crash state is recovered: before the rename',
    '  of MANIFEST.tmp all find the old epoch, after the directory fsync that follows it (the commit',
    '  point) all find the new one, and in between either one, whole (docs/tour.md, step 12).',
    '',
    `  step ${step.index}: ${step.description}`,
    '',
  ];
  for (let k = step.startOp; k < step.endOp; k++) {
    const op = run.log[k];
    if (op === undefined || op.kind === 'mark') continue;
    const tally = { old: 0, new: 0, failed: 0 };
    for (const state of enumerateCrashStates(crashSpaceAt(run.knobs, run.log, k + 1), { maxStates: STATES_PER_POINT, seed: k }).states) {
      try {
        const opened = await openWal(WORKLOAD_DIR, { fs: state.image(), trace: () => undefined });
        if (opened.snapshot?.lsn === epoch.lsn) tally.new += 1;
        else tally.old += 1;
      } catch {
        tally.failed += 1;
      }
    }
    const marker = k === epoch.renameOp ? '  <- the rename' : op.kind === 'fsyncDir' && k > epoch.renameOp && run.log.slice(epoch.renameOp + 1, k).every((o) => o.kind !== 'fsyncDir') ? '  <- the commit point' : '';
    lines.push(
      `  after op ${String(k).padStart(3)} ${describeOp(op).padEnd(48)} old epoch ${String(tally.old).padStart(3)}, new epoch ${String(tally.new).padStart(3)}` +
        (tally.failed > 0 ? `, FAILED ${tally.failed}` : '') +
        marker,
    );
  }
  return lines;
}
