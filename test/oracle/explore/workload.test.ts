// Workload step keys are the spec's action names; the former keys stay accepted as aliases.
import { describe, expect, it } from 'vitest';
import { describeStep, FORMER_STEP_KEYS, parseWorkload, specStep, type WorkloadStep } from '../../../oracle/explore/workload.js';
import { explore, violationText, workload } from '../../crash-recovery/helpers.js';

describe('workload steps under the spec names', () => {
  it('the former keys forceFsync, checkpoint and reopen are read as fsync, checkpointMarker and recover', () => {
    const parsed = parseWorkload({ steps: [{ tx: ['a'] }, { forceFsync: true }, { checkpoint: true }, { reopen: true }] });
    expect(parsed).toEqual({ ok: true, workload: { options: {}, knobs: {}, steps: [{ tx: ['a'] }, { fsync: true }, { checkpointMarker: true }, { recover: true }] } });
    expect(Object.values(FORMER_STEP_KEYS)).toEqual(['fsync', 'checkpointMarker', 'recover']);
    expect(specStep({ reopen: true })).toEqual({ recover: true });
    expect(describeStep({ forceFsync: true })).toBe(describeStep({ fsync: true }));
    expect(describeStep({ forceFsync: true })).toBe('fsync (forceFsync)');
  });

  it('the persistence knobs are under "knobs"; a workload that puts them under "fault" (the step that injects a fault) is refused, naming the key', () => {
    const parsed = parseWorkload({ fault: { ordered: false }, steps: [] });
    expect(parsed).toEqual({ ok: false, error: expect.stringContaining('"knobs"') });
    expect(parseWorkload({ knobs: { ordered: false }, steps: [{ fault: 'enospc' }] })).toEqual({ ok: true, workload: { options: {}, knobs: { ordered: false }, steps: [{ fault: 'enospc' }] } });
  });

  it('every step kind is described in words, under the spec names', () => {
    const steps: WorkloadStep[] = [
      { tx: ['a'] },
      { tx: ['a'], abort: true },
      { readOnly: true },
      { flush: true },
      { fsync: true },
      { checkpointMarker: true },
      { truncateUpTo: 'lastCommit' },
      { snapshot: 'lastCommit' },
      { snapshot: 'lastCommit', retain: { snapshots: 2 } },
      { recover: true },
      { fault: 'fsync-eio' },
      { crash: 3 },
      { crash: 3, duringRecovery: { afterOps: 2, crash: 4 } },
    ];
    const lines = steps.map(describeStep);
    expect(new Set(lines).size).toBe(steps.length);
    expect(lines.every((line) => line.length > 0 && !line.includes('{'))).toBe(true);
  });

  it('a step naming an action under both its former and its new key is refused', () => {
    const parsed = parseWorkload({ steps: [{ fsync: true, forceFsync: true }] });
    expect(parsed.ok).toBe(false);
  });

  it('a workload written with the former keys explores exactly as one with the new keys', async () => {
    const steps = (fsync: WorkloadStep, marker: WorkloadStep, recover: WorkloadStep): WorkloadStep[] => [{ tx: ['a'] }, { flush: true }, fsync, marker, recover, { tx: ['b'] }, { flush: true }];
    const a = await explore(workload(steps({ forceFsync: true }, { checkpoint: true }, { reopen: true })));
    const b = await explore(workload(steps({ fsync: true }, { checkpointMarker: true }, { recover: true })));
    expect(violationText(a)).toBe('');
    expect([a.crashStates, a.operations, a.distinctRecoveredPrefixes]).toEqual([b.crashStates, b.operations, b.distinctRecoveredPrefixes]);
    expect(a.steps.map((s) => s.description)).toEqual(b.steps.map((s) => s.description));
  });
});
