// Workload step keys are the spec's action names; the former keys stay accepted as aliases.
import { describe, expect, it } from 'vitest';
import { describeStep, FORMER_STEP_KEYS, parseWorkload, specStep, type WorkloadStep } from '../../oracle/explore/workload.js';
import { explore, violationText, workload } from './helpers.js';

describe('workload steps under the spec names', () => {
  it('the former keys forceFsync, checkpoint and reopen are read as fsync, checkpointMarker and recover', () => {
    const parsed = parseWorkload({ steps: [{ tx: ['a'] }, { forceFsync: true }, { checkpoint: true }, { reopen: true }] });
    expect(parsed).toEqual({ ok: true, workload: { options: {}, fault: {}, steps: [{ tx: ['a'] }, { fsync: true }, { checkpointMarker: true }, { recover: true }] } });
    expect(Object.values(FORMER_STEP_KEYS)).toEqual(['fsync', 'checkpointMarker', 'recover']);
    expect(specStep({ reopen: true })).toEqual({ recover: true });
    expect(describeStep({ forceFsync: true })).toBe('{"fsync":true}');
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
