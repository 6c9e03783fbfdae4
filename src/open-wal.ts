// openWal: lock the directory, replay every segment, repair the active segment (repair-active-
// segment.ts says how and why), and hand back a Wal that continues where the log ends. After open
// every record in the log is durable, so durableLsn = nextLsn - 1.

import { WalError } from './core/errors.js';
import type { ReplayedTransaction } from './core/records.js';
import type { ReplayOutcome, ReplaySummary } from './core/replay.js';
import { initialWriterState, type SealedSegment, type WriterStart } from './core/writer-state.js';
import { EffectRunner } from './effect-runner.js';
import { sweepLog } from './log-reader.js';
import { repairActiveSegment } from './repair-active-segment.js';
import { nodeFileSystem } from './fs/node-fs.js';
import { FsError, type DirectoryLock } from './fs/port.js';
import { ndjsonFileTraceSink } from './fs/trace-file-sink.js';
import { resolveOptions, type WalOptions } from './options.js';
import { Wal } from './wal.js';

export interface OpenedWal {
  readonly wal: Wal;
  readonly replay: ReplayOutcome;
}

function ioError(error: unknown): never {
  if (error instanceof FsError) throw new WalError({ code: 'IoError', op: error.op, path: error.path, errno: error.errno });
  throw error;
}

export async function openWal(dir: string, options?: WalOptions): Promise<OpenedWal> {
  const resolved = resolveOptions(options);
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new WalError({ code: 'InvalidArgument', argument: 'dir', detail: 'must be a non-empty path' });
  }
  const fileSystem = resolved.fs ?? nodeFileSystem;
  const tracePath = process.env['WALREF_TRACE'];
  const trace = resolved.trace ?? (tracePath !== undefined && tracePath !== '' ? ndjsonFileTraceSink(tracePath) : null);

  try {
    fileSystem.mkdirp(dir);
  } catch (error) {
    ioError(error);
  }
  let lock: DirectoryLock;
  try {
    lock = fileSystem.lockDirectory(dir);
  } catch (error) {
    if (error instanceof FsError && error.errno === 'ELOCKED') throw new WalError({ code: 'AlreadyOpen', dir });
    return ioError(error);
  }

  const runner = new EffectRunner(fileSystem, dir);
  try {
    const transactions: ReplayedTransaction[] = [];
    const deliver = resolved.onTransaction ?? ((t: ReplayedTransaction) => void transactions.push(t));
    const sweep = sweepLog(fileSystem, dir, { checkpointLsn: resolved.checkpointLsn });
    let step = sweep.next();
    for (; step.done !== true; step = sweep.next()) deliver(step.value);
    const summary: ReplaySummary = step.value;
    const outcome: ReplayOutcome = { ...summary, transactions };

    // The next LSN must be above every LSN that survived, above the host's snapshot, and above
    // every LSN a segment header says was allocated before it: a segment created at base LSN b
    // may have lost every frame in a crash (and an earlier recovery may have cut off the frames
    // that held LSNs just below b), and writing LSNs below b into it would make the log malformed.
    const allocatedBelowBase = outcome.segments.reduce((max, segment) => Math.max(max, segment.baseLsn - 1), 0);
    const maxLsnOnDisk = Math.max(outcome.maxLsn, resolved.checkpointLsn, allocatedBelowBase);
    let active: WriterStart['active'];
    try {
      active = repairActiveSegment(runner, summary, maxLsnOnDisk + 1);
    } catch (error) {
      return ioError(error);
    }

    const sealed: SealedSegment[] = outcome.segments
      .slice(0, -1)
      .map((s) => ({ id: s.id, name: s.name, baseLsn: s.baseLsn, lastLsn: s.lastLsn }));
    const state = initialWriterState({
      config: { syncMode: resolved.syncMode, segmentTargetBytes: resolved.segmentTargetBytes, maxCommits: resolved.maxCommits },
      active,
      sealed,
      maxLsnOnDisk,
      durableLsn: maxLsnOnDisk,
      lastCheckpointLsn: outcome.checkpointObserved,
    });
    const wal = new Wal({ dir, state, runner, lock, intervalMs: resolved.intervalMs, trace });
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
