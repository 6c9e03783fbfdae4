import type { AsyncCommand } from 'fast-check';
import { Close } from '../../model/index.js';
import { recoverAndCompare } from './recovery-check.js';
import { segmentFloorLsn } from './segment-floor.js';
import type { ModelBox, RealBox } from './world.js';

/**
 * The workload step "recover": close() (the model's Close) then openWal() (Recover) on the same
 * file system, no crash. A healthy close makes everything durable; a poisoned one writes nothing
 * more, and what was written stays in the page cache.
 */
export class RecoverCommand implements AsyncCommand<ModelBox, RealBox> {
  check(m: Readonly<ModelBox>): boolean {
    return m.state.down === null;
  }

  async run(m: ModelBox, r: RealBox): Promise<void> {
    const keptCount = m.state.walPoisoned === null ? m.state.log.length : m.state.writtenCount;
    const step = Close(m.state, { keptCount, floorLsn: segmentFloorLsn(r.fs, r.dir) });
    if (!step.enabled) throw new Error(step.reason);
    await r.wal.close();
    await recoverAndCompare(m, r, step.state, this.toString());
  }

  toString(): string {
    return 'recover';
  }
}
