import type { AsyncCommand } from 'fast-check';
import { Reopen } from '../../model/index.js';
import { recoverAndCompare } from './recovery-check.js';
import { segmentFloorLsn } from './segment-floor.js';
import type { ModelBox, RealBox } from './world.js';

/**
 * close() then openWal() on the same file system, no crash. A healthy close makes everything
 * durable; a poisoned one writes nothing more, and what was written stays in the page cache.
 */
export class ReopenCommand implements AsyncCommand<ModelBox, RealBox> {
  check(m: Readonly<ModelBox>): boolean {
    return m.state.down === null;
  }

  async run(m: ModelBox, r: RealBox): Promise<void> {
    const keptCount = m.state.walPoisoned === null ? m.state.log.length : m.state.writtenCount;
    const step = Reopen(m.state, { keptCount, floorLsn: segmentFloorLsn(r.fs, r.dir) });
    if (!step.enabled) throw new Error(step.reason);
    await r.wal.close();
    await recoverAndCompare(m, r, step.state, this.toString());
  }

  toString(): string {
    return 'reopen';
  }
}
