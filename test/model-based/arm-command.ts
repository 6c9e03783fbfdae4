import type { AsyncCommand } from 'fast-check';
import { expect } from 'vitest';
import { Arm } from '../../model/index.js';
import { attempt, expected, expectSameObservables, type ModelBox, type RealBox } from './world.js';

/** recorder.arm(): also generated while armed or poisoned, to check both refusals. */
export class ArmCommand implements AsyncCommand<ModelBox, RealBox> {
  check(m: Readonly<ModelBox>): boolean {
    return Arm(m.state).enabled;
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
    return 'arm';
  }
}
