import type { AsyncCommand } from 'fast-check';
import { expect } from 'vitest';
import { TruncateUpTo, type ModelState } from '../../model/index.js';
import { attempt, expected, expectSameObservables, type ModelBox, type RealBox } from './world.js';

/** The fences a host may truncate up to: commit boundaries its snapshot covers, and the snapshot. */
export function fenceCandidates(state: ModelState): number[] {
  const covered = state.committed.map((tx) => tx.commitLsn).filter((lsn) => lsn <= state.snapshotLsn);
  return [...covered, state.snapshotLsn];
}

/** truncateUpTo(fence): drops sealed segments at or below a fence the host's snapshot covers. */
export class TruncateCommand implements AsyncCommand<ModelBox, RealBox> {
  /** Picks the fence among the candidates, counting back from the snapshot. */
  constructor(readonly pick = 0) {}

  check(m: Readonly<ModelBox>): boolean {
    return TruncateUpTo(m.state, m.state.snapshotLsn).enabled;
  }

  async run(m: ModelBox, r: RealBox): Promise<void> {
    const candidates = fenceCandidates(m.state);
    const fenceLsn = candidates[candidates.length - 1 - (this.pick % candidates.length)] ?? 0;
    const step = TruncateUpTo(m.state, fenceLsn);
    if (!step.enabled) throw new Error(step.reason);
    const observed = await attempt(() => r.wal.truncateUpTo(fenceLsn));
    expect(observed, `truncateUpTo(${fenceLsn})`).toEqual(expected(step.outcome, () => undefined));
    m.state = step.state;
    expectSameObservables(m.state, r, this.toString());
  }

  toString(): string {
    return this.pick === 0 ? 'truncateUpTo(snapshot)' : `truncateUpTo(pick ${this.pick})`;
  }
}
