import type { AsyncCommand } from 'fast-check';
import { expect } from 'vitest';
import { Commit, recorderPoisoned } from '../../model/index.js';
import { attempt, expected, expectSameObservables, segmentNames, type ModelBox, type RealBox } from './world.js';

/**
 * recorder.commit(): "yes" with three LSNs for a non-empty buffer, "no" and nothing at all for an
 * empty one. Whether begin() rotated is read off the directory (a new segment file appeared) and
 * handed to the model, which has no segment sizes.
 */
export class CommitCommand implements AsyncCommand<ModelBox, RealBox> {
  /** The misuse variant commits without an armed query (and only then). */
  constructor(readonly misuse = false) {}

  check(m: Readonly<ModelBox>): boolean {
    const unarmed = !m.state.recorder.armed && recorderPoisoned(m.state) === null;
    return m.state.down === null && unarmed === this.misuse;
  }

  async run(m: ModelBox, r: RealBox): Promise<void> {
    const before = segmentNames(r);
    const observed = await attempt(() => r.recorder.commit());
    const rotated = segmentNames(r).some((name) => !before.includes(name));
    const step = Commit(m.state, { rotated });
    if (!step.enabled) throw new Error(`commit: the real WAL did what the model cannot: ${step.reason}`);
    expect(observed, 'commit()').toEqual(expected(step.outcome, (value) => value.wrote));
    m.state = step.state;
    expectSameObservables(m.state, r, this.toString());
  }

  toString(): string {
    return this.misuse ? 'commit(misuse)' : 'commit';
  }
}
