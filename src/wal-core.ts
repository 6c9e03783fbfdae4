// The inside of the Wal (wal.ts): the writer's state, the two lanes, the one routine that runs a
// step and its effects, the pipelined fsync, the waiters for durability, and close. wal.ts holds
// the public calls, the background flusher and the turn gate. Nothing here is public and mutable:
// the Wal reads the state and the closing flag, and changes them only through these methods.
//
// The durability ordering rule is enforced here, and only here: the durable LSN moves when an
// fsync that covers it has returned OK, never before. A step's state (which may carry a higher
// durable LSN) is adopted only after every one of its effects succeeded (#perform), and a
// pipelined fsync moves it in fsyncDone only after the fsync resolved (fsyncTo). Waiters are
// settled from the adopted state, so no acknowledgement can precede its fsync.
//
// Calls overlap: a call may start while another one's fsync is on the disk. What each does then
// (test/concurrency checks it under fast-check's scheduler):
//   - Call order. Every step that changes the writer's state (begin, append, appendBatch, commit,
//     abort, writeTransaction, checkpointMarker, truncateUpTo, and the writes of flush) takes the
//     writer lane, which is first-in-first-out: it runs at once when the lane is free and nobody
//     waits, otherwise after every step called before it. LSNs are therefore handed out in call
//     order, always: a step that must wait for the disk (a begin that rotates the segment,
//     truncateUpTo) waits holding its place in the lane, and every call made after it queues
//     behind it.
//   - At most one fsync is in flight (two fsyncs of one file in flight would let one of them see
//     an EIO the other then misses). A step whose effects wait for the disk (rotation's fsyncs and
//     directory fsync, truncateUpTo's directory fsync) first waits, in its place in the writer
//     lane, for the pipelined fsync in flight, and is then computed again from the state that
//     fsync left. A pipelined fsync starts only while its caller holds the writer lane, so none
//     can start while such a step runs.
//   - Syncs (flush under per-commit, forceFsync, waitDurable, the group flusher) take the sync
//     lane, write what is pending and start one fsync that covers everything written so far under
//     the writer lane, and release the writer lane while it is in flight: new commits are encoded
//     and written meanwhile, and the next sync covers them (pipelined group commit). The durable
//     LSN moves when the fsync returned OK, to what it covered, and not a byte further.
//   - A failed effect poisons the WAL. A failed fsync rejects every waitDurable it covered and
//     every other waiter; every step still queued fails with Poisoned when its turn comes. Nothing
//     is retried ("fsyncgate").
//   - A step whose input is still being computed (a payload being deflated on the thread pool:
//     stepAfter) takes its place in the writer lane when it is called and waits there for its
//     input, so compression never reorders LSNs; the compressions of the calls queued behind it
//     run meanwhile.
//   - The next segment's file is prepared in the background (segment-preparer.ts: when the writer
//     says it is due, once the active segment is half full). Registering and creating it is a step under
//     the writer lane; the zeros are written outside both lanes (nothing else touches the file);
//     its fsync is an fsync in flight like a pipelined one, started under the writer lane while
//     holding the sync lane, so it is never one of two fsyncs in flight, and a rotation waits for
//     it in its place in the writer lane. A rotation that comes before the file is ready makes a
//     file of its own. A failure poisons the WAL like any other.
//   - checkpoint() holds its place in the writer lane through all of its steps (exclusive()).
//   - close() refuses calls made after it at once (Closed), waits for a preparation under way,
//     takes the sync lane and then the writer lane, so it runs after every call made before it,
//     makes everything written durable (unless poisoned), rejects the waiters still pending, and
//     closes the files. idle() waits the same way and does nothing.
//
// Size exception: the rules above are stated once, beside the steps that keep them; the parts
// that need no lane of their own live elsewhere (durable-waiters.ts, segment-preparer.ts, lane.ts).

import * as writer from './core/writer.js';
import { WalError } from './core/errors.js';
import type { Effect } from './core/effects.js';
import type { Lsn } from './core/records.js';
import type { TraceEvent, TraceSink } from './core/trace.js';
import type { WriterState } from './core/writer-state.js';
import { EffectRunner } from './effect-runner.js';
import { FsError } from './fs/port.js';
import { walErrorFromFs } from './io-error.js';
import { DurableWaiters } from './durable-waiters.js';
import { Lane } from './lane.js';
import { SegmentPreparer, type InFlightFsync } from './segment-preparer.js';

/** A pipelined fsync, started under the writer lane. */
interface StartedFsync extends InFlightFsync {
  readonly plan: writer.FsyncPlan;
}

type StepOk<T> = Extract<writer.WriterStep<T>, { ok: true }>;

export class WalCore {
  #state: WriterState;
  readonly #runner: EffectRunner;
  readonly #trace: TraceSink | null;
  readonly #writerLane = new Lane();
  readonly #syncLane = new Lane();
  readonly #waiters: DurableWaiters;
  /** Resolves once the pipelined fsync in flight, if any, has its outcome in the state. */
  #inFlight: Promise<void> | null = null;
  /** Resolves #inFlight; at most one fsync is in flight, so one field holds it. */
  #inFlightResolve: () => void = ignore;
  /** close() has started: calls made from now on fail with Closed. */
  #closing = false;
  /** close() has finished: a sync that gets its turn now fails with Closed. */
  #closed = false;
  /** Prepares the next segment's file in the background (segment-preparer.ts). */
  readonly #preparer: SegmentPreparer;

  constructor(state: WriterState, runner: EffectRunner, trace: TraceSink | null, onNoWaiters: () => void) {
    this.#state = state;
    this.#runner = runner;
    this.#trace = trace;
    this.#waiters = new DurableWaiters(onNoWaiters);
    this.#preparer = new SegmentPreparer({
      writerLane: this.#writerLane,
      syncLane: this.#syncLane,
      runner,
      state: () => this.#state,
      setState: (next) => (this.#state = next),
      closing: () => this.#closing,
      launchFsync: (effect) => this.#launchFsync(effect),
      failed: (before, effect, error) => this.#failed(before, effect, error),
    });
  }

  get state(): WriterState {
    return this.#state;
  }

  /** Whether close() has been called: every call made from now on fails with Closed. */
  get closing(): boolean {
    return this.#closing;
  }

  /** Whether a trace sink listens: callers on the hot path skip building the event's closure. */
  get tracing(): boolean {
    return this.#trace !== null;
  }

  emit(build: () => TraceEvent): void {
    if (this.#trace !== null) this.#trace(build());
  }

  /** Marks the WAL unusable until reopen; the waiters are rejected. */
  poison(reason: string): void {
    if (this.#state.poisoned !== null) return;
    this.#state = writer.poison(this.#state, reason);
    this.emit(() => ({ action: 'Poison', reason }));
    this.#settleWaiters(new WalError({ code: 'Poisoned', reason }));
  }

  /** Resolves once `lsn` is durable; the caller has checked that it is allocated and not durable yet. */
  waitFor(lsn: Lsn): Promise<void> {
    return this.#waiters.waitFor(lsn);
  }

  /** Calls after close() started fail at once; calls made before it still run. */
  refuseIfClosing(): void {
    if (this.#closing) throw new WalError({ code: 'Closed' });
  }

  /**
   * Runs a writer step in call order (see the header): at once when the writer lane is free, with
   * no promise hop when its effects do not wait for the disk (the value, or the throw, comes back
   * synchronously); otherwise after the steps called before it.
   */
  step<T>(run: (state: WriterState) => writer.WriterStep<T>): T | Promise<T> {
    return this.#inCallOrder(() => this.#runStep(run));
  }

  /** step() for callers that want a promise (a refusal rejects it). */
  async stepAsync<T>(run: (state: WriterState) => writer.WriterStep<T>): Promise<T> {
    return this.step(run);
  }

  /**
   * A step whose input may still be on its way (a promise: a payload being deflated): it takes its
   * place in the writer lane now and waits there for the input, so LSNs still follow call order.
   */
  stepAfter<I, T>(input: I | Promise<I>, run: (state: WriterState, input: I) => writer.WriterStep<T>): T | Promise<T> {
    if (!(input instanceof Promise)) return this.step((s) => run(s, input));
    return this.#inCallOrder(() => input.then((value) => this.#runStep((s) => run(s, value))));
  }

  /**
   * Hands every pending frame to the OS, in call order; returns the written LSN, at once when the
   * writer lane is free.
   */
  writePending(): Lsn | Promise<Lsn> {
    return this.#inCallOrder(() =>
      this.#state.pendingBytes === 0 && this.#state.poisoned === null ? this.#state.writtenLsn : this.#runStep((s) => writer.writePending(s)),
    );
  }

  /**
   * Makes `target` durable: waits for the fsync in flight, then (if that did not cover it) writes
   * what is pending and starts the next fsync, which covers everything written by then. The sync
   * lane is taken synchronously when it is free, so a sync takes its place before any call made
   * after it.
   */
  async fsyncTo(target: Lsn, traceFsync: boolean): Promise<void> {
    while (this.#state.durableLsn < target) {
      // Lanes that are free are taken at once, with no promise to wait for: the usual case of a
      // per-commit flush, where a hop per lane was a good part of the commit path's CPU.
      if (!this.#syncLane.tryTake()) await this.#syncLane.take();
      try {
        const started = this.#writerLane.tryTake() ? this.#startFsyncHeld(target) : await this.#writerLane.run(() => this.#startFsync(target));
        if (started === null) return;
        try {
          await started.done;
          // The durable LSN moves: the sync was started (at most one in flight) only when the
          // target was not durable yet, and covers everything written by then.
          this.#state = writer.fsyncDone(this.#state, started.plan);
          if (traceFsync && this.#trace !== null) this.emit(() => ({ action: 'Fsync', ok: true, durableLsn: this.#state.durableLsn }));
          this.#settleWaiters(null);
        } catch (error) {
          this.#failed(this.#state, started.plan.effect, error);
        } finally {
          started.settle();
        }
      } finally {
        this.#syncLane.release();
      }
    }
  }

  /** Runs several steps (checkpoint's) in call order, each as step() runs one, holding the writer lane throughout. */
  async exclusive<T>(body: (run: <U>(step: (state: WriterState) => writer.WriterStep<U>) => U | Promise<U>) => Promise<T>): Promise<T> {
    return this.#inCallOrder(() => body((step) => this.#runStep(step)));
  }

  /** Resolves once every call made before it, and the sync in flight, have finished. */
  idle(): Promise<void> {
    return this.#syncLane.run(() => this.#writerLane.run(() => undefined));
  }

  /**
   * Runs after every call made before it, makes everything written durable (unless poisoned),
   * then rejects the waiters left and closes the files. Resolves with the failure of that last
   * fsync, or null.
   */
  async close(): Promise<unknown> {
    this.#closing = true;
    await this.#preparer.settled();
    let failure: unknown = null;
    try {
      await this.#syncLane.run(() =>
        this.#writerLane.run(async () => {
          if (this.#state.poisoned === null) await this.#runStep((s) => writer.fsync(s));
        }),
      );
    } catch (error) {
      failure = error;
    }
    this.#closed = true;
    this.#settleWaiters(new WalError({ code: 'Closed' }));
    this.#runner.closeAll();
    return failure;
  }

  /** Runs `body` holding the writer lane, in call order (Lane.runInOrder); refused once close() started. */
  #inCallOrder<T>(body: () => T | Promise<T>): T | Promise<T> {
    this.refuseIfClosing();
    return this.#writerLane.runInOrder(body);
  }

  /**
   * Under the writer lane: writes what is pending and starts the fsync that covers it. Null when
   * `target` is durable by now (a sync queued before close() finds close synced it).
   */
  #startFsync(target: Lsn): StartedFsync | null {
    if (this.#state.durableLsn >= target) return null;
    if (this.#state.poisoned !== null) throw new WalError({ code: 'Poisoned', reason: this.#state.poisoned });
    if (this.#closed) throw new WalError({ code: 'Closed' });
    if (this.#state.pendingBytes > 0) this.#runStep((s) => writer.writePending(s));
    const plan = writer.fsyncStart(this.#state);
    if (plan === null) throw new Error(`wal: LSN ${target} is not written (written ${this.#state.writtenLsn})`);
    return { plan, ...this.#launchFsync(plan.effect) };
  }

  /** #startFsync with the writer lane just taken by the caller (tryTake), released once it returns. */
  #startFsyncHeld(target: Lsn): StartedFsync | null {
    try {
      return this.#startFsync(target);
    } finally {
      this.#writerLane.release();
    }
  }

  /**
   * Under the writer lane: starts `effect` (an fsync) as the one fsync in flight. Its `settle`
   * ends the mark once the outcome is in the state (durable, or poisoned): a step waiting for it
   * may run then.
   */
  #launchFsync(effect: Effect): InFlightFsync {
    this.#inFlight = new Promise<void>((resolve) => {
      this.#inFlightResolve = resolve;
    });
    const done = this.#runner.run(effect);
    // The caller awaits `done` a few microtasks from now; an early EIO must not count as unhandled.
    done.catch(ignore);
    return { done, settle: this.#settleInFlight };
  }

  /**
   * Ends the in-flight mark of the one fsync in flight. One function made with the WalCore, not one
   * per fsync: a closure made per call costs more than the call (pending-calls.ts says why).
   */
  readonly #settleInFlight = (): void => {
    this.#inFlight = null;
    const resolve = this.#inFlightResolve;
    this.#inFlightResolve = ignore;
    resolve();
  };

  /**
   * The one step runner: computes the step from the current state, runs its effects in order and
   * adopts its state when all of them succeeded. A step whose effects all run at once (buffering,
   * writes) completes synchronously. One whose effects wait for the disk first waits for the
   * pipelined fsync in flight, then is computed again from the state that fsync left.
   */
  #runStep<T>(run: (state: WriterState) => writer.WriterStep<T>): T | Promise<T> {
    const step = run(this.#state);
    if (!step.ok) throw new WalError(step.error);
    if (this.#inFlight !== null && step.effects.some(EffectRunner.waits)) return this.#inFlight.then(() => this.#runStep(run));
    return this.#perform(this.#state, step, 0);
  }

  /** Runs the effects of `step` from index `from` on; the disk's waits chain the rest. */
  #perform<T>(before: WriterState, step: StepOk<T>, from: number): T | Promise<T> {
    for (let i = from; i < step.effects.length; i++) {
      const effect = step.effects[i] as Effect;
      if (EffectRunner.waits(effect)) {
        return this.#runner.run(effect).then(
          () => this.#perform(before, step, i + 1),
          (error: unknown) => this.#failed(before, effect, error),
        );
      }
      try {
        this.#runner.runNow(effect);
      } catch (error) {
        this.#failed(before, effect, error);
      }
    }
    this.#adopt(before, step.state);
    return step.value;
  }

  /**
   * Adopts a step's state. The host may have poisoned the WAL while the step's effects ran: the
   * poison is sticky and survives the adoption.
   */
  #adopt(before: WriterState, next: WriterState): void {
    const poisoned = this.#state.poisoned;
    this.#state = poisoned !== null && next.poisoned === null ? writer.poison(next, poisoned) : next;
    if (next.durableLsn > before.durableLsn) {
      this.emit(() => ({ action: 'Fsync', ok: true, durableLsn: next.durableLsn }));
      this.#settleWaiters(null);
    }
    this.#preparer.startIfDue();
  }

  /** An effect failed: poison, cut back a half-written frame, and report the I/O error. */
  #failed(before: WriterState, effect: Effect, error: unknown): never {
    if (!(error instanceof FsError)) throw error;
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
    if (effect.kind === 'fsync') this.emit(() => ({ action: 'Fsync', ok: false, durableLsn: before.durableLsn }));
    if (!wasPoisoned) this.emit(() => ({ action: 'Poison', reason }));
    this.#settleWaiters(new WalError({ code: 'Poisoned', reason }));
    throw walErrorFromFs(error);
  }

  /** Resolves the waiters the durable LSN now covers, or rejects all of them with `error`. */
  #settleWaiters(error: WalError | null): void {
    this.#waiters.settle(this.#state.durableLsn, error);
  }
}

function ignore(): void {}
