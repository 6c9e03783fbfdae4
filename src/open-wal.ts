// openWal: lock the directory, replay every segment, repair the active segment's tail, make what
// was replayed durable, and hand back a Wal that continues where the log ends.
//
// Repair is a short list of effects run through the same EffectRunner as every other write:
//   - no segment yet: create segment 1 with base LSN 1, fsync it, fsync the directory;
//   - a torn tail in the active segment: cut the file back to the last whole frame;
//   - a torn header (a crash while the segment was being created): rewrite the header;
// and in every case fsync the active segment and the directory, because what the previous
// process wrote may still sit in the page cache: after open, everything replayed is durable.

import type { Effect } from './core/effects.js';
import { WalError } from './core/errors.js';
import { FORMAT_VERSION, SEGMENT_HEADER_BYTES, segmentFileName } from './core/format.js';
import type { ReplayedTransaction } from './core/records.js';
import type { ReplayOutcome, ReplaySummary } from './core/replay.js';
import { encodeSegmentHeader } from './core/segment-header.js';
import { initialWriterState, type SealedSegment } from './core/writer-state.js';
import { EffectRunner } from './effect-runner.js';
import { sweepLog } from './log-reader.js';
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

    const intactLastLsn = outcome.segments.reduce((max, s) => Math.max(max, s.lastLsn ?? 0), 0);
    const maxLsnOnDisk = Math.max(outcome.maxLsn, resolved.checkpointLsn);
    const last = outcome.segments.at(-1);
    const effects: Effect[] = [];
    let active: { id: number; name: string; baseLsn: number; sizeBytes: number; hasRecords: boolean };

    if (last === undefined) {
      const name = segmentFileName(1);
      const baseLsn = maxLsnOnDisk + 1;
      effects.push(
        { kind: 'create', file: name },
        { kind: 'write', file: name, offsetBytes: 0, data: encodeSegmentHeader({ version: FORMAT_VERSION, segmentId: 1, baseLsn }) },
      );
      active = { id: 1, name, baseLsn, sizeBytes: SEGMENT_HEADER_BYTES, hasRecords: false };
    } else if (outcome.tornTail !== null && outcome.tornTail.headerTorn) {
      const baseLsn = maxLsnOnDisk + 1;
      const header = encodeSegmentHeader({ version: FORMAT_VERSION, segmentId: last.id, baseLsn });
      effects.push(
        { kind: 'truncate', file: last.name, sizeBytes: 0 },
        { kind: 'write', file: last.name, offsetBytes: 0, data: header },
      );
      active = { id: last.id, name: last.name, baseLsn, sizeBytes: SEGMENT_HEADER_BYTES, hasRecords: false };
    } else {
      if (outcome.tornTail !== null) effects.push({ kind: 'truncate', file: last.name, sizeBytes: outcome.tornTail.offsetBytes });
      active = { id: last.id, name: last.name, baseLsn: last.baseLsn, sizeBytes: last.validBytes, hasRecords: last.lastLsn !== null };
    }
    effects.push({ kind: 'fsync', file: active.name }, { kind: 'fsyncDir' });
    for (const effect of effects) {
      try {
        runner.run(effect);
      } catch (error) {
        ioError(error);
      }
    }

    const sealed: SealedSegment[] = outcome.segments
      .slice(0, -1)
      .map((s) => ({ id: s.id, name: s.name, baseLsn: s.baseLsn, lastLsn: s.lastLsn }));
    const state = initialWriterState({
      config: { syncMode: resolved.syncMode, segmentTargetBytes: resolved.segmentTargetBytes, maxCommits: resolved.maxCommits },
      active,
      sealed,
      maxLsnOnDisk,
      durableLsn: intactLastLsn,
      lastCheckpointLsn: outcome.checkpointObserved,
    });
    const wal = new Wal({ dir, state, runner, lock, intervalMs: resolved.intervalMs, trace });
    if (trace !== null) {
      const decoder = new TextDecoder();
      trace({
        action: 'Open',
        nextLsn: state.nextLsn,
        durableLsn: state.durableLsn,
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
