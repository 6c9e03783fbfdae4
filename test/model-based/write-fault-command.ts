import type { AsyncCommand } from 'fast-check';
import { expect } from 'vitest';
import { WriteFail, type Caller, type SyncingCall } from '../../model/index.js';
import type { PartialBytes } from '../../crash-sim/sim-fs.js';
import { describeCall, runSyncingCall } from './fault-call.js';
import { expected, expectSameObservables, type ModelBox, type RealBox } from './world.js';

/** The next write fails with ENOSPC after `partial` bytes, or returns short after them. */
export class WriteFaultCommand implements AsyncCommand<ModelBox, RealBox> {
  constructor(
    readonly fault: 'enospc' | 'short',
    readonly partial: PartialBytes,
    readonly call: SyncingCall,
    readonly caller: Caller,
  ) {}

  check(m: Readonly<ModelBox>): boolean {
    return WriteFail(m.state, this.call, this.caller).enabled;
  }

  async run(m: ModelBox, r: RealBox): Promise<void> {
    const sim = r.sim;
    if (sim === null) throw new Error('faults need the simulated file system');
    const step = WriteFail(m.state, this.call, this.caller);
    if (!step.enabled) throw new Error(step.reason);
    if (this.fault === 'enospc') sim.failNextWrite('ENOSPC', this.partial);
    else sim.shortNextWrite(this.partial);
    const observed = await runSyncingCall(r, this.call, this.caller);
    const struck = !sim.pendingFaults().write;
    sim.clearFaults();
    expect(struck, `${this.toString()}: the call ran a write`).toBe(true);
    expect(observed, this.toString()).toEqual(expected(step.outcome, () => undefined));
    m.state = step.state;
    expectSameObservables(m.state, r, this.toString());
  }

  toString(): string {
    return `${this.fault}(${String(this.partial)}, ${describeCall(this.call, this.caller)})`;
  }
}
