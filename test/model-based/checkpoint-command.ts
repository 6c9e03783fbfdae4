import type { AsyncCommand } from 'fast-check';
import { expect } from 'vitest';
import { CheckpointMarker, type ModelState } from '../../model/index.js';
import { attempt, expected, expectSameObservables, type ModelBox, type RealBox } from './world.js';

/**
 * The host's snapshot covers the newest durable commit (never less than an earlier snapshot), and
 * it records the marker: what a careful host does, so the fence never covers records a crash loses.
 */
export function snapshotCandidate(state: ModelState): number {
  const durable = state.committed.filter((tx) => tx.commitLsn <= state.durableLsn).map((tx) => tx.commitLsn);
  return Math.max(state.lastCheckpointLsn ?? 0, state.snapshotLsn, ...durable);
}

export class CheckpointCommand implements AsyncCommand<ModelBox, RealBox> {
  check(m: Readonly<ModelBox>): boolean {
    return m.state.down === null;
  }

  async run(m: ModelBox, r: RealBox): Promise<void> {
    const snapshotLsn = snapshotCandidate(m.state);
    const step = CheckpointMarker(m.state, snapshotLsn);
    if (!step.enabled) throw new Error(step.reason);
    const observed = await attempt(() => r.wal.checkpointMarker(snapshotLsn));
    expect(observed, `checkpointMarker(${snapshotLsn})`).toEqual(expected(step.outcome, (lsn) => lsn));
    m.state = step.state;
    expectSameObservables(m.state, r, this.toString());
  }

  toString(): string {
    return 'checkpoint';
  }
}
