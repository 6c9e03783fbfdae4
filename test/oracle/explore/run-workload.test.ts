// oracle/explore/run-workload.ts: the snapshot step names an LSN that checkpoint() accepts in every
// session, so a workload never fails on a step a careful host could have taken.
import { describe, expect, it } from 'vitest';
import { runWorkload } from '../../../oracle/explore/run-workload.js';
import { explore, realOpenWal, violationText, workload } from '../../crash-recovery/helpers.js';

describe('the snapshot step of a workload', () => {
  it('right after an open, before the session commits, checkpoints at the LSN the open recovered up to, after a marker or an abort alike', async () => {
    for (const between of [{ checkpointMarker: true as const }, { tx: ['x'], abort: true as const }]) {
      const steps = workload([{ tx: ['a'] }, { flush: true }, between, { fsync: true }, { recover: true }, { snapshot: 'lastCommit' }, { tx: ['b'] }, { flush: true }]);
      const { history } = await runWorkload(steps, realOpenWal);
      expect(history.steps.filter((step) => !step.ok)).toEqual([]);
      // a (LSNs 1-3), then the marker at 4 or the aborted transaction at 4-6: open recovered up to it.
      expect(history.epochs.map((e) => e.lsn)).toEqual([history.sessions[1]!.nextLsnAtOpen - 1]);
      expect(history.epochs[0]!.lsn).toBeGreaterThan(3);
      const result = await explore(steps);
      expect(violationText(result)).toBe('');
      expect(result.exhaustive).toBe(true);
    }
  });
});

describe('the crash points of a step', () => {
  it('hold the background work the step started: a segment prepared ahead falls inside the step that filled the active one half, and no op falls after the last step', async () => {
    // Segments of 160 bytes: one transaction fills the first one past half, which starts the
    // preparation of the next segment file in the background.
    const steps = workload([{ tx: ['a'] }, { flush: true }], {}, { segmentTargetBytes: 160 });
    const { history, log } = await runWorkload(steps, realOpenWal);
    expect(history.steps.filter((step) => !step.ok)).toEqual([]);
    const prepared = log.findIndex((op) => 'path' in op && op.path.endsWith('.free'));
    expect(prepared).toBeGreaterThanOrEqual(0);
    const owner = history.steps.find((step) => step.startOp <= prepared && prepared < step.endOp);
    expect(owner).toBeDefined();
    for (const [i, step] of history.steps.entries()) expect(step.startOp).toBe(i === 0 ? step.startOp : history.steps[i - 1]!.endOp);
    expect(log.slice(history.steps.at(-1)!.endOp).filter((op) => op.kind !== 'mark')).toEqual([]);
  });
});
