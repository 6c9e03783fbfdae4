import type { AsyncCommand } from 'fast-check';
import { expect } from 'vitest';
import { Arm, Commit, Flush, Record, recorderPoisoned } from '../../model/index.js';
import { attempt, encoder, expected, expectSameObservables, segmentNames, takeEvent, type ModelBox, type RealBox } from './world.js';

/**
 * One host query as lora's database runs it: arm, record each event, commit, and flush when the
 * commit wrote something. Compared with the model after every call, like the single commands.
 */
export class TransactionCommand implements AsyncCommand<ModelBox, RealBox> {
  constructor(readonly eventCount: number) {}

  check(m: Readonly<ModelBox>): boolean {
    return m.state.down === null && !m.state.recorder.armed && recorderPoisoned(m.state) === null;
  }

  async run(m: ModelBox, r: RealBox): Promise<void> {
    const armed = Arm(m.state);
    if (!armed.enabled) throw new Error(armed.reason);
    expect(await attempt(() => r.recorder.arm()), 'arm()').toEqual(expected(armed.outcome, () => undefined));
    m.state = armed.state;
    for (let i = 0; i < this.eventCount; i++) {
      const event = takeEvent(m, 'q');
      const recorded = Record(m.state, event);
      if (!recorded.enabled) throw new Error(recorded.reason);
      r.recorder.record(encoder.encode(event));
      m.state = recorded.state;
    }
    const before = segmentNames(r);
    const observed = await attempt(() => r.recorder.commit());
    const committed = Commit(m.state, { rotated: segmentNames(r).some((name) => !before.includes(name)) });
    if (!committed.enabled) throw new Error(`commit: the real WAL did what the model cannot: ${committed.reason}`);
    expect(observed, 'commit()').toEqual(expected(committed.outcome, (value) => value.wrote));
    m.state = committed.state;
    if (committed.outcome.ok && committed.outcome.value.wrote === 'yes') {
      const flushed = Flush(m.state, 'recorder');
      if (!flushed.enabled) throw new Error(flushed.reason);
      expect(await attempt(() => r.recorder.flush()), 'flush()').toEqual(expected(flushed.outcome, () => undefined));
      m.state = flushed.state;
    }
    expectSameObservables(m.state, r, this.toString());
  }

  toString(): string {
    return `transaction(${this.eventCount})`;
  }
}
