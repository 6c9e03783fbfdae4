import type { AsyncCommand } from 'fast-check';
import { vi } from 'vitest';
import { Fsync } from '../../model/index.js';
import { expectSameObservables, GROUP_INTERVAL_MS, type ModelBox, type RealBox } from './world.js';

/**
 * The spec's Fsync by the group policy's background flusher, run once: fake interval timers are advanced by one
 * interval, so the flusher runs exactly when the command says and never on its own.
 */
export class GroupSyncCommand implements AsyncCommand<ModelBox, RealBox> {
  check(m: Readonly<ModelBox>): boolean {
    return Fsync(m.state, 'flusher').enabled;
  }

  async run(m: ModelBox, r: RealBox): Promise<void> {
    const step = Fsync(m.state, 'flusher');
    if (!step.enabled) throw new Error(step.reason);
    vi.advanceTimersByTime(GROUP_INTERVAL_MS);
    await r.wal.idle();
    m.state = step.state;
    expectSameObservables(m.state, r, this.toString());
  }

  toString(): string {
    return 'groupSync';
  }
}
