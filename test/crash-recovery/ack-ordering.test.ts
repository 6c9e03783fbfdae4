// The ordering rule, read off the simulator's op log: the durable LSN the WAL acknowledges (probed
// at every file-system operation) never exceeds what fsyncs that already returned OK cover. A
// frame is covered by an fsync of its file issued after the write that placed it.
import { describe, expect, it } from 'vitest';
import { buildLayout } from '../../oracle/explore/layout.js';
import { runWorkload, type WorkloadRun } from '../../oracle/explore/run-workload.js';
import { splitPath } from '../../crash-sim/sim-paths.js';
import type { OpenWalLike } from '../../oracle/explore/wal-api.js';
import type { WorkloadStep } from '../../oracle/explore/workload.js';
import { realOpenWal, workload } from './helpers.js';
import { wrapFs } from '../crash-sim/wrap-fs.js';

/** Each op whose probed durable LSN is above what completed fsyncs cover, as "op N: acked X > covered Y". */
function acksAhead(run: WorkloadRun): string[] {
  const layout = buildLayout(run.history, run.log);
  const problems: string[] = [];
  let covered = 0;
  for (const op of run.log) {
    if (op.durableLsnProbe !== null && op.durableLsnProbe > covered) problems.push(`op ${op.index}: acknowledged ${op.durableLsnProbe} > covered ${covered}`);
    if (op.kind === 'crash') covered = 0;
    if (op.kind !== 'fsync' || op.errno !== null) continue;
    for (const placements of layout.byFile.get(splitPath(op.path).name)?.values() ?? []) {
      for (const p of placements) if (p.kind === 'frame' && p.opIndex < op.index) covered = Math.max(covered, p.record.lsn);
    }
  }
  return problems;
}

const steps: WorkloadStep[] = [
  { tx: ['a'] },
  { flush: true },
  { tx: ['b'] },
  { tx: ['c'] },
  { flush: true },
  { checkpointMarker: true },
  { fsync: true },
  { tx: ['d'] },
  { flush: true },
  { recover: true },
  { tx: ['e'] },
  { flush: true },
];

describe('acknowledgements follow the fsyncs that cover them', () => {
  it('the real WAL never acknowledges a durable LSN before an fsync covering it returned', async () => {
    for (const sync of [{ mode: 'per-commit' as const }, { mode: 'none' as const }, { mode: 'group' as const, intervalMs: 3_600_000, maxCommits: 2 }]) {
      const run = await runWorkload(workload(steps, {}, { sync, segmentTargetBytes: 150 }), realOpenWal);
      expect(run.history.steps.every((s) => s.ok)).toBe(true);
      expect(acksAhead(run)).toEqual([]);
    }
  });

  it('a WAL whose fdatasync returns before syncing is caught acknowledging early', async () => {
    let deferred: (() => void) | null = null;
    const early: OpenWalLike = (dir, options) =>
      realOpenWal(dir, {
        ...options,
        fs: wrapFs(options.fs, {
          before: () => {
            const run = deferred;
            deferred = null;
            run?.();
          },
          datasync: (handle) => {
            deferred = () => void handle.datasync().catch(() => undefined);
            return Promise.resolve();
          },
        }),
      });
    const run = await runWorkload(workload(steps), early);
    expect(acksAhead(run).length).toBeGreaterThan(0);
  });
});
