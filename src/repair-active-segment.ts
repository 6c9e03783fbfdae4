// Runs the repair that src/core/recovery-plan.ts decided, through the same EffectRunner as every
// other write: the effects before, the in-place rewrite of the active segment's whole frames (read
// back a chunk at a time, asynchronously, so a large segment neither blocks the event loop nor
// sits in memory whole), then the fsyncs. FsErrors propagate to the caller (openWal).

import type { RecoveryPlan } from './core/recovery-plan.js';
import type { EffectRunner } from './effect-runner.js';
import { READ_CHUNK_BYTES } from './log-reader.js';

/** The parts of a RecoveryPlan that the repair runs. */
export type RepairSteps = Pick<RecoveryPlan, 'before' | 'rewriteFile' | 'rewriteBytes' | 'after'>;

export async function repairActiveSegment(runner: EffectRunner, plan: RepairSteps): Promise<void> {
  for (const effect of plan.before) await runner.run(effect);
  const file = plan.rewriteFile;
  if (file !== null && plan.rewriteBytes > 0) {
    const handle = runner.handle(file);
    for (let offsetBytes = 0; offsetBytes < plan.rewriteBytes; offsetBytes += READ_CHUNK_BYTES) {
      const data = await handle.read(offsetBytes, Math.min(READ_CHUNK_BYTES, plan.rewriteBytes - offsetBytes));
      runner.runNow({ kind: 'write', file, offsetBytes, data });
    }
  }
  for (const effect of plan.after) await runner.run(effect);
}
