// Runs the quarantine of a point-in-time cut (src/core/policy-repair.ts): the cut part of the
// damaged segment is copied to its .cut file (read back a chunk at a time) and made durable, then
// the later segments are renamed aside. The damaged segment itself is cut by the recovery plan
// that follows. Nothing is deleted: the .cut files keep every byte the cut removed from the log.

import type { CutQuarantine } from './core/policy-repair.js';
import type { EffectRunner } from './effect-runner.js';
import { READ_CHUNK_BYTES } from './log-reader.js';

/** The parts of a CutQuarantine that this module runs (the summary is the recovery plan's). */
export type QuarantineSteps = Pick<CutQuarantine, 'tail' | 'effects'>;

export async function quarantineCut(runner: EffectRunner, quarantine: QuarantineSteps): Promise<void> {
  const { from, offsetBytes, to } = quarantine.tail;
  const source = runner.handle(from);
  const sizeBytes = source.sizeBytes();
  runner.runNow({ kind: 'create', file: to });
  for (let at = offsetBytes; at < sizeBytes; at += READ_CHUNK_BYTES) {
    const data = await source.read(at, Math.min(READ_CHUNK_BYTES, sizeBytes - at));
    runner.runNow({ kind: 'write', file: to, offsetBytes: at - offsetBytes, data });
  }
  await runner.run({ kind: 'fsync', file: to });
  await runner.run({ kind: 'fsyncDir' });
  runner.release(to);
  for (const effect of quarantine.effects) await runner.run(effect);
}
