// Runs a workload through the real public API on a SimFileSystem and records the WAL-level
// history: every LSN the API returned, every commit and abort, every session (open .. reopen)
// with what it recovered, and the durable LSN the WAL acknowledged at every file-system operation
// (through the simulator's probe), so the oracle can tell what had been promised before each
// crash point.
//
// Step semantics (docs/workload.md):
//   {tx:[...]}             recorder arm, record each string as UTF-8, commit. The LSNs are read
//                          from wal.nextLsn() around the commit: TxBegin, MutationBatch, TxCommit.
//   {tx:[...],abort:true}  wal.begin, wal.appendBatch (when there are events), wal.abort: the
//                          low-level path, so that an aborted transaction reaches the disk and
//                          replay has something to drop. (The recorder's abort writes nothing.)
//   {readOnly:true}        recorder arm + commit with no events: must answer "no" and write nothing.
//   {flush:true}           recorder.flush(); {fsync:true} recorder.forceFsync().
//   {checkpointMarker:true} wal.checkpointMarker(last committed LSN, or 0).
//   {truncateUpTo:...}     wal.truncateUpTo(last committed LSN); from then on the host recovers
//                          with that LSN as its checkpoint (its snapshot covers it).
//   {recover:true}         wal.close() then openWal again (a clean restart, no crash).
// Steps under a former name (FORMER_STEP_KEYS: forceFsync, checkpoint, reopen) run as their new one.
//   {fault:...}            arms the fault for the next step only; if that step does not reach the
//                          faulty operation, the fault is disarmed.
//   {crash:seed}           power loss now: the disk becomes the crash state pickCrashState(sim,
//                          seed) picks, and the WAL is opened again on it (a crash inside the
//                          workload, so that later steps run on a recovered log, e.g. one whose
//                          torn tail recovery cut off).
//   {crash:seed, duringRecovery:{afterOps:k, crash:seed2}}
//                          the same, but the power goes out again while openWal recovers: after k
//                          of its disk operations (sim.losePowerAfter), the disk becomes the crash
//                          state seed2 picks, and the WAL is opened once more. The interrupted open
//                          never returned, so the host still holds the view of the session that
//                          crashed first. If recovery needs fewer than k operations it completes,
//                          and the second power loss strikes right after it.
// A step that throws is recorded as failed and the run goes on: after a failure the WAL is
// poisoned and later steps fail until a reopen.

import { pickCrashState } from '../../crash-sim/crash-states.js';
import { frameBytes, type HistoryRecordKind } from './disk-format.js';
import type { HistoryRecord, HistorySession, HistoryStep, HistoryTx, ReplayedTx, ExploreHistory } from './explore-history.js';
import { resolveKnobs, type SimKnobs } from '../../crash-sim/knobs.js';
import { SimFileSystem } from '../../crash-sim/sim-fs.js';
import type { SimOp } from '../../crash-sim/sim-state.js';
import { describeError, type OpenWalLike, type SyncOptionLike, type WalLike, type WalOpenOptionsLike } from './wal-api.js';
import { describeStep, specStep, type SpecStep, type Workload, type WorkloadStep } from './workload.js';

export const WORKLOAD_DIR = '/wal';

export interface WorkloadRun {
  readonly workload: Workload;
  readonly knobs: SimKnobs;
  /** The op log as it was when the last step returned (later background work is not in it). */
  readonly log: readonly SimOp[];
  readonly history: ExploreHistory;
}

const encoder = new TextEncoder();

/** The workload's sync option without undefined-valued keys (the API's options are exact). */
export function syncOption(sync: NonNullable<Workload['options']['sync']>): SyncOptionLike {
  if (sync.mode !== 'group') return sync;
  return sync.maxCommits === undefined
    ? { mode: 'group', intervalMs: sync.intervalMs }
    : { mode: 'group', intervalMs: sync.intervalMs, maxCommits: sync.maxCommits };
}

/** Lets timers and setImmediate callbacks scheduled by the step (a group or per-commit sync) run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function runWorkload(workload: Workload, openWal: OpenWalLike, dir = WORKLOAD_DIR): Promise<WorkloadRun> {
  const knobs = resolveKnobs(workload.fault);
  const sim = new SimFileSystem(knobs);
  const records: HistoryRecord[] = [];
  const txs: HistoryTx[] = [];
  const sessions: HistorySession[] = [];
  const steps: HistoryStep[] = [];
  const fences: { atOp: number; fenceLsn: number }[] = [];
  const contractViolations: string[] = [];
  let wal: WalLike | null = null;
  sim.setProbe(() => (wal === null ? null : wal.durableLsn()));

  const baseOptions = (): Omit<WalOpenOptionsLike, 'fs'> => ({
    ...(workload.options.sync === undefined ? {} : { sync: syncOption(workload.options.sync) }),
    ...(workload.options.segmentTargetBytes === undefined ? {} : { segmentTargetBytes: workload.options.segmentTargetBytes }),
  });
  const checkpointLsn = (): number => Math.max(workload.options.checkpointLsn ?? 0, ...fences.map((f) => f.fenceLsn));

  const open = async (): Promise<void> => {
    const session = sessions.length;
    const cp = checkpointLsn();
    const startOp = sim.opLog.length;
    sim.mark('session', { session, checkpointLsn: cp });
    const opened = await openWal(dir, { ...baseOptions(), ...(cp > 0 ? { checkpointLsn: cp } : {}), fs: sim });
    wal = opened.wal;
    const recovered: ReplayedTx[] = opened.replay.transactions.map((t) => ({ beginLsn: t.beginLsn, commitLsn: t.commitLsn, events: t.events.map((e) => e.slice()) }));
    sim.mark('session-opened', { session });
    sessions.push({ session, startOp, openedAtOp: sim.opLog.length, checkpointLsn: cp, recovered, nextLsnAtOpen: wal.nextLsn(), tornTail: (opened.replay.tornTail ?? null) !== null });
  };

  /** Opening again must always work: a failure is a breach of the contract, and is rethrown. */
  const reopenOrReport = async (index: number, after: string): Promise<void> => {
    try {
      await open();
    } catch (error) {
      contractViolations.push(`step ${index}: openWal failed after ${after}: ${describeError(error)}`);
      throw error;
    }
  };

  const session = (): number => sessions.length - 1;
  const addRecord = (lsn: number, kind: HistoryRecordKind, fields: Partial<Pick<HistoryRecord, 'txBeginLsn' | 'events' | 'snapshotLsn'>>): void => {
    const events = fields.events ?? [];
    records.push({
      session: session(),
      lsn,
      kind,
      txBeginLsn: fields.txBeginLsn ?? null,
      events,
      snapshotLsn: fields.snapshotLsn ?? null,
      frameBytes: frameBytes(kind, events),
    });
  };
  const lastCommitLsn = (): number => {
    const s = sessions[session()];
    const inSession = txs.filter((t) => t.session === session() && t.outcome === 'committed');
    return inSession.at(-1)?.endLsn ?? s?.recovered.at(-1)?.commitLsn ?? 0;
  };

  /** Power loss now: the disk becomes the crash state `seed` picks; the running WAL is gone. */
  const powerLoss = (seed: number): void => {
    const crash = pickCrashState(sim, seed);
    wal = null;
    sim.crashTo(new Map([...crash.files].map(([path, f]) => [path, f.bytes] as const)), crash.dirs, crash.describe());
  };

  const runStep = async (w: WalLike | null, step: SpecStep, index: number): Promise<void> => {
    // A crash or a reopen needs no open WAL: they are how a run gets one back after a failed open.
    if ('crash' in step) {
      powerLoss(step.crash);
      if (step.duringRecovery !== undefined) {
        sim.losePowerAfter(step.duringRecovery.afterOps);
        try {
          await open();
        } catch (error) {
          // Only the scheduled power loss may stop this open; anything else breaks the contract.
          if (!sim.powerLost()) {
            contractViolations.push(`step ${index}: openWal failed after a crash: ${describeError(error)}`);
            throw error;
          }
        }
        powerLoss(step.duringRecovery.crash);
      }
      await reopenOrReport(index, step.duringRecovery === undefined ? 'a crash' : 'a crash during recovery');
      return;
    }
    if ('recover' in step) {
      const closing = w;
      wal = null;
      try {
        await closing?.close();
      } catch {
        // A poisoned WAL may fail to close cleanly; the reopen below recovers from disk anyway.
      }
      await reopenOrReport(index, 'a clean close');
      return;
    }
    if (w === null) throw new Error('no open WAL (an earlier open failed)');
    if ('tx' in step && step.abort === true) {
      const events = step.tx.map((e) => encoder.encode(e));
      let beginLsn: number | null = null;
      try {
        beginLsn = await w.begin();
        addRecord(beginLsn, 'TxBegin', {});
        if (events.length > 0) {
          const batchLsn = await w.appendBatch(beginLsn, events);
          addRecord(batchLsn, 'MutationBatch', { txBeginLsn: beginLsn, events });
        }
        const abortLsn = await w.abort(beginLsn);
        addRecord(abortLsn, 'TxAbort', { txBeginLsn: beginLsn });
        txs.push({ session: session(), step: index, beginLsn, endLsn: abortLsn, events, outcome: 'aborted', returnedAtOp: sim.opLog.length });
      } catch (error) {
        if (beginLsn !== null) txs.push({ session: session(), step: index, beginLsn, endLsn: null, events, outcome: 'failed', returnedAtOp: sim.opLog.length });
        throw error;
      }
      return;
    }
    if ('tx' in step || 'readOnly' in step) {
      const events = 'tx' in step ? step.tx.map((e) => encoder.encode(e)) : [];
      const recorder = w.recorder();
      recorder.arm();
      for (const event of events) recorder.record(event);
      const before = w.nextLsn();
      let answer: 'yes' | 'no' | null = null;
      try {
        answer = await recorder.commit();
      } finally {
        const allocated = w.nextLsn() - before;
        const kinds: HistoryRecordKind[] = ['TxBegin', 'MutationBatch', 'TxCommit'];
        kinds.slice(0, Math.max(0, allocated)).forEach((kind, i) => {
          addRecord(before + i, kind, kind === 'TxBegin' ? {} : kind === 'MutationBatch' ? { txBeginLsn: before, events } : { txBeginLsn: before });
        });
        if (answer === 'yes' && allocated !== 3) contractViolations.push(`step ${index}: commit answered "yes" but allocated ${allocated} LSNs, not 3`);
        if (answer === 'no' && allocated !== 0) contractViolations.push(`step ${index}: commit answered "no" but allocated ${allocated} LSNs`);
        if (answer === 'no' && events.length > 0) contractViolations.push(`step ${index}: commit of ${events.length} events answered "no"`);
        if (allocated > 0) {
          const outcome = answer === 'yes' && allocated === 3 ? 'committed' : 'failed';
          txs.push({ session: session(), step: index, beginLsn: before, endLsn: outcome === 'committed' ? before + 2 : null, events, outcome, returnedAtOp: sim.opLog.length });
        }
      }
      return;
    }
    if ('flush' in step) return w.recorder().flush();
    if ('fsync' in step) return w.recorder().forceFsync();
    if ('checkpointMarker' in step) {
      const snapshotLsn = lastCommitLsn();
      const lsn = await w.checkpointMarker(snapshotLsn);
      addRecord(lsn, 'Checkpoint', { snapshotLsn });
      return;
    }
    if ('truncateUpTo' in step) {
      const fenceLsn = lastCommitLsn();
      fences.push({ atOp: sim.opLog.length, fenceLsn });
      return w.truncateUpTo(fenceLsn);
    }
    // 'fault' steps are handled by the loop, which arms them for the next step.
  };

  await open();
  let armed: WorkloadStep | null = null;
  for (const [index, written] of workload.steps.entries()) {
    const step = specStep(written);
    const startOp = sim.opLog.length;
    sim.mark('step', { index, step: describeStep(step) });
    let error: string | null = null;
    let note = '';
    if ('fault' in step) {
      if (step.fault === 'fsync-eio') sim.failNextFsync('EIO');
      else if (step.fault === 'enospc') sim.failNextWrite('ENOSPC', 'half');
      else sim.shortNextWrite('half');
      armed = step;
    } else {
      try {
        await runStep(wal, step, index);
      } catch (caught) {
        error = describeError(caught);
        if ('recover' in step) wal = null;
      }
      await settle();
      if (armed !== null) {
        const pending = sim.pendingFaults();
        if (pending.fsync || pending.write) {
          sim.clearFaults();
          note = ` (the armed ${describeStep(armed)} was not reached and is disarmed)`;
        }
        armed = null;
      }
    }
    sim.mark('step-end', { index, ok: error === null, error });
    steps.push({ index, description: describeStep(step) + note, startOp, endOp: sim.opLog.length, ok: error === null, error });
  }
  sim.mark('end');
  const log = [...sim.opLog];
  // Stop background work (a group flusher's timer); what it writes now is after the crash.
  const last = wal as WalLike | null;
  if (last !== null) await last.close().catch(() => undefined);
  return {
    workload,
    knobs,
    log,
    history: { dir, records, txs, sessions, steps, fences, contractViolations },
  };
}
