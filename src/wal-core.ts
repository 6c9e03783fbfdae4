// The inside of the Wal (wal.ts): the writer's state, the two lanes, running a step and its
// effects, adopting the state only when every effect succeeded, the pipelined fsync, and the
// waiters for durability. wal.ts holds the public calls, the background flusher and close.
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
import { FsError } from './fs/port.js';
import { walErrorFromFs } from './io-error.js';
import { Lane } from './lane.js';

interface Waiter {
  readonly lsn: Lsn;
  readonly resolve: () => void;
  readonly reject: (error: WalError) => void;
}

export class WalCore {
  #state: WriterState;
  readonly runner: EffectRunner;
  readonly #trace: TraceSink | null;
  readonly #writerLane = new Lane();
  readonly #syncLane = new Lane();
  #waiters: Waiter[] = [];
  /** Called when the last waiter is settled (the Wal lets its flusher timer go). */
  readonly #onNoWaiters: () => void;
  /** close() has started: calls made from now on fail with Closed. */
  closing = false;
  /** close() has finished: queued steps that run now fail with Closed. */
  closed = false;

  constructor(state: WriterState, runner: EffectRunner, trace: TraceSink | null, onNoWaiters: () => void) {
    this.#state = state;
    this.runner = runner;
    this.#trace = trace;
    this.#onNoWaiters = onNoWaiters;
  }

  get state(): WriterState {
    return this.#state;
  }

  emit(build: () => TraceEvent): void {
    if (this.#trace !== null) this.#trace(build());
  }

  /** Marks the WAL unusable until reopen; the waiters are rejected. */
  poison(reason: string): void {
    if (this.#state.poisoned !== null) return;
    this.#state = writer.poison(this.#state, reason);
    this.emit(() => ({ action: 'Poison', reason }));
    this.settleWaiters(new WalError({ code: 'Poisoned', reason }));
  }

  /** Queues a waiter for `lsn`; the caller has checked that it is not durable yet. */
  addWaiter(lsn: Lsn, resolve: () => void, reject: (error: WalError) => void): void {
    this.#waiters.push({ lsn, resolve, reject });
  }

  /** Calls after close() started fail at once; calls queued before it still run. */
  refuseIfClosing(): void {
    if (this.closed || this.closing) throw new WalError({ code: 'Closed' });
  }

  /**
   * Runs a synchronous body holding the writer lane: at once when the lane is free (no promise
   * hop on the hot path: the value, or the throw, comes back synchronously), otherwise after the
   * steps queued before it.
   */
  #underWriterLane<T>(body: () => T): T | Promise<T> {
    this.refuseIfClosing();
    if (this.#writerLane.tryTake()) {
      try {
        return body();
      } finally {
        this.#writerLane.release();
      }
    }
    return this.#writerLane.run(() => {
      if (this.closed) throw new WalError({ code: 'Closed' });
      return body();
    });
  }

  /** #underWriterLane for callers that want a promise (a refusal rejects it). */
  async #onWriterLane<T>(body: () => T): Promise<T> {
    return this.#underWriterLane(body);
  }

  /** A buffering step: no effects, so it runs at once unless a step holds the writer lane. */
  buffered<T>(run: (state: WriterState) => writer.WriterStep<T>): Promise<T> {
    return this.#onWriterLane(() => this.runStepNow(run));
  }

  /**
   * begin() and what follows it in the same step. Without a rotation it is a buffering step; a
   * rotation waits for both lanes. The check is made again under the lane: a commit queued before
   * this one may have filled the segment meanwhile.
   */
  async withBegin<T>(then: (beginLsn: Lsn) => T): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      if (attempt < 2 && !writer.rotationDue(this.#state)) {
        const done = await this.#onWriterLane(() => (writer.rotationDue(this.#state) ? null : { value: then(this.runStepNow((s) => writer.begin(s))) }));
        if (done !== null) return done.value;
      } else {
        this.refuseIfClosing();
        return this.exclusive(async () => then(await this.runStepAsync((s) => writer.begin(s))));
      }
    }
  }

  /**
   * Hands every pending frame to the OS; returns the written LSN, at once when the writer lane is
   * free (throwing what the step refuses), or once the steps queued before it have run.
   */
  writePending(): Lsn | Promise<Lsn> {
    return this.#underWriterLane(() =>
      this.#state.pendingBytes === 0 && this.#state.poisoned === null ? this.#state.writtenLsn : this.runStepNow((s) => writer.writePending(s)),
    );
  }

  /** Runs `body` holding the sync lane, then the writer lane: nothing else is in flight. */
  exclusive<T>(body: () => Promise<T>): Promise<T> {
    return this.#syncLane.run(() => this.#writerLane.run(body));
  }

  /**
   * Makes `target` durable: waits for the fsync in flight, then (if that did not cover it) writes
   * what is pending and starts the next fsync, which covers everything written by then.
   */
  async fsyncTo(target: Lsn, traceFsync: boolean): Promise<void> {
    while (this.#state.durableLsn < target) {
      await this.#syncLane.take();
      try {
        // A sync queued before close() finds its target durable already: close synced it.
        if (this.#state.durableLsn >= target) return;
        if (this.#state.poisoned !== null) throw new WalError({ code: 'Poisoned', reason: this.#state.poisoned });
        if (this.closed) throw new WalError({ code: 'Closed' });
        await this.#writerLane.run(() => {
          if (this.#state.pendingBytes > 0) this.runStepNow((s) => writer.writePending(s));
        });
        const plan = writer.fsyncStart(this.#state);
        if (plan === null) throw new Error(`wal: LSN ${target} is not written (written ${this.#state.writtenLsn})`);
        try {
          await this.runner.run(plan.effect);
        } catch (error) {
          if (!(error instanceof FsError)) throw error;
          this.#fail(this.#state, plan.effect, error);
        }
        const before = this.#state.durableLsn;
        this.#state = writer.fsyncDone(this.#state, plan);
        if (this.#state.durableLsn > before) {
          if (traceFsync) this.emit(() => ({ action: 'Fsync', ok: true, durableLsn: this.#state.durableLsn }));
          this.settleWaiters(null);
        }
      } finally {
        this.#syncLane.release();
      }
    }
  }

  /** Runs a step whose effects do not wait for the disk; the caller holds the writer lane. */
  runStepNow<T>(run: (state: WriterState) => writer.WriterStep<T>): T {
    const before = this.#state;
    const step = run(before);
    if (!step.ok) throw new WalError(step.error);
    for (const effect of step.effects) {
      try {
        this.runner.runNow(effect);
      } catch (error) {
        if (!(error instanceof FsError)) throw error;
        this.#fail(before, effect, error);
      }
    }
    this.#adopt(before, step.state, true);
    return step.value;
  }

  /** Runs a step whose effects may wait for the disk; the caller holds both lanes. */
  async runStepAsync<T>(run: (state: WriterState) => writer.WriterStep<T>): Promise<T> {
    if (this.closed) throw new WalError({ code: 'Closed' });
    const before = this.#state;
    const step = run(before);
    if (!step.ok) throw new WalError(step.error);
    for (const effect of step.effects) {
      try {
        await this.runner.run(effect);
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
      if (traceFsync) this.emit(() => ({ action: 'Fsync', ok: true, durableLsn: next.durableLsn }));
      this.settleWaiters(null);
    }
  }

  /** An effect failed: poison, cut back a half-written frame, and report the I/O error. */
  #fail(before: WriterState, effect: Effect, error: FsError): never {
    const failed = writer.effectFailed(before, effect, error.errno);
    const wasPoisoned = this.#state.poisoned !== null;
    this.#state = wasPoisoned ? writer.poison(failed.state, this.#state.poisoned ?? '') : failed.state;
    for (const cleanup of failed.effects) {
      try {
        this.runner.runNow(cleanup);
      } catch {
        // The WAL is poisoned already; the next open finds the half frame as a torn tail.
      }
    }
    const reason = this.#state.poisoned ?? `${effect.kind} failed`;
    if (effect.kind === 'fsync') this.emit(() => ({ action: 'Fsync', ok: false, durableLsn: before.durableLsn }));
    if (!wasPoisoned) this.emit(() => ({ action: 'Poison', reason }));
    this.settleWaiters(new WalError({ code: 'Poisoned', reason }));
    throw walErrorFromFs(error);
  }

  /** Resolves the waiters the durable LSN now covers, or rejects all of them with `error`. */
  settleWaiters(error: WalError | null): void {
    if (this.#waiters.length === 0) return;
    const durable = this.#state.durableLsn;
    const keep: Waiter[] = [];
    for (const waiter of this.#waiters) {
      if (error !== null) waiter.reject(error);
      else if (waiter.lsn <= durable) waiter.resolve();
      else keep.push(waiter);
    }
    this.#waiters = keep;
    if (keep.length === 0) this.#onNoWaiters();
  }
}
