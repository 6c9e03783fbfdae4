import type { AsyncCommand } from 'fast-check';
import { expect } from 'vitest';
import { TruncateUpTo } from '../../model/index.js';
import { attempt, expected, expectSameObservables, type ModelBox, type RealBox } from './world.js';

/** truncateUpTo(the host's snapshot LSN): drops sealed segments the snapshot covers. */
export class TruncateCommand implements AsyncCommand<ModelBox, RealBox> {
  check(m: Readonly<ModelBox>): boolean {
    return TruncateUpTo(m.state, m.state.snapshotLsn).enabled;
  }

  async run(m: ModelBox, r: RealBox): Promise<void> {
    const fenceLsn = m.state.snapshotLsn;
    const step = TruncateUpTo(m.state, fenceLsn);
    if (!step.enabled) throw new Error(step.reason);
    const observed = await attempt(() => r.wal.truncateUpTo(fenceLsn));
    expect(observed, `truncateUpTo(${fenceLsn})`).toEqual(expected(step.outcome, () => undefined));
    m.state = step.state;
    expectSameObservables(m.state, r, this.toString());
  }

  toString(): string {
    return 'truncateUpTo(snapshot)';
  }
}
