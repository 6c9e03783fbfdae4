// The Wal handle: the imperative shell around the pure writer. It runs writer steps, executes
// their effects through the EffectRunner, and adopts a step's state only when every effect
// succeeded. Durability is acknowledged through durableLsn() and waitDurable(), which move only
// after an fsync that covers them returned OK.
//
// Calls overlap: a call may start while another one's fsync is on the disk. What each does then
// (test/concurrency checks it under fast-check's scheduler):
//   - Two lanes (lane.ts), each first-in-first-out. The writer lane guards the writer's state and
//     the segment's bytes; the sync lane guards fsyncs, at most one of which is ever in flight (two
//     fsyncs of one file in flight would let one of them see an EIO the other then misses).
//   - Buffering steps (begin without a rotation, append, appendBatch, commit, abort,
//     checkpointMarker, writeTransaction) run at once when the writer lane is free, otherwise
//     after the steps queued before them: LSNs are handed out in call order.
//   - Writes (flush under group and none, and the first half of every sync) take the writer lane
//     and hand all pending frames to the OS in one synchronous write, so a segment's bytes are
//     written in LSN order.
//   - Syncs (flush under per-commit, forceFsync, waitDurable, the group flusher) take the sync
//     lane, write what is pending, start one fsync that covers everything written so far, and
//     release the writer lane while it is in flight: new commits are encoded and written meanwhile,
//     and the next sync covers them (pipelined group commit). The durable LSN moves when the fsync
//     returned OK, to what it covered, and not a byte further.
//   - Rotation (a begin that finds the segment full), truncateUpTo and close take the sync lane,
//     then the writer lane: they wait for the fsync in flight and for every step queued before
//     them, and run their effects with nothing else in flight.
//   - A failed effect poisons the WAL. A failed fsync rejects every waitDurable it covered and
//     every other waiter; every step still queued fails with Poisoned when its turn comes. Nothing
//     is retried ("fsyncgate").
//   - close() refuses calls made after it at once (Closed), waits for the calls made before it,
//     makes everything written durable (unless poisoned), and releases the lock.

import * as writer from './core/writer.js';
import { WalError } from './core/errors.js';
import type { Effect } from './core/effects.js';
import type { Lsn } from './core/records.js';
import type { TraceEvent, TraceSink } from './core/trace.js';
import type { WriterState } from './core/writer-state.js';
import type { EffectRunner } from './effect-runner.js';
import { FsError, type DirectoryLock, type FileSystem } from './fs/port.js';
import { walErrorFromFs } from './io-error.js';
import { Lane } from './lane.js';
import { Recorder, type RecorderHost } from './recorder.js';
import { TurnGate } from './turn-gate.js';

interface Waiter {
  readonly lsn: Lsn;
  readonly resolve: () => void;
  readonly reject: (error: WalError) => void;
}

export interface WalParts {
  readonly dir: string;
  readonly state: WriterState;
  readonly runner: EffectRunner;
  readonly fs: FileSystem;
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
  readonly #writerLane = new Lane();
  readonly #syncLane = new Lane();
  readonly #gate: TurnGate;
  #waiters: Waiter[] = [];
  #timer: ReturnType<typeof setInterval> | null = null;
  #syncScheduled = false;
  #closing = false;
  #closed = false;
  #closeDone: Promise<void> | null = null;
  #recorder: Recorder | null = null;

  constructor(parts: WalParts) {
    this.dir = parts.dir;
    this.#state = parts.state;
    this.#runner = parts.runner;
    this.#lock = parts.lock;
    this.#trace = parts.trace;
    this.#gate = new TurnGate(parts.fs);
    if (parts.state.config.syncMode === 'group' && parts.intervalMs !== null) {
      // The background flusher. It is unref'd while nobody waits for durability, so an idle WAL
      // never keeps the process alive; waitDurable() refs it while it has waiters.
      this.#timer = setInterval(() => this.#flusherFsync(), parts.intervalMs);
      this.#timer.unref();
    }
  }

  /** The host's view: arm / record / commit / abort / flush. One recorder per WAL. */
  recorder(): Recorder {
    if (this.#recorder === null) {
      // The recorder sees the WAL only through this private interface: the trace sink and the
      // poison latch are not part of the public Wal.
      const host: RecorderHost = {
        writeTransaction: (events) => this.writeTransaction(events),
        flush: () => this.flush(),
        forceFsync: () => this.forceFsync(),
        poison: (reason) => this.poison(reason),
        poisoned: () => this.poisoned(),
        emitTrace: (build) => this.#emit(build),
        turn: () => this.#gate.pass(),
      };
      this.#recorder = new Recorder(host);
    }
    return this.#recorder;
  }

  // The low-level calls emit their own trace lines (docs/trace-format.md), once their step is
  // adopted; the recorder's path (writeTransaction) does not, its Commit line stands for all three.
  begin(): Promise<Lsn> {
    const begun = this.#withBegin((beginLsn) => beginLsn).then((beginLsn) => {
      this.#emit(() => ({ action: 'Begin', beginLsn }));
      return beginLsn;
    });
    return this.#yielding(begun);
  }

  append(txBeginLsn: Lsn, event: Uint8Array): Promise<Lsn> {
    const appended = this.#buffered((s) => writer.append(s, txBeginLsn, event)).then((lsn) => {
      this.#emit(() => ({ action: 'Append', txBeginLsn, lsn, event: traceText(event) }));
      return lsn;
    });
    return this.#yielding(appended);
  }

  appendBatch(txBeginLsn: Lsn, events: readonly Uint8Array[]): Promise<Lsn> {
    const appended = this.#buffered((s) => writer.appendBatch(s, txBeginLsn, events)).then((lsn) => {
      this.#emit(() => ({ action: 'AppendBatch', txBeginLsn, lsn, events: events.map(traceText) }));
      return lsn;
    });
    return this.#yielding(appended);
  }

  commit(txBeginLsn: Lsn): Promise<Lsn> {
    const committed = this.#buffered((s) => writer.commit(s, txBeginLsn)).then((commitLsn) => {
      this.#emit(() => ({ action: 'WalCommit', txBeginLsn, commitLsn }));
      this.#afterCommit();
      return commitLsn;
    });
    return this.#yielding(committed);
  }

  abort(txBeginLsn: Lsn): Promise<Lsn> {
    const aborted = this.#buffered((s) => writer.abort(s, txBeginLsn)).then((abortLsn) => {
      this.#emit(() => ({ action: 'WalAbort', txBeginLsn, abortLsn }));
      return abortLsn;
    });
    return this.#yielding(aborted);
  }

  /**
   * Writes TxBegin, one MutationBatch and TxCommit in one step, with nothing interleaved: what the
   * recorder's commit() does. Returns both LSNs; pass commitLsn to waitDurable() to acknowledge.
   */
  writeTransaction(events: readonly Uint8Array[]): Promise<{ beginLsn: Lsn; commitLsn: Lsn }> {
    const written = this.#withBegin((beginLsn) => {
      this.#runStepNow((s) => writer.appendBatch(s, beginLsn, events));
      const commitLsn = this.#runStepNow((s) => writer.commit(s, beginLsn));
      return { beginLsn, commitLsn };
    }).then((lsns) => {
      this.#afterCommit();
      return lsns;
    });
    return this.#yielding(written);
  }

  checkpointMarker(snapshotLsn: Lsn): Promise<Lsn> {
    const marked = this.#buffered((s) => writer.checkpointMarker(s, snapshotLsn)).then((lsn) => {
      this.#emit(() => ({ action: 'CheckpointMarker', lsn, snapshotLsn }));
      return lsn;
    });
    return this.#yielding(marked);
  }

  /**
   * Per the sync policy. per-commit: writes what is pending and resolves once an fsync covering it
   * returned OK (shared with every concurrent flush). group and none: writes to the OS only.
   */
  flush(): Promise<void> {
    const flushed = (async () => {
      // When the writer lane is free the write happens now and the sync takes its place in the
      // sync lane now, before anything called after this flush.
      const pending = this.#writePending();
      const writtenLsn = typeof pending === 'number' ? pending : await pending;
      if (this.#state.config.syncMode === 'per-commit') await this.#syncTo(writtenLsn, false);
      this.#emit(() => ({ action: 'Flush', writtenLsn: this.#state.writtenLsn, durableLsn: this.#state.durableLsn }));
    })();
    return this.#yielding(flushed);
  }

  /** Writes, fdatasyncs and advances the durable LSN whatever the policy. */
  forceFsync(): Promise<void> {
    const synced = (async () => {
      const pending = this.#writePending();
      await this.#syncTo(typeof pending === 'number' ? pending : await pending, true);
    })();
    return this.#yielding(synced);
  }

  truncateUpTo(fenceLsn: Lsn): Promise<void> {
    const truncated = (async () => {
      this.#refuseIfClosing();
      const removedSegments = await this.#exclusive(() => this.#runStepAsync((s) => writer.truncateUpTo(s, fenceLsn)));
      this.#emit(() => ({ action: 'TruncateUpTo', fenceLsn, removedSegments }));
    })();
    return this.#yielding(truncated);
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
   * Under per-commit it starts a sync (shared by every waiter of the same turn of the event loop,
   * and pipelined behind the one in flight: group commit); under group the background flusher
   * covers it; under none only forceFsync does.
   */
  waitDurable(lsn: Lsn): Promise<void> {
    if (!Number.isSafeInteger(lsn) || lsn < 0 || lsn >= this.#state.nextLsn) {
      return Promise.reject(
        new WalError({ code: 'InvalidArgument', argument: 'lsn', detail: `${lsn} has not been allocated (next LSN ${this.#state.nextLsn})` }),
      );
    }
    if (this.#closed || this.#closing) return Promise.reject(new WalError({ code: 'Closed' }));
    if (this.#state.poisoned !== null) return Promise.reject(new WalError({ code: 'Poisoned', reason: this.#state.poisoned }));
    if (lsn <= this.#state.durableLsn) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#waiters.push({ lsn, resolve, reject });
      this.#timer?.ref();
      if (this.#state.config.syncMode === 'per-commit') this.#scheduleFsync();
    });
  }

  /**
   * Resolves once every call made before it, and the background flusher's sync in flight, have
   * finished (whatever their outcome). Nothing is written or synced for it.
   */
  idle(): Promise<void> {
    return this.#exclusive(() => Promise.resolve());
  }

  /**
   * Waits for the calls made before it, makes everything written durable (unless poisoned), then
   * releases the lock. Calls made after it fail with Closed. Idempotent: a second close() returns
   * the first one's outcome.
   */
  close(): Promise<void> {
    this.#closeDone ??= this.#close();
    return this.#closeDone;
  }

  async #close(): Promise<void> {
    this.#closing = true;
    if (this.#timer !== null) clearInterval(this.#timer);
    let failure: unknown = null;
    try {
      await this.#exclusive(async () => {
        if (this.#state.poisoned === null) await this.#runStepAsync((s) => writer.fsync(s));
      });
    } catch (error) {
      failure = error;
    }
    this.#closed = true;
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

  #emit(build: () => TraceEvent): void {
    if (this.#trace !== null) this.#trace(build());
  }

  /**
   * Every public call starts its work synchronously (so it takes its place in the lanes, before a
   * close() called after it), and passes the turn gate once the work is done.
   */
  async #yielding<T>(work: Promise<T>): Promise<T> {
    const value = await work;
    const turn = this.#gate.pass();
    if (turn !== undefined) await turn;
    return value;
  }

  /** Calls after close() started fail at once; calls queued before it still run. */
  #refuseIfClosing(): void {
    if (this.#closed || this.#closing) throw new WalError({ code: 'Closed' });
  }

  /**
   * Runs a synchronous body holding the writer lane: at once when the lane is free (no promise
   * hop on the hot path), otherwise after the steps queued before it.
   */
  async #onWriterLane<T>(body: () => T): Promise<T> {
    this.#refuseIfClosing();
    if (this.#writerLane.tryTake()) {
      try {
        return body();
      } finally {
        this.#writerLane.release();
      }
    }
    return this.#writerLane.run(() => {
      if (this.#closed) throw new WalError({ code: 'Closed' });
      return body();
    });
  }

  /** A buffering step: no effects, so it runs at once unless a step holds the writer lane. */
  #buffered<T>(run: (state: WriterState) => writer.WriterStep<T>): Promise<T> {
    return this.#onWriterLane(() => this.#runStepNow(run));
  }

  /**
   * begin() and what follows it in the same step. Without a rotation it is a buffering step; a
   * rotation waits for both lanes. The check is made again under the lane: a commit queued before
   * this one may have filled the segment meanwhile.
   */
  async #withBegin<T>(then: (beginLsn: Lsn) => T): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      if (attempt < 2 && !writer.rotationDue(this.#state)) {
        const done = await this.#onWriterLane(() => (writer.rotationDue(this.#state) ? null : { value: then(this.#runStepNow((s) => writer.begin(s))) }));
        if (done !== null) return done.value;
      } else {
        this.#refuseIfClosing();
        return this.#exclusive(async () => then(await this.#runStepAsync((s) => writer.begin(s))));
      }
    }
  }

  /**
   * Hands every pending frame to the OS; returns the written LSN, at once when the writer lane is
   * free (throwing what the step refuses), or once the steps queued before it have run.
   */
  #writePending(): Lsn | Promise<Lsn> {
    this.#refuseIfClosing();
    const write = (): Lsn =>
      this.#state.pendingBytes === 0 && this.#state.poisoned === null ? this.#state.writtenLsn : this.#runStepNow((s) => writer.writePending(s));
    if (this.#writerLane.tryTake()) {
      try {
        return write();
      } finally {
        this.#writerLane.release();
      }
    }
    return this.#writerLane.run(() => {
      if (this.#closed) throw new WalError({ code: 'Closed' });
      return write();
    });
  }

  /** Runs `body` holding the sync lane, then the writer lane: nothing else is in flight. */
  #exclusive<T>(body: () => Promise<T>): Promise<T> {
    return this.#syncLane.run(() => this.#writerLane.run(body));
  }

  /**
   * Makes `target` durable: waits for the fsync in flight, then (if that did not cover it) writes
   * what is pending and starts the next fsync, which covers everything written by then.
   */
  async #syncTo(target: Lsn, traceFsync: boolean): Promise<void> {
    while (this.#state.durableLsn < target) {
      await this.#syncLane.take();
      try {
        // A sync queued before close() finds its target durable already: close synced it.
        if (this.#state.durableLsn >= target) return;
        if (this.#state.poisoned !== null) throw new WalError({ code: 'Poisoned', reason: this.#state.poisoned });
        if (this.#closed) throw new WalError({ code: 'Closed' });
        await this.#writerLane.run(() => {
          if (this.#state.pendingBytes > 0) this.#runStepNow((s) => writer.writePending(s));
        });
        const plan = writer.fsyncStart(this.#state);
        if (plan === null) throw new Error(`wal: LSN ${target} is not written (written ${this.#state.writtenLsn})`);
        try {
          await this.#runner.run(plan.effect);
        } catch (error) {
          if (!(error instanceof FsError)) throw error;
          this.#fail(this.#state, plan.effect, error);
        }
        const before = this.#state.durableLsn;
        this.#state = writer.fsyncDone(this.#state, plan);
        if (this.#state.durableLsn > before) {
          if (traceFsync) this.#emit(() => ({ action: 'Fsync', ok: true, durableLsn: this.#state.durableLsn }));
          this.#settleWaiters(null);
        }
      } finally {
        this.#syncLane.release();
      }
    }
  }

  /** Runs a step whose effects do not wait for the disk; the caller holds the writer lane. */
  #runStepNow<T>(run: (state: WriterState) => writer.WriterStep<T>): T {
    const before = this.#state;
    const step = run(before);
    if (!step.ok) throw new WalError(step.error);
    for (const effect of step.effects) {
      try {
        this.#runner.runNow(effect);
      } catch (error) {
        if (!(error instanceof FsError)) throw error;
        this.#fail(before, effect, error);
      }
    }
    this.#adopt(before, step.state, true);
    return step.value;
  }

  /** Runs a step whose effects may wait for the disk; the caller holds both lanes. */
  async #runStepAsync<T>(run: (state: WriterState) => writer.WriterStep<T>): Promise<T> {
    if (this.#closed) throw new WalError({ code: 'Closed' });
    const before = this.#state;
    const step = run(before);
    if (!step.ok) throw new WalError(step.error);
    for (const effect of step.effects) {
      try {
        await this.#runner.run(effect);
      } catch (error) {
        if (!(error instanceof FsError)) throw error;
        this.#fail(before, effect, error);
      }
    }
    this.#adopt(before, step.state, true);
    return step.value;
  }

  /**
   * Adopts a step's state. The host may have poisoned the WAL while the step's effects ran: the
   * poison is sticky and survives the adoption.
   */
  #adopt(before: WriterState, next: WriterState, traceFsync: boolean): void {
    const poisoned = this.#state.poisoned;
    this.#state = poisoned !== null && next.poisoned === null ? writer.poison(next, poisoned) : next;
    if (next.durableLsn > before.durableLsn) {
      if (traceFsync) this.#emit(() => ({ action: 'Fsync', ok: true, durableLsn: next.durableLsn }));
      this.#settleWaiters(null);
    }
  }

  /** An effect failed: poison, cut back a half-written frame, and report the I/O error. */
  #fail(before: WriterState, effect: Effect, error: FsError): never {
    const failed = writer.effectFailed(before, effect, error.errno);
    const wasPoisoned = this.#state.poisoned !== null;
    this.#state = wasPoisoned ? writer.poison(failed.state, this.#state.poisoned ?? '') : failed.state;
    for (const cleanup of failed.effects) {
      try {
        this.#runner.runNow(cleanup);
      } catch {
        // The WAL is poisoned already; the next open finds the half frame as a torn tail.
      }
    }
    const reason = this.#state.poisoned ?? `${effect.kind} failed`;
    if (effect.kind === 'fsync') this.#emit(() => ({ action: 'Fsync', ok: false, durableLsn: before.durableLsn }));
    if (!wasPoisoned) this.#emit(() => ({ action: 'Poison', reason }));
    this.#settleWaiters(new WalError({ code: 'Poisoned', reason }));
    throw walErrorFromFs(error);
  }

  #afterCommit(): void {
    if (writer.fsyncDue(this.#state)) this.#scheduleFsync();
  }

  /** Runs one sync soon, once for every caller in the same turn of the event loop. */
  #scheduleFsync(): void {
    if (this.#syncScheduled) return;
    this.#syncScheduled = true;
    setImmediate(() => {
      this.#syncScheduled = false;
      this.#flusherFsync();
    });
  }

  /**
   * The group flusher's tick, and the sync a per-commit waitDurable starts: makes everything
   * allocated so far durable. A failure has poisoned the WAL and rejected every waiter already.
   */
  #flusherFsync(): void {
    if (this.#closed || this.#closing || this.#state.poisoned !== null) return;
    const s = this.#state;
    if (s.pendingBytes === 0 && s.writtenLsn <= s.durableLsn) return;
    // #syncTo takes (or queues for) the sync lane before it returns, so an idle() called after
    // this tick waits for this sync.
    this.#syncTo(s.nextLsn - 1, true).catch(() => undefined);
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
