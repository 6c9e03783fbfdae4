// oracle/explore/run-workload.ts: the snapshot step names an LSN that checkpoint() accepts in every
// session, so a workload never fails on a step a careful host could have taken.
import { describe, expect, it } from 'vitest';
import { runWorkload } from '../../../oracle/explore/run-workload.js';
import { describeStep, specStep } from '../../../oracle/explore/workload.js';
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

describe('the history of steps', () => {
  // A fault reached by the flush it was armed for, then one that the next step never reaches.
  const steps = workload([{ tx: ['a'] }, { fault: 'enospc' }, { flush: true }, { tx: ['b'] }, { recover: true }, { tx: ['c'] }, { fault: 'enospc' }, { tx: ['d'] }, { flush: true }]);
  const descriptions = steps.steps.map((s) => describeStep(specStep(s)));

  it('records a failed step with its error, and the steps after it see the poisoned WAL, not a missing one', async () => {
    const { history } = await runWorkload(steps, realOpenWal);
    expect(history.steps.map((s) => s.ok)).toEqual([true, true, false, false, true, true, true, true, true]);
    expect(history.steps[2]!.error).toMatch(/ENOSPC/);
    // The refusal of a poisoned WAL, which stays open until the recover closes it.
    expect(history.steps[3]!.error).not.toMatch(/no open WAL/);
    for (const s of history.steps) expect(s.error === null).toBe(s.ok);
  });

  it("describes each step by describeStep, noting a fault the step it was armed for never reached", async () => {
    const { history } = await runWorkload(steps, realOpenWal);
    expect(history.steps.map((s) => s.description)).toEqual(descriptions.map((d, i) => (i === 7 ? `${d} (the enospc armed for it was never reached, and is disarmed)` : d)));
    // Disarmed: the flush after it writes, and succeeds.
    expect(history.steps[8]!.ok).toBe(true);
  });

  it('marks the op log at every session, step and the end, naming each step as it was described', async () => {
    const { log } = await runWorkload(steps, realOpenWal);
    const marks = log.flatMap((op) => (op.kind === 'mark' ? [[op.label, op.data]] : []));
    const stepMarks = marks.filter(([label]) => label === 'step');
    expect(stepMarks).toEqual(descriptions.map((step, index) => ['step', { index, step }]));
    expect(marks.filter(([label]) => label === 'step-end').map(([, data]) => (data as { index: number }).index)).toEqual(descriptions.map((_, i) => i));
    expect(marks.map(([label]) => label).filter((l) => l === 'session')).toHaveLength(2);
    expect(marks.at(-1)).toEqual(['end', null]);
  });
});

describe('the faults a workload arms', () => {
  it('fails the next fsync with EIO, the next write with ENOSPC, or cuts the next write short (no error)', async () => {
    const run = async (fault: 'fsync-eio' | 'enospc' | 'short-write') => runWorkload(workload([{ tx: ['a'] }, { fault }, { flush: true }]), realOpenWal);
    const eio = await run('fsync-eio');
    expect(eio.history.steps[2]!.error).toMatch(/EIO/);
    expect(eio.log.some((op) => op.kind === 'fsync' && op.errno === 'EIO')).toBe(true);
    const enospc = await run('enospc');
    expect(enospc.history.steps[2]!.error).toMatch(/ENOSPC/);
    expect(enospc.log.some((op) => op.kind === 'write' && op.errno === 'ENOSPC')).toBe(true);
    // A write that returns fewer bytes than asked, with no error: walref refuses to go on from it.
    const short = await run('short-write');
    expect(short.history.steps[2]!.error).toMatch(/SHORT_WRITE/);
    expect(short.log.some((op) => op.kind === 'write' && op.errno === null && op.writtenBytes < op.data.length)).toBe(true);
  });

  it("stamps every op with the WAL's durable LSN as probed then (null while no WAL is open)", async () => {
    const { log } = await runWorkload(workload([{ tx: ['a'] }, { flush: true }, { tx: ['b'] }, { flush: true }]), realOpenWal);
    const probes = log.map((op) => op.durableLsnProbe);
    expect(probes[0]).toBeNull();
    expect(Math.max(...probes.map((p) => p ?? 0))).toBeGreaterThanOrEqual(6);
    // Probed at each op, so the durable LSN never goes back while the WAL stays open.
    const open = probes.filter((p): p is number => p !== null);
    expect(open).toEqual([...open].sort((a, b) => a - b));
  });
});
