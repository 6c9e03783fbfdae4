// The demo's workload, and how `walref demo` plays it on the real disk: through the one workload
// interpreter (oracle/explore/run-workload.ts) on the real FileSystem, so the log `walref demo`
// dumps is the log whose crash states it then explores, step for step.
//
// The workload is chosen to show something in every part of the demo: a committed transaction, an
// aborted one (written with the low-level API, so replay has a TxAbort to drop), a checkpoint
// through the MANIFEST (which writes a checkpoint marker; its retention keeps every segment, so
// the dump shows them all), a rotation to a second segment (segmentTargetBytes is small), a read-only query that
// writes nothing, and a last commit whose flush is the final operation, so some crash states fall
// between that flush's write and its fsync: a crash mid-flush.

import { playWorkload } from '../oracle/explore/run-workload.js';
import type { OpenWalLike } from '../oracle/explore/wal-api.js';
import { realDisk } from '../oracle/explore/workload-disk.js';
import type { Workload } from '../oracle/explore/workload.js';
import type { TraceSink } from '../src/core/trace.js';
import { nodeFileSystem } from '../src/fs/node-fs.js';
import { openWal } from '../src/open-wal.js';

export const DEMO_WORKLOAD: Workload = {
  options: { segmentTargetBytes: 200, sync: { mode: 'per-commit' } },
  knobs: { sectorBytes: 64, ordered: true, safeAppend: true, dirSync: true },
  steps: [
    { tx: ['alice +10', 'bob -10'] },
    { flush: true },
    { tx: ['carol +5'], abort: true },
    { tx: ['dave +7'] },
    { flush: true },
    { snapshot: 'lastCommit', retain: { snapshots: 1, segmentsBehindSnapshot: 2 } },
    { tx: ['erin +3', 'frank -3'] },
    { flush: true },
    { readOnly: true },
    { tx: ['grace +1', 'heidi -1', 'ivan +2'] },
    { flush: true },
  ],
};

/**
 * Plays `workload` in `dir` on the real disk, sending every action to `trace`. Faults and crashes
 * cannot be scheduled on a real disk: a step that asks for one fails, and so does the run.
 */
export async function runOnDisk(workload: Workload, dir: string, trace: TraceSink): Promise<void> {
  const traced: OpenWalLike = (walDir, options) => openWal(walDir, { ...options, trace });
  const { history } = await playWorkload(workload, traced, realDisk(nodeFileSystem), dir);
  const failed = history.steps.find((step) => !step.ok);
  if (failed !== undefined) throw new Error(`step ${failed.index} (${failed.description}) failed on the real disk: ${failed.error ?? 'unknown error'}`);
}
