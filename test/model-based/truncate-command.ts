import type { AsyncCommand } from 'fast-check';
import { expect } from 'vitest';
import { TruncateUpTo, type ModelState } from '../../model/index.js';
import { attempt, expected, expectSameObservables, type ModelBox, type RealBox } from './world.js';

/** The LSNs a host may truncate up to: commit boundaries its snapshot covers, and its checkpoint LSN. */
export function upToCandidates(state: ModelState): number[] {
  const covered = state.committed.map((tx) => tx.commitLsn).filter((lsn) => lsn <= state.checkpointLsn);
  return [...covered, state.checkpointLsn];
}

/** truncateUpTo(upToLsn): drops sealed segments at or below an LSN the host's snapshot covers. */
export class TruncateCommand implements AsyncCommand<ModelBox, RealBox> {
  /** Picks the LSN among the candidates, counting back from the checkpoint LSN. */
  constructor(readonly pick = 0) {}

  check(m: Readonly<ModelBox>): boolean {
    return TruncateUpTo(m.state, m.state.checkpointLsn).enabled;
  }

  async run(m: ModelBox, r: RealBox): Promise<void> {
    const candidates = upToCandidates(m.state);
    const upToLsn = candidates[candidates.length - 1 - (this.pick % candidates.length)] ?? 0;
    const step = TruncateUpTo(m.state, upToLsn);
    if (!step.enabled) throw new Error(step.reason);
    const observed = await attempt(() => r.wal.truncateUpTo(upToLsn));
    expect(observed, `truncateUpTo(${upToLsn})`).toEqual(expected(step.outcome, () => undefined));
    m.state = step.state;
    expectSameObservables(m.state, r, this.toString());
  }

  toString(): string {
    return this.pick === 0 ? 'truncateUpTo(snapshot)' : `truncateUpTo(pick ${this.pick})`;
  }
}
