import type { AsyncCommand } from 'fast-check';
import { Record, recorderPoisoned } from '../../model/index.js';
import { encoder, expectSameObservables, takeEvent, type ModelBox, type RealBox } from './world.js';

/**
 * recorder.record(event): outside an armed query it poisons (the misuse variant, which only runs
 * there); when poisoned it does nothing.
 */
export class RecordCommand implements AsyncCommand<ModelBox, RealBox> {
  constructor(
    readonly label: string,
    readonly misuse = false,
  ) {}

  check(m: Readonly<ModelBox>): boolean {
    const outside = !m.state.recorder.armed && recorderPoisoned(m.state) === null;
    return m.state.down === null && outside === this.misuse;
  }

  async run(m: ModelBox, r: RealBox): Promise<void> {
    const event = takeEvent(m, this.label);
    const step = Record(m.state, event);
    if (!step.enabled) throw new Error(step.reason);
    r.recorder.record(encoder.encode(event));
    m.state = step.state;
    expectSameObservables(m.state, r, this.toString());
  }

  toString(): string {
    return `record(${JSON.stringify(this.label)}${this.misuse ? ', misuse' : ''})`;
  }
}
