// The demo's workload, and a runner that plays it on the real disk through the public API with the
// same step semantics as crash-sim's runner (crash-sim/runner.ts, docs/workload.md), so the log
// `walref demo` dumps is the log whose crash states it then explores.
//
// The workload is chosen to show something in every part of the demo: a committed transaction, an
// aborted one (written with the low-level API, so replay has a TxAbort to drop), a checkpoint
// marker, a rotation to a second segment (segmentTargetBytes is small), a read-only query that
// writes nothing, and a last commit whose flush is the final operation, so some crash states fall
// between that flush's write and its fsync: a crash mid-flush.

import { match, P } from 'ts-pattern';
import { specStep, type Workload, type WorkloadStep } from '../oracle/explore/workload.js';
import { openWal } from '../src/open-wal.js';
import type { TraceSink } from '../src/core/trace.js';
import type { SyncOption, WalOptions } from '../src/options.js';
import type { Wal } from '../src/wal.js';

export const DEMO_WORKLOAD: Workload = {
  options: { segmentTargetBytes: 200, sync: { mode: 'per-commit' } },
  fault: { sectorBytes: 64, ordered: true, safeAppend: true, dirSync: true },
  steps: [
    { tx: ['alice +10', 'bob -10'] },
    { flush: true },
    { tx: ['carol +5'], abort: true },
    { tx: ['dave +7'] },
    { flush: true },
    { checkpointMarker: true },
    { tx: ['erin +3', 'frank -3'] },
    { flush: true },
    { readOnly: true },
    { tx: ['grace +1', 'heidi -1', 'ivan +2'] },
    { flush: true },
  ],
};

/** One line per step, as a reader would say it. */
export function describeDemoStep(step: WorkloadStep): string {
  const events = (tx: readonly string[]): string => tx.map((e) => JSON.stringify(e)).join(', ');
  return match(specStep(step))
    .with({ tx: P.array(P.string), abort: true }, (s) => `begin, append ${events(s.tx)}, abort (TxAbort is written)`)
    .with({ tx: P.array(P.string) }, (s) => `commit ${events(s.tx)}`)
    .with({ readOnly: true }, () => 'a read-only query: commit answers "no" and writes nothing')
    .with({ flush: true }, () => 'flush: write to the OS, then fsync (per-commit)')
    .with({ fsync: true }, () => 'fsync (forceFsync)')
    .with({ checkpointMarker: true }, () => 'checkpoint marker at the last commit')
    .with({ truncateUpTo: 'lastCommit' }, () => 'truncateUpTo the last commit')
    .with({ recover: true }, () => 'close, then recover with openWal')
    .with({ crash: P.number }, (s) => `power loss (crash state seed ${s.crash}), then reopen`)
    .with({ fault: P.string }, (s) => `fault: ${s.fault}`)
    .exhaustive();
}

const encoder = new TextEncoder();

/** The workload's openWal options, with absent fields left out (exactOptionalPropertyTypes). */
function walOptionsOf(workload: Workload): WalOptions {
  const { sync, segmentTargetBytes } = workload.options;
  const syncOption: SyncOption | undefined =
    sync === undefined || sync.mode !== 'group'
      ? sync
      : { mode: 'group', intervalMs: sync.intervalMs, ...(sync.maxCommits === undefined ? {} : { maxCommits: sync.maxCommits }) };
  return {
    ...(syncOption === undefined ? {} : { sync: syncOption }),
    ...(segmentTargetBytes === undefined ? {} : { segmentTargetBytes }),
  };
}

/**
 * Plays `workload` in `dir` on the real disk, sending every action to `trace`. Faults cannot be
 * scheduled on a real disk, so a workload that asks for one is refused; the demo's has none.
 */
export async function runOnDisk(workload: Workload, dir: string, trace: TraceSink): Promise<void> {
  const options: WalOptions = { ...walOptionsOf(workload), trace };
  let { wal } = await openWal(dir, options);
  let lastCommitLsn = 0;
  try {
    for (const step of workload.steps) {
      wal = await runStep(wal, step, dir, options, lastCommitLsn, (lsn) => {
        lastCommitLsn = lsn;
      });
    }
  } finally {
    await wal.close();
  }
}

async function runStep(
  wal: Wal,
  step: WorkloadStep,
  dir: string,
  options: WalOptions,
  lastCommitLsn: number,
  committed: (commitLsn: number) => void,
): Promise<Wal> {
  const recorderCommit = async (events: readonly string[]): Promise<Wal> => {
    const recorder = wal.recorder();
    recorder.arm();
    for (const event of events) recorder.record(encoder.encode(event));
    const before = wal.nextLsn();
    if ((await recorder.commit()) === 'yes') committed(before + 2);
    return wal;
  };
  return match(specStep(step))
    .with({ tx: P.array(P.string), abort: true }, async (s) => {
      const beginLsn = await wal.begin();
      if (s.tx.length > 0) await wal.appendBatch(beginLsn, s.tx.map((e) => encoder.encode(e)));
      await wal.abort(beginLsn);
      return wal;
    })
    .with({ tx: P.array(P.string) }, (s) => recorderCommit(s.tx))
    .with({ readOnly: true }, () => recorderCommit([]))
    .with({ flush: true }, async () => {
      await wal.recorder().flush();
      return wal;
    })
    .with({ fsync: true }, async () => {
      await wal.recorder().forceFsync();
      return wal;
    })
    .with({ checkpointMarker: true }, async () => {
      await wal.checkpointMarker(lastCommitLsn);
      return wal;
    })
    .with({ truncateUpTo: 'lastCommit' }, async () => {
      await wal.truncateUpTo(lastCommitLsn);
      return wal;
    })
    .with({ recover: true }, async () => {
      await wal.close();
      return (await openWal(dir, options)).wal;
    })
    .with({ crash: P.number }, { fault: P.string }, () => {
      throw new Error('the real disk cannot schedule a fault or a crash; run this workload with walref explore');
    })
    .exhaustive();
}
