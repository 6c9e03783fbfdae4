import type { AsyncCommand } from 'fast-check';
import { expect } from 'vitest';
import { Abort } from '../../model/index.js';
import { attempt, expected, expectSameObservables, type ModelBox, type RealBox } from './world.js';

/** recorder.abort(): drops the buffer, writes nothing, says whether events were recorded. */
export class AbortCommand implements AsyncCommand<ModelBox, RealBox> {
  check(m: Readonly<ModelBox>): boolean {
    return m.state.down === null;
  }

  async run(m: ModelBox, r: RealBox): Promise<void> {
    const step = Abort(m.state);
    if (!step.enabled) throw new Error(step.reason);
    const observed = await attempt(() => r.recorder.abort());
    expect(observed, 'abort()').toEqual(expected(step.outcome, (value) => value));
    m.state = step.state;
    expectSameObservables(m.state, r, this.toString());
  }

  toString(): string {
    return 'abort';
  }
}
