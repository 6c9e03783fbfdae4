// openWal: lock the directory, replay every segment (read asynchronously, a chunk at a time), let
// the pure recovery plan (src/core/recovery-plan.ts) decide where the writer continues and what to
// repair, run the repair (repair-active-segment.ts), and hand back a Wal that continues where the
// log ends. After open every record in the log is durable, so durableLsn = nextLsn - 1.

import { WalError } from './core/errors.js';
import type { ReplayedTransaction } from './core/records.js';
import { planRecovery } from './core/recovery-plan.js';
import type { ReplayOutcome, ReplaySummary } from './core/replay.js';
import { initialWriterState } from './core/writer-state.js';
import { EffectRunner } from './effect-runner.js';
import { blockingNodeFileSystem, nodeFileSystem } from './fs/node-fs.js';
import { FsError, type DirectoryLock } from './fs/port.js';
import { ndjsonFileTraceSink } from './fs/trace-file-sink.js';
import { throwingWalErrors, walErrorFromFs } from './io-error.js';
import { listFreeFiles, sweepBatches } from './log-reader.js';
import { resolveOptions, writerConfigOf, type WalOptions } from './options.js';
import { repairActiveSegment } from './repair-active-segment.js';
import { Wal } from './wal.js';
import { deflaterFor } from './compression.js';

export interface OpenedWal {
  readonly wal: Wal;
  readonly replay: ReplayOutcome;
}

export async function openWal(dir: string, options?: WalOptions): Promise<OpenedWal> {
  const resolved = resolveOptions(options);
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new WalError({ code: 'InvalidArgument', argument: 'dir', detail: 'must be a non-empty path' });
  }
  const fileSystem = resolved.fs ?? (resolved.io === 'blocking' ? blockingNodeFileSystem : nodeFileSystem);
  const tracePath = process.env['WALREF_TRACE'];
  const trace = resolved.trace ?? (tracePath !== undefined && tracePath !== '' ? ndjsonFileTraceSink(tracePath) : null);

  let lock: DirectoryLock;
  try {
    fileSystem.mkdirp(dir);
    lock = await fileSystem.lockDirectory(dir);
  } catch (error) {
    if (error instanceof FsError && error.errno === 'ELOCKED') throw new WalError({ code: 'AlreadyOpen', dir });
    throw walErrorFromFs(error);
  }

  const runner = new EffectRunner(fileSystem, dir);
  try {
    const transactions: ReplayedTransaction[] = [];
    const deliver = resolved.onTransaction ?? ((t: ReplayedTransaction) => void transactions.push(t));
    const sweep = sweepBatches(fileSystem, dir, { checkpointLsn: resolved.checkpointLsn });
    let step = await sweep.next();
    for (; step.done !== true; step = await sweep.next()) for (const transaction of step.value) deliver(transaction);
    const summary: ReplaySummary = step.value;
    const outcome: ReplayOutcome = { ...summary, transactions };

    const freeFiles = throwingWalErrors(() => listFreeFiles(fileSystem, dir));
    const plan = planRecovery(summary, resolved.checkpointLsn, writerConfigOf(resolved), freeFiles);
    try {
      await repairActiveSegment(runner, plan);
    } catch (error) {
      throw walErrorFromFs(error);
    }
    const state = initialWriterState(plan.start);
    const wal = new Wal({ dir, state, runner, fs: fileSystem, lock, intervalMs: resolved.intervalMs, trace, deflater: deflaterFor(resolved) });
    if (trace !== null) {
      const decoder = new TextDecoder();
      trace({
        action: 'Recover',
        nextLsn: state.nextLsn,
        durableLsn: state.durableLsn,
        sync: resolved.syncMode,
        checkpointLsn: resolved.checkpointLsn,
        transactions: outcome.transactions.map((t) => ({ beginLsn: t.beginLsn, commitLsn: t.commitLsn, events: t.events.map((e) => decoder.decode(e)) })),
      });
    }
    return { wal, replay: outcome };
  } catch (error) {
    runner.closeAll();
    lock.release();
    throw error;
  }
}
