// The Wal handle: the imperative shell around the pure writer. Each call runs one writer step
// synchronously (so calls never interleave inside a step), executes its effects through the
// EffectRunner, and adopts the step's state only when every effect succeeded. Durability is
// acknowledged through durableLsn() and waitDurable(), which move only after the fsync that
// covers them returned OK.

import * as writer from './core/writer.js';
import { WalError, type WalErrorInfo } from './core/errors.js';
import type { Effect } from './core/effects.js';
import type { Lsn } from './core/records.js';
import type { TraceEvent, TraceSink } from './core/trace.js';
import type { WriterState } from './core/writer-state.js';
import type { EffectRunner } from './effect-runner.js';
import { FsError, type DirectoryLock } from './fs/port.js';
import { Recorder } from './recorder.js';

interface Waiter {
  readonly lsn: Lsn;
  readonly resolve: () => void;
  readonly reject: (error: WalError) => void;
}

export interface WalParts {
  readonly dir: string;
  readonly state: WriterState;
  readonly runner: EffectRunner;
  readonly lock: DirectoryLock;
  readonly intervalMs: number | null;
  readonly trace: TraceSink | null;
}

export class Wal {
  readonly dir: string;
  #state: WriterState;
  readonly #runner: EffectRunner;
  readonly #lock: DirectoryLock;
  readonly #trace: TraceSink | null;
  #waiters: Waiter[] = [];
  #timer: ReturnType<typeof setInterval> | null = null;
  #syncScheduled = false;
  #closed = false;
  #recorder: Recorder | null = null;

  constructor(parts: WalParts) {
    this.dir = parts.dir;
    this.#state = parts.state;
    this.#runner = parts.runner;
    this.#lock = parts.lock;
    this.#trace = parts.trace;
    if (parts.state.config.syncMode === 'group' && parts.intervalMs !== null) {
      // The background flusher. It is unref'd while nobody waits for durability, so an idle WAL
      // never keeps the process alive; waitDurable() refs it while it has waiters.
      this.#timer = setInterval(() => this.#backgroundSync(), parts.intervalMs);
      this.#timer.unref();
    }
  }

  /** The host's view: arm / record / commit / abort / flush. One recorder per WAL. */
  recorder(): Recorder {
    this.#recorder ??= new Recorder(this);
    return this.#recorder;
  }

  // The low-level calls emit their own trace lines (docs/trace-format.md); the recorder's path
  // (writeTransactionNow) does not, its Commit line stands for all three records.
  async begin(): Promise<Lsn> {
    const beginLsn = this.#step((s) => writer.begin(s));
    this.#emit(() => ({ action: 'Begin', beginLsn }));
    return beginLsn;
  }

  async append(txBeginLsn: Lsn, event: Uint8Array): Promise<Lsn> {
    const lsn = this.#step((s) => writer.append(s, txBeginLsn, event));
    this.#emit(() => ({ action: 'Append', txBeginLsn, lsn, event: traceText(event) }));
    return lsn;
  }

  async appendBatch(txBeginLsn: Lsn, events: readonly Uint8Array[]): Promise<Lsn> {
    const lsn = this.#step((s) => writer.appendBatch(s, txBeginLsn, events));
    this.#emit(() => ({ action: 'AppendBatch', txBeginLsn, lsn, events: events.map(traceText) }));
    return lsn;
  }

  async commit(txBeginLsn: Lsn): Promise<Lsn> {
    const commitLsn = this.#step((s) => writer.commit(s, txBeginLsn));
    this.#emit(() => ({ action: 'WalCommit', txBeginLsn, commitLsn }));
    this.#afterCommit();
    return commitLsn;
  }

  async abort(txBeginLsn: Lsn): Promise<Lsn> {
    const abortLsn = this.#step((s) => writer.abort(s, txBeginLsn));
    this.#emit(() => ({ action: 'WalAbort', txBeginLsn, abortLsn }));
    return abortLsn;
  }

  /**
   * Writes TxBegin, one MutationBatch and TxCommit in one step, with nothing interleaved: what the
   * recorder's commit() does. Returns both LSNs; pass commitLsn to waitDurable() to acknowledge.
   */
  async writeTransaction(events: readonly Uint8Array[]): Promise<{ beginLsn: Lsn; commitLsn: Lsn }> {
    return this.writeTransactionNow(events);
  }

  /** The synchronous body of writeTransaction, for the recorder. */
  writeTransactionNow(events: readonly Uint8Array[]): { beginLsn: Lsn; commitLsn: Lsn } {
    const beginLsn = this.#step((s) => writer.begin(s));
    this.#step((s) => writer.appendBatch(s, beginLsn, events));
    const commitLsn = this.#step((s) => writer.commit(s, beginLsn));
    this.#afterCommit();
    return { beginLsn, commitLsn };
  }

  async checkpointMarker(snapshotLsn: Lsn): Promise<Lsn> {
    const lsn = this.#step((s) => writer.checkpointMarker(s, snapshotLsn));
    this.#emit(() => ({ action: 'CheckpointMarker', lsn, snapshotLsn }));
    return lsn;
  }

  /** Per the sync policy: per-commit writes and fdatasyncs; group and none only write to the OS. */
  async flush(): Promise<void> {
    this.flushNow();
  }

  /** The synchronous body of flush, for the recorder. */
  flushNow(): void {
    this.#step((s) => writer.flush(s), 'flush');
    this.#emit(() => ({ action: 'Flush', writtenLsn: this.#state.writtenLsn, durableLsn: this.#state.durableLsn }));
  }

  /** Writes, fdatasyncs and advances the durable LSN whatever the policy. */
  async forceFsync(): Promise<void> {
    this.forceFsyncNow();
  }

  forceFsyncNow(): void {
    this.#step((s) => writer.sync(s));
  }

  async truncateUpTo(fenceLsn: Lsn): Promise<void> {
    const removedSegments = this.#step((s) => writer.truncateUpTo(s, fenceLsn));
    this.#emit(() => ({ action: 'TruncateUpTo', fenceLsn, removedSegments }));
  }

  /**
   * The highest LSN known to be on stable storage: an fsync covering it returned OK. Right after
   * open it is nextLsn - 1, because open rewrites and fsyncs what it replayed.
   */
  durableLsn(): Lsn {
    return this.#state.durableLsn;
  }

  nextLsn(): Lsn {
    return this.#state.nextLsn;
  }

  /** Why the WAL refuses everything, or null while it is healthy. */
  poisoned(): string | null {
    return this.#state.poisoned;
  }

  /** Segment file names, oldest first; the last is the active segment. */
  segments(): string[] {
    return [...this.#state.sealed.map((s) => s.name), this.#state.active.name];
  }

  /**
   * Resolves once the durable LSN reaches `lsn`; rejects when the WAL is poisoned or closed first.
   * Under per-commit it starts a flush (shared by every waiter of the same turn of the event loop:
   * group commit); under group the background flusher covers it; under none only forceFsync does.
   */
  waitDurable(lsn: Lsn): Promise<void> {
    if (!Number.isSafeInteger(lsn) || lsn < 0 || lsn >= this.#state.nextLsn) {
      return Promise.reject(
        new WalError({ code: 'InvalidArgument', argument: 'lsn', detail: `${lsn} has not been allocated (next LSN ${this.#state.nextLsn})` }),
      );
    }
    if (this.#closed) return Promise.reject(new WalError({ code: 'Closed' }));
    if (this.#state.poisoned !== null) return Promise.reject(new WalError({ code: 'Poisoned', reason: this.#state.poisoned }));
    if (lsn <= this.#state.durableLsn) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#waiters.push({ lsn, resolve, reject });
      this.#timer?.ref();
      if (this.#state.config.syncMode === 'per-commit') this.#scheduleSync();
    });
  }

  /** Makes everything written durable (unless poisoned), then releases the lock. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    let failure: unknown = null;
    try {
      if (this.#state.poisoned === null) this.forceFsyncNow();
    } catch (error) {
      failure = error;
    }
    this.#closed = true;
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#settleWaiters(new WalError({ code: 'Closed' }));
    this.#runner.closeAll();
    this.#lock.release();
    this.#emit(() => ({ action: 'Close' }));
    if (failure !== null) throw failure;
  }

  /** Marks the WAL unusable until reopen; used by the recorder when the host poisons it. */
  poison(reason: string): void {
    if (this.#state.poisoned !== null) return;
    this.#state = writer.poison(this.#state, reason);
    this.#emit(() => ({ action: 'Poison', reason }));
    this.#settleWaiters(new WalError({ code: 'Poisoned', reason }));
  }

  /** Emits a trace event; the event is only built when a sink is configured. */
  emitTrace(build: () => TraceEvent): void {
    this.#emit(build);
  }

  #emit(build: () => TraceEvent): void {
    if (this.#trace !== null) this.#trace(build());
  }

  #step<T>(run: (state: WriterState) => writer.WriterStep<T>, label: 'flush' | 'other' = 'other'): T {
    if (this.#closed) throw new WalError({ code: 'Closed' });
    const before = this.#state;
    const step = run(before);
    if (!step.ok) throw new WalError(step.error);
    this.#runEffects(before, step.effects);
    this.#state = step.state;
    if (step.state.durableLsn > before.durableLsn) {
      if (label !== 'flush') this.#emit(() => ({ action: 'Fsync', ok: true, durableLsn: step.state.durableLsn }));
      this.#settleWaiters(null);
    }
    return step.value;
  }

  #runEffects(before: WriterState, effects: readonly Effect[]): void {
    for (const effect of effects) {
      try {
        this.#runner.run(effect);
      } catch (error) {
        if (!(error instanceof FsError)) throw error;
        this.#fail(before, effect, error);
      }
    }
  }

  /** An effect failed: poison, cut back a half-written frame, and report the I/O error. */
  #fail(before: WriterState, effect: Effect, error: FsError): never {
    const failed = writer.effectFailed(before, effect, error.errno);
    this.#state = failed.state;
    for (const cleanup of failed.effects) {
      try {
        this.#runner.run(cleanup);
      } catch {
        // The WAL is poisoned already; the next open finds the half frame as a torn tail.
      }
    }
    const reason = failed.state.poisoned ?? `${effect.kind} failed`;
    if (effect.kind === 'fsync') this.#emit(() => ({ action: 'Fsync', ok: false, durableLsn: before.durableLsn }));
    this.#emit(() => ({ action: 'Poison', reason }));
    this.#settleWaiters(new WalError({ code: 'Poisoned', reason }));
    const info: WalErrorInfo = { code: 'IoError', op: error.op, path: error.path, errno: error.errno };
    throw new WalError(info);
  }

  #afterCommit(): void {
    if (writer.syncDue(this.#state)) this.#scheduleSync();
  }

  /** Runs one sync soon, once for every caller in the same turn of the event loop. */
  #scheduleSync(): void {
    if (this.#syncScheduled) return;
    this.#syncScheduled = true;
    setImmediate(() => {
      this.#syncScheduled = false;
      this.#backgroundSync();
    });
  }

  #backgroundSync(): void {
    if (this.#closed || this.#state.poisoned !== null) return;
    const s = this.#state;
    if (s.pendingBytes === 0 && s.writtenLsn <= s.durableLsn) return;
    try {
      // Under per-commit the scheduled sync is the policy's own flush; under group it is the
      // flusher's sync. Either way it writes, fdatasyncs and advances the durable LSN.
      this.#step((state) => writer.sync(state));
    } catch {
      // #fail has poisoned the WAL and rejected every waiter; the next call reports it.
    }
  }

  /** Resolves the waiters the durable LSN now covers, or rejects all of them with `error`. */
  #settleWaiters(error: WalError | null): void {
    if (this.#waiters.length === 0) return;
    const durable = this.#state.durableLsn;
    const keep: Waiter[] = [];
    for (const waiter of this.#waiters) {
      if (error !== null) waiter.reject(error);
      else if (waiter.lsn <= durable) waiter.resolve();
      else keep.push(waiter);
    }
    this.#waiters = keep;
    if (keep.length === 0) this.#timer?.unref();
  }
}

/** An event as a trace line carries it: its bytes decoded as UTF-8 (docs/trace-format.md). */
function traceText(event: Uint8Array): string {
  return new TextDecoder().decode(event);
}
