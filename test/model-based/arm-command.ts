import type { AsyncCommand } from 'fast-check';
import { expect } from 'vitest';
import { Arm, recorderPoisoned } from '../../model/index.js';
import { attempt, expected, expectSameObservables, type ModelBox, type RealBox } from './world.js';

/**
 * recorder.arm(). The misuse variant only runs while armed or poisoned, to check both refusals;
 * the ordinary one only when a host would call it, so most runs are not poisoned at once.
 */
export class ArmCommand implements AsyncCommand<ModelBox, RealBox> {
  constructor(readonly misuse = false) {}

  check(m: Readonly<ModelBox>): boolean {
    const refused = m.state.recorder.armed || recorderPoisoned(m.state) !== null;
    return Arm(m.state).enabled && refused === this.misuse;
  }

  async run(m: ModelBox, r: RealBox): Promise<void> {
    const step = Arm(m.state);
    if (!step.enabled) throw new Error(step.reason);
    const observed = await attempt(() => r.recorder.arm());
    expect(observed, 'arm()').toEqual(expected(step.outcome, () => undefined));
    m.state = step.state;
    expectSameObservables(m.state, r, this.toString());
  }

  toString(): string {
    return this.misuse ? 'arm(misuse)' : 'arm';
  }
}
