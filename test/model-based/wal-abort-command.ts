import type { AsyncCommand } from 'fast-check';
import { expect } from 'vitest';
import { WalAbort } from '../../model/index.js';
import { attempt, encoder, expected, expectSameObservables, segmentNames, takeEvent, type ModelBox, type RealBox } from './world.js';

/** wal.begin + appendBatch + abort: a transaction in the log that replay must drop. */
export class WalAbortCommand implements AsyncCommand<ModelBox, RealBox> {
  constructor(readonly eventCount: number) {}

  check(m: Readonly<ModelBox>): boolean {
    return m.state.down === null;
  }

  async run(m: ModelBox, r: RealBox): Promise<void> {
    const events = Array.from({ length: this.eventCount }, () => takeEvent(m, 'x'));
    const before = segmentNames(r);
    const observed = await attempt(async () => {
      const beginLsn = await r.wal.begin();
      await r.wal.appendBatch(beginLsn, events.map((e) => encoder.encode(e)));
      const abortLsn = await r.wal.abort(beginLsn);
      return { beginLsn, abortLsn };
    });
    const rotated = segmentNames(r).some((name) => !before.includes(name));
    const step = WalAbort(m.state, events, { rotated });
    if (!step.enabled) throw new Error(step.reason);
    expect(observed, 'begin/appendBatch/abort').toEqual(expected(step.outcome, (value) => value));
    m.state = step.state;
    expectSameObservables(m.state, r, this.toString());
  }

  toString(): string {
    return `walAbort(${this.eventCount})`;
  }
}
