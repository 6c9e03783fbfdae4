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
