import type { AsyncCommand } from 'fast-check';
import { expect } from 'vitest';
import { CheckpointMarker, type ModelState } from '../../model/index.js';
import { attempt, expected, expectSameObservables, type ModelBox, type RealBox } from './world.js';

/**
 * The snapshot LSNs a careful host may record: a commit boundary that is durable (so a crash never
 * loses what the snapshot covers) and not below its previous snapshot or marker.
 */
export function snapshotCandidates(state: ModelState): number[] {
  const floor = Math.max(state.lastSnapshotLsn ?? 0, state.checkpointLsn);
  const durable = state.committed.map((tx) => tx.commitLsn).filter((lsn) => lsn > floor && lsn <= state.durableLsn);
  return [floor, ...durable];
}

/** wal.checkpointMarker(snapshot): the command's number picks which candidate the host snapshotted. */
export class CheckpointCommand implements AsyncCommand<ModelBox, RealBox> {
  constructor(readonly pick: number) {}

  check(m: Readonly<ModelBox>): boolean {
    return m.state.down === null;
  }

  async run(m: ModelBox, r: RealBox): Promise<void> {
    const candidates = snapshotCandidates(m.state);
    const snapshotLsn = candidates[this.pick % candidates.length] ?? 0;
    const step = CheckpointMarker(m.state, snapshotLsn);
    if (!step.enabled) throw new Error(step.reason);
    const observed = await attempt(() => r.wal.checkpointMarker(snapshotLsn));
    expect(observed, `checkpointMarker(${snapshotLsn})`).toEqual(expected(step.outcome, (lsn) => lsn));
    m.state = step.state;
    expectSameObservables(m.state, r, this.toString());
  }

  toString(): string {
    return `checkpoint(${this.pick})`;
  }
}
