import type { AsyncCommand } from 'fast-check';
import { expect } from 'vitest';
import { FsyncFail, type Caller, type SyncingCall } from '../../model/index.js';
import { describeCall, runSyncingCall } from './fault-call.js';
import { expected, expectSameObservables, type ModelBox, type RealBox } from './world.js';

/** The next fsync fails with EIO (crash-sim drops nothing, but the pages are in limbo for good). */
export class FsyncFaultCommand implements AsyncCommand<ModelBox, RealBox> {
  constructor(
    readonly call: SyncingCall,
    readonly caller: Caller,
  ) {}

  check(m: Readonly<ModelBox>): boolean {
    return FsyncFail(m.state, this.call, this.caller).enabled;
  }

  async run(m: ModelBox, r: RealBox): Promise<void> {
    const sim = r.sim;
    if (sim === null) throw new Error('faults need the simulated file system');
    const step = FsyncFail(m.state, this.call, this.caller);
    if (!step.enabled) throw new Error(step.reason);
    sim.failNextFsync('EIO');
    const observed = await runSyncingCall(r, this.call, this.caller);
    const struck = !sim.pendingFaults().fsync;
    sim.clearFaults();
    expect(struck, `${this.toString()}: the call ran an fsync`).toBe(true);
    expect(observed, this.toString()).toEqual(expected(step.outcome, () => undefined));
    m.state = step.state;
    expectSameObservables(m.state, r, this.toString());
  }

  toString(): string {
    return `fsyncEIO(${describeCall(this.call, this.caller)})`;
  }
}
