import type { AsyncCommand } from 'fast-check';
import { expect } from 'vitest';
import { Fsync, type Caller } from '../../model/index.js';
import { attempt, expected, expectSameObservables, type ModelBox, type RealBox } from './world.js';

/** The spec's Fsync asked for by the host, forceFsync(): writes, fsyncs and advances the durable LSN whatever the policy. */
export class ForceFsyncCommand implements AsyncCommand<ModelBox, RealBox> {
  constructor(readonly caller: Caller) {}

  check(m: Readonly<ModelBox>): boolean {
    return Fsync(m.state, this.caller).enabled;
  }

  async run(m: ModelBox, r: RealBox): Promise<void> {
    const step = Fsync(m.state, this.caller);
    if (!step.enabled) throw new Error(step.reason);
    const observed = await attempt(() => (this.caller === 'recorder' ? r.recorder.forceFsync() : r.wal.forceFsync()));
    expect(observed, this.toString()).toEqual(expected(step.outcome, () => undefined));
    m.state = step.state;
    expectSameObservables(m.state, r, this.toString());
  }

  toString(): string {
    return `${this.caller}.forceFsync`;
  }
}
