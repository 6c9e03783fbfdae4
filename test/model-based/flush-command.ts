import type { AsyncCommand } from 'fast-check';
import { expect } from 'vitest';
import { Flush, type Caller } from '../../model/index.js';
import { attempt, expected, expectSameObservables, type ModelBox, type RealBox } from './world.js';

/** flush() through the recorder or the Wal, per the sync policy. */
export class FlushCommand implements AsyncCommand<ModelBox, RealBox> {
  constructor(readonly caller: Caller) {}

  check(m: Readonly<ModelBox>): boolean {
    return Flush(m.state, this.caller).enabled;
  }

  async run(m: ModelBox, r: RealBox): Promise<void> {
    const step = Flush(m.state, this.caller);
    if (!step.enabled) throw new Error(step.reason);
    const observed = await attempt(() => (this.caller === 'recorder' ? r.recorder.flush() : r.wal.flush()));
    expect(observed, this.toString()).toEqual(expected(step.outcome, () => undefined));
    m.state = step.state;
    expectSameObservables(m.state, r, this.toString());
  }

  toString(): string {
    return `${this.caller}.flush`;
  }
}
