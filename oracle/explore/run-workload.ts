// The one interpreter of the workload language (docs/workload.md): every step kind is one case of
// an exhaustive match, so a step the schema accepts and the interpreter does not know cannot
// compile. It drives the real public API (handed in as `openWal`) on a WorkloadDisk: crash-sim's
// simulator for `walref explore`, or the real disk for `walref demo` (workload-disk.ts), and
// records the ExploreHistory as it goes: every LSN the API returned, every commit and abort, every
// session (open .. reopen) with what it recovered, and, through the simulator's probe, the durable
// LSN the WAL had acknowledged at every file-system operation.
//
// What each step does is in docs/workload.md; two choices are the interpreter's own. A `tx` step
// with `abort` uses the low-level API (begin, appendBatch, abort), so the TxAbort reaches the disk
// and replay has something to drop (the recorder's abort writes nothing). A `crash` with
// `duringRecovery` interrupts openWal after `afterOps` disk operations; the interrupted open never
// returned, so the host keeps the view of the session that crashed first. A step that throws is
// recorded as failed and the run goes on: a poisoned WAL refuses everything until a recover.

import { match, P } from 'ts-pattern';
import { resolveKnobs, type SimKnobs } from '../../crash-sim/knobs.js';
import { SimFileSystem } from '../../crash-sim/sim-fs.js';
import type { SimOp } from '../../crash-sim/sim-state.js';
import { frameBytes, type HistoryRecordKind } from './disk-format.js';
import type { ExploreHistory, HistoryEpoch, HistoryRecord, HistorySession, HistoryStep, HistoryTx } from './explore-history.js';
import { describeError, type OpenWalLike, type WalLike } from './wal-api.js';
import { simulatedDisk, type WorkloadDisk } from './workload-disk.js';
import { describeStep, specStep, walOpenOptions, type FaultKind, type SpecStep, type Workload } from './workload.js';

export const WORKLOAD_DIR = '/wal';

export interface WorkloadRun {
  readonly workload: Workload;
  readonly knobs: SimKnobs;
  /** The op log as it was when the last step returned (later background work is not in it). */
  readonly log: readonly SimOp[];
  readonly history: ExploreHistory;
}

const encoder = new TextEncoder();
// Lets setImmediate callbacks the step scheduled run, so that their ops count among its crash points.
// Stryker disable next-line ArrowFunction,BlockStatement: equivalent on the simulator, where every op settles in microtasks (docs/mutation.md)
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs a workload on a fresh simulator with its knobs: what `walref explore` checks. */
export async function runWorkload(workload: Workload, openWal: OpenWalLike, dir = WORKLOAD_DIR): Promise<WorkloadRun> {
  const knobs = resolveKnobs(workload.knobs);
  const disk = simulatedDisk(new SimFileSystem(knobs));
  const history = await playWorkload(workload, openWal, disk, dir);
  return { workload, knobs, log: history.log, history: history.history };
}

/** Runs a workload on any WorkloadDisk; returns the history and the op log as the last step left it. */
export async function playWorkload(workload: Workload, openWal: OpenWalLike, disk: WorkloadDisk, dir: string): Promise<{ history: ExploreHistory; log: readonly SimOp[] }> {
  return new WorkloadInterpreter(workload, openWal, disk, dir).run();
}

class WorkloadInterpreter {
  readonly #records: HistoryRecord[] = [];
  readonly #txs: HistoryTx[] = [];
  readonly #sessions: HistorySession[] = [];
  readonly #steps: HistoryStep[] = [];
  readonly #checkpointLsns: { atOp: number; checkpointLsn: number }[] = [];
  readonly #epochs: HistoryEpoch[] = [];
  readonly #contractViolations: string[] = [];
  #wal: WalLike | null = null;
  /** The fault a `fault` step armed for the next step. */
  #armed: FaultKind | null = null;

  constructor(
    private readonly workload: Workload,
    private readonly openWal: OpenWalLike,
    private readonly disk: WorkloadDisk,
    private readonly dir: string,
  ) {
    disk.setProbe(() => (this.#wal === null ? null : this.#wal.durableLsn()));
  }

  async run(): Promise<{ history: ExploreHistory; log: readonly SimOp[] }> {
    await this.#open();
    for (const [index, written] of this.workload.steps.entries()) await this.#step(index, specStep(written));
    this.disk.mark('end', null);
    const log = [...this.disk.opLog()];
    // Stop background work (a group flusher's timer); what it writes now is after the crash.
    await this.#wal?.close().catch(() => undefined);
    const history: ExploreHistory = {
      dir: this.dir,
      records: this.#records,
      txs: this.#txs,
      sessions: this.#sessions,
      steps: this.#steps,
      checkpointLsns: this.#checkpointLsns,
      epochs: this.#epochs,
      contractViolations: this.#contractViolations,
    };
    return { history, log };
  }

  async #step(index: number, step: SpecStep): Promise<void> {
    const startOp = this.#opCount();
    const description = describeStep(step);
    this.disk.mark('step', { index, step: description });
    let error: string | null = null;
    let note = '';
    const armedBefore = this.#armed;
    try {
      await this.#play(step, index);
    } catch (caught) {
      error = describeError(caught);
      // Stryker disable next-line StringLiteral: #recover drops the WAL itself before it reopens, and #open sets one only on success, so after a failed recover none is open whatever the key; the line is a defence.
      if ('recover' in step) this.#wal = null;
    }
    if (!('fault' in step)) {
      await settle();
      if (armedBefore !== null && this.disk.disarmUnreached()) note = ` (the ${armedBefore} armed for it was never reached, and is disarmed)`;
      this.#armed = null;
    }
    this.disk.mark('step-end', { index, ok: error === null, error });
    this.#steps.push({ index, description: description + note, startOp, endOp: this.#opCount(), ok: error === null, error });
  }

  /** One step, by kind: the whole language. */
  #play(step: SpecStep, index: number): Promise<void> {
    return match(step)
      .with({ crash: P.number }, (s) => this.#crash(s, index))
      .with({ recover: true }, () => this.#recover(index))
      .with({ fault: P.string }, async (s) => {
        this.disk.inject(s.fault);
        this.#armed = s.fault;
      })
      .with({ tx: P.array(P.string), abort: true }, (s) => this.#abortedTx(this.#running(), s.tx, index))
      .with({ tx: P.array(P.string) }, (s) => this.#committedTx(this.#running(), s.tx, index))
      .with({ readOnly: true }, () => this.#committedTx(this.#running(), [], index))
      .with({ flush: true }, () => this.#running().recorder().flush())
      .with({ fsync: true }, () => this.#running().recorder().forceFsync())
      .with({ checkpointMarker: true }, async () => {
        const snapshotLsn = this.#lastCommitLsn();
        const lsn = await this.#running().checkpointMarker(snapshotLsn);
        this.#addRecord(lsn, 'Checkpoint', { snapshotLsn });
      })
      .with({ truncateUpTo: 'lastCommit' }, () => {
        // From now on the host recovers with this LSN as its checkpoint LSN: its snapshot covers it.
        const upToLsn = this.#lastCommitLsn();
        this.#checkpointLsns.push({ atOp: this.#opCount(), checkpointLsn: upToLsn });
        return this.#running().truncateUpTo(upToLsn);
      })
      .with({ snapshot: 'lastCommit' }, (s) => this.#checkpoint(s.retain))
      .exhaustive();
  }

  /** The open WAL; a crash or a recover needs none (they are how a run gets one back after a failed open). */
  #running(): WalLike {
    if (this.#wal === null) throw new Error('no open WAL (an earlier open failed)');
    return this.#wal;
  }

  #opCount(): number {
    return this.disk.opLog().length;
  }

  #session(): number {
    return this.#sessions.length - 1;
  }

  /** The host's checkpoint LSN: the workload's, raised by every truncateUpTo so far. */
  #checkpointLsn(): number {
    return Math.max(this.workload.options.checkpointLsn ?? 0, ...this.#checkpointLsns.map((c) => c.checkpointLsn));
  }

  async #open(): Promise<void> {
    const session = this.#sessions.length;
    const checkpointLsn = this.#checkpointLsn();
    const startOp = this.#opCount();
    this.disk.mark('session', { session, checkpointLsn });
    const opened = await this.openWal(this.dir, { ...walOpenOptions(this.workload.options), ...(checkpointLsn > 0 ? { checkpointLsn } : {}), fs: this.disk.fs });
    this.#wal = opened.wal;
    const recovered = opened.replay.transactions.map((t) => ({ beginLsn: t.beginLsn, commitLsn: t.commitLsn, events: t.events.map((e) => e.slice()) }));
    this.disk.mark('session-opened', { session });
    const tornTail = (opened.replay.tornTail ?? null) !== null;
    // Replay started above the live snapshot's LSN when that is higher than the host's own.
    const replayedAbove = Math.max(checkpointLsn, opened.snapshot?.lsn ?? 0);
    this.#sessions.push({ session, startOp, openedAtOp: this.#opCount(), checkpointLsn: replayedAbove, recovered, nextLsnAtOpen: opened.wal.nextLsn(), tornTail });
  }

  /** Opening again must always work: a failure is a breach of the contract, and is rethrown. */
  async #reopenOrReport(index: number, after: string): Promise<void> {
    try {
      await this.#open();
    } catch (error) {
      this.#contractViolations.push(`step ${index}: openWal failed after ${after}: ${describeError(error)}`);
      throw error;
    }
  }

  async #crash(step: Extract<SpecStep, { crash: number }>, index: number): Promise<void> {
    this.#wal = null;
    this.disk.powerLoss(step.crash);
    if (step.duringRecovery !== undefined) {
      this.disk.losePowerAfter(step.duringRecovery.afterOps);
      try {
        await this.#open();
      } catch (error) {
        // Only the scheduled power loss may stop this open; anything else breaks the contract.
        if (!this.disk.powerLost()) {
          this.#contractViolations.push(`step ${index}: openWal failed after a crash: ${describeError(error)}`);
          throw error;
        }
      }
      this.#wal = null;
      this.disk.powerLoss(step.duringRecovery.crash);
    }
    await this.#reopenOrReport(index, step.duringRecovery === undefined ? 'a crash' : 'a crash during recovery');
  }

  async #recover(index: number): Promise<void> {
    const closing = this.#wal;
    this.#wal = null;
    try {
      await closing?.close();
    } catch {
      // A poisoned WAL may fail to close cleanly; the reopen below recovers from disk anyway.
    }
    await this.#reopenOrReport(index, 'a clean close');
  }

  /** A checkpoint through the MANIFEST at the last commit: the snapshot's bytes name its LSN. */
  async #checkpoint(retain: { readonly snapshots?: number | undefined; readonly segmentsBehindSnapshot?: number | undefined } | undefined): Promise<void> {
    const lsn = this.#snapshotLsn();
    const snapshot = encoder.encode(`snapshot at LSN ${lsn}`);
    const startOp = this.#opCount();
    const result = await this.#running().checkpoint({ lsn, snapshot, ...(retain === undefined ? {} : { retain }) });
    this.#addRecord(result.markerLsn, 'Checkpoint', { snapshotLsn: lsn });
    const renameOp = this.disk.opLog().findIndex((op, i) => i >= startOp && op.kind === 'rename' && op.to.endsWith('/MANIFEST'));
    this.#epochs.push({ epoch: result.epoch, lsn, snapshot, renameOp, returnedAtOp: this.#opCount() });
  }

  /** begin, appendBatch, abort: the low-level path, so that the TxAbort reaches the disk. */
  async #abortedTx(wal: WalLike, tx: readonly string[], index: number): Promise<void> {
    const events = tx.map((e) => encoder.encode(e));
    let beginLsn: number | null = null;
    const returnedAtOp = (): number => this.#opCount();
    try {
      beginLsn = await wal.begin();
      this.#addRecord(beginLsn, 'TxBegin', {});
      if (events.length > 0) this.#addRecord(await wal.appendBatch(beginLsn, events), 'MutationBatch', { txBeginLsn: beginLsn, events });
      const abortLsn = await wal.abort(beginLsn);
      this.#addRecord(abortLsn, 'TxAbort', { txBeginLsn: beginLsn });
      this.#txs.push({ session: this.#session(), step: index, beginLsn, endLsn: abortLsn, events, outcome: 'aborted', returnedAtOp: returnedAtOp() });
    } catch (error) {
      if (beginLsn !== null) this.#txs.push({ session: this.#session(), step: index, beginLsn, endLsn: null, events, outcome: 'failed', returnedAtOp: returnedAtOp() });
      throw error;
    }
  }

  /** arm, record each event, commit: the LSNs are read from nextLsn() around the commit. */
  async #committedTx(wal: WalLike, tx: readonly string[], index: number): Promise<void> {
    const events = tx.map((e) => encoder.encode(e));
    const recorder = wal.recorder();
    recorder.arm();
    for (const event of events) recorder.record(event);
    const before = wal.nextLsn();
    let answer: 'yes' | 'no' | null = null;
    try {
      answer = await recorder.commit();
    } finally {
      this.#afterCommit(index, events, before, wal.nextLsn() - before, answer);
    }
  }

  /** What a commit allocated, checked against the contract: 3 LSNs for "yes", none for "no". */
  #afterCommit(index: number, events: readonly Uint8Array[], before: number, allocated: number, answer: 'yes' | 'no' | null): void {
    const kinds: HistoryRecordKind[] = ['TxBegin', 'MutationBatch', 'TxCommit'];
    kinds.slice(0, Math.max(0, allocated)).forEach((kind, i) => {
      this.#addRecord(before + i, kind, kind === 'TxBegin' ? {} : kind === 'MutationBatch' ? { txBeginLsn: before, events } : { txBeginLsn: before });
    });
    if (answer === 'yes' && allocated !== 3) this.#contractViolations.push(`step ${index}: commit answered "yes" but allocated ${allocated} LSNs, not 3`);
    if (answer === 'no' && allocated !== 0) this.#contractViolations.push(`step ${index}: commit answered "no" but allocated ${allocated} LSNs`);
    if (answer === 'no' && events.length > 0) this.#contractViolations.push(`step ${index}: commit of ${events.length} events answered "no"`);
    if (allocated <= 0) return;
    const outcome = answer === 'yes' && allocated === 3 ? 'committed' : 'failed';
    this.#txs.push({ session: this.#session(), step: index, beginLsn: before, endLsn: outcome === 'committed' ? before + 2 : null, events, outcome, returnedAtOp: this.#opCount() });
  }

  #addRecord(lsn: number, kind: HistoryRecordKind, fields: Partial<Pick<HistoryRecord, 'txBeginLsn' | 'events' | 'snapshotLsn'>>): void {
    const events = fields.events ?? [];
    const record = { session: this.#session(), lsn, kind, txBeginLsn: fields.txBeginLsn ?? null, events, snapshotLsn: fields.snapshotLsn ?? null };
    this.#records.push({ ...record, frameBytes: frameBytes(kind, events) });
  }

  /**
   * The snapshot step's LSN: the last commit of this session, or before any the LSN the open
   * recovered up to. Both cover the same transactions, and checkpoint() accepts no commit of an
   * earlier session (it cannot tell whether one splits a transaction), only that LSN.
   */
  #snapshotLsn(): number {
    const inSession = this.#txs.filter((t) => t.session === this.#session() && t.outcome === 'committed');
    return inSession.at(-1)?.endLsn ?? (this.#sessions[this.#session()]?.nextLsnAtOpen ?? 1) - 1;
  }

  #lastCommitLsn(): number {
    const inSession = this.#txs.filter((t) => t.session === this.#session() && t.outcome === 'committed');
    return inSession.at(-1)?.endLsn ?? this.#sessions[this.#session()]?.recovered.at(-1)?.commitLsn ?? 0;
  }
}
