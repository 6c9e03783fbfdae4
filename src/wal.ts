// The Wal handle: the imperative shell around the pure writer: the public calls, the background
// flusher and close. wal-core.ts runs the steps (state, lanes, effects, fsyncs, waiters) and says
// what overlapping calls do. Durability is acknowledged through durableLsn() and waitDurable(),
// which move only after an fsync that covers them returned OK.
//
// Size exception: the public calls of both format v2 (deflating payloads before their step) and
// checkpoints (noting commit points, checkpoint()) meet here, each a few lines.

import * as writer from './core/writer.js';
import { WalError } from './core/errors.js';
import type { Lsn } from './core/records.js';
import { traceText, type TraceSink } from './core/trace.js';
import type { WriterState } from './core/writer-state.js';
import type { CheckpointInput, CheckpointResult, Checkpointer } from './checkpointer.js';
import type { EffectRunner } from './effect-runner.js';
import type { DirectoryLock, FileSystem } from './fs/port.js';
import type { Deflater } from './compression.js';
import { PendingCalls } from './pending-calls.js';
import { Recorder, type RecorderHost } from './recorder.js';
import { TurnGate } from './turn-gate.js';
import { WalCore } from './wal-core.js';

export interface WalParts {
  readonly dir: string;
  readonly state: WriterState;
  readonly runner: EffectRunner;
  readonly fs: FileSystem;
  readonly lock: DirectoryLock;
  /** The group flusher's interval; null for the per-commit and none policies, which run no flusher. */
  readonly intervalMs: number | null;
  readonly trace: TraceSink | null;
  /** Deflates new payloads (WalOptions.compression); null stores them as they are. */
  readonly deflater: Deflater | null;
  readonly checkpointer: Checkpointer;
}

export class Wal {
  readonly dir: string;
  readonly #core: WalCore;
  readonly #lock: DirectoryLock;
  readonly #gate: TurnGate;
  readonly #deflater: Deflater | null;
  readonly #checkpointer: Checkpointer;
  #timer: ReturnType<typeof setInterval> | null = null;
  #fsyncScheduled = false;
  #closeDone: Promise<void> | null = null;
  #recorder: Recorder | null = null;
  readonly #calls = new PendingCalls();

  constructor(parts: WalParts) {
    this.dir = parts.dir;
    this.#core = new WalCore(parts.state, parts.runner, parts.trace, () => this.#timer?.unref());
    this.#lock = parts.lock;
    this.#gate = new TurnGate(parts.fs);
    this.#deflater = parts.deflater;
    this.#checkpointer = parts.checkpointer;
    // Only the group policy has an interval (options.ts), so only a group WAL runs a flusher.
    if (parts.intervalMs !== null) {
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
        emitTrace: (build) => this.#core.emit(build),
        turn: () => this.#gate.pass(),
        track: (call) => this.#calls.track(call),
      };
      this.#recorder = new Recorder(host);
    }
    return this.#recorder;
  }

  // The low-level calls emit their own trace lines (docs/trace-format.md), once their step is
  // adopted; the recorder's path (writeTransaction) does not, its Commit line stands for all three.
  // Each call is one async function: it runs synchronously up to its first await, so its step
  // takes its place in the writer lane before the call returns, and a step that needs no disk
  // costs no promise but the call's own (a group commit makes three such calls per commit).
  begin(): Promise<Lsn> {
    return this.#calls.track(this.#begin());
  }

  async #begin(): Promise<Lsn> {
    const stepped = this.#core.step(writer.begin);
    const beginLsn = stepped instanceof Promise ? await stepped : stepped;
    if (this.#core.tracing) this.#core.emit(() => ({ action: 'Begin', beginLsn }));
    return this.#passTurnGate(beginLsn);
  }

  append(txBeginLsn: Lsn, event: Uint8Array): Promise<Lsn> {
    return this.#calls.track(this.#append(txBeginLsn, event));
  }

  async #append(txBeginLsn: Lsn, event: Uint8Array): Promise<Lsn> {
    const stored = this.#deflater === null ? null : this.#deflater.event(event);
    const stepped = this.#core.stepAfter(stored, (s, payload) => writer.append(s, txBeginLsn, event, payload));
    const lsn = stepped instanceof Promise ? await stepped : stepped;
    if (this.#core.tracing) this.#core.emit(() => ({ action: 'Append', txBeginLsn, lsn, event: traceText(event) }));
    return this.#passTurnGate(lsn);
  }

  appendBatch(txBeginLsn: Lsn, events: readonly Uint8Array[]): Promise<Lsn> {
    return this.#calls.track(this.#appendBatch(txBeginLsn, events));
  }

  async #appendBatch(txBeginLsn: Lsn, events: readonly Uint8Array[]): Promise<Lsn> {
    const stored = this.#deflater === null ? null : this.#deflater.batch(events);
    const stepped = this.#core.stepAfter(stored, (s, payload) => writer.appendBatch(s, txBeginLsn, events, payload));
    const lsn = stepped instanceof Promise ? await stepped : stepped;
    if (this.#core.tracing) this.#core.emit(() => ({ action: 'AppendBatch', txBeginLsn, lsn, events: events.map(traceText) }));
    return this.#passTurnGate(lsn);
  }

  commit(txBeginLsn: Lsn): Promise<Lsn> {
    return this.#calls.track(this.#commit(txBeginLsn));
  }

  async #commit(txBeginLsn: Lsn): Promise<Lsn> {
    const stepped = this.#core.step((s) => this.#checkpointer.noteCommit(writer.commit(s, txBeginLsn), sameLsn));
    const commitLsn = stepped instanceof Promise ? await stepped : stepped;
    if (this.#core.tracing) this.#core.emit(() => ({ action: 'WalCommit', txBeginLsn, commitLsn }));
    this.#afterCommit();
    return this.#passTurnGate(commitLsn);
  }

  abort(txBeginLsn: Lsn): Promise<Lsn> {
    return this.#calls.track(this.#abort(txBeginLsn));
  }

  async #abort(txBeginLsn: Lsn): Promise<Lsn> {
    const stepped = this.#core.step((s) => writer.abort(s, txBeginLsn));
    const abortLsn = stepped instanceof Promise ? await stepped : stepped;
    if (this.#core.tracing) this.#core.emit(() => ({ action: 'WalAbort', txBeginLsn, abortLsn }));
    return this.#passTurnGate(abortLsn);
  }

  /**
   * Writes TxBegin, one MutationBatch and TxCommit in one step, with nothing interleaved: what the
   * recorder's commit() does. Returns both LSNs; pass commitLsn to waitDurable() to acknowledge.
   */
  writeTransaction(events: readonly Uint8Array[]): Promise<{ beginLsn: Lsn; commitLsn: Lsn }> {
    return this.#calls.track(this.#writeTransaction(events));
  }

  // The commit path, one async function with no promise of its own between the step and the turn
  // gate: it runs synchronously up to its first await, so the step takes its place in the writer
  // lane before writeTransaction returns, as #yielding's calls do.
  async #writeTransaction(events: readonly Uint8Array[]): Promise<{ beginLsn: Lsn; commitLsn: Lsn }> {
    // Deflating (when on) starts now, on the thread pool; the step keeps its place in call order.
    const stored = this.#deflater === null ? null : this.#deflater.batch(events);
    const stepped = this.#core.stepAfter(stored, (s, payload) => this.#checkpointer.noteCommit(writer.transaction(s, events, payload), commitLsnOf));
    const lsns = stepped instanceof Promise ? await stepped : stepped;
    this.#afterCommit();
    return this.#passTurnGate(lsns);
  }

  checkpointMarker(snapshotLsn: Lsn): Promise<Lsn> {
    const marked = this.#core.stepAsync((s) => writer.checkpointMarker(s, snapshotLsn)).then((lsn) => {
      this.#core.emit(() => ({ action: 'CheckpointMarker', lsn, snapshotLsn }));
      return lsn;
    });
    return this.#yielding(marked);
  }

  /**
   * Per the sync policy. per-commit: writes what is pending and resolves once an fsync covering it
   * returned OK (shared with every concurrent flush). group and none: writes to the OS only.
   */
  flush(): Promise<void> {
    return this.#calls.track(this.#flush());
  }

  async #flush(): Promise<void> {
    // When the writer lane is free the write happens now and the sync takes its place in the
    // sync lane now, before anything called after this flush.
    const pending = this.#core.writePending();
    const writtenLsn = typeof pending === 'number' ? pending : await pending;
    if (this.#core.state.config.syncMode === 'per-commit' && this.#core.state.durableLsn < writtenLsn) await this.#core.fsyncTo(writtenLsn, false);
    if (this.#core.tracing) this.#core.emit(() => ({ action: 'Flush', writtenLsn: this.#core.state.writtenLsn, durableLsn: this.#core.state.durableLsn }));
    const turn = this.#gate.pass();
    if (turn !== undefined) await turn;
  }

  /** Writes, fdatasyncs and advances the durable LSN whatever the policy. */
  forceFsync(): Promise<void> {
    const synced = (async () => {
      const pending = this.#core.writePending();
      await this.#core.fsyncTo(typeof pending === 'number' ? pending : await pending, true);
    })();
    return this.#yielding(synced);
  }

  truncateUpTo(upToLsn: Lsn): Promise<void> {
    const truncated = (async () => {
      const removedSegments = await this.#core.step((s) => writer.truncateUpTo(s, upToLsn, this.#checkpointer.firstNamedSegmentId()));
      this.#core.emit(() => ({ action: 'TruncateUpTo', upToLsn, removedSegments }));
    })();
    return this.#yielding(truncated);
  }

  /** Commits a snapshot at the durable commit LSN `input.lsn` through the MANIFEST (src/checkpointer.ts, docs/tour.md step 12). */
  checkpoint(input: CheckpointInput): Promise<CheckpointResult> {
    return this.#yielding(this.#checkpointer.checkpoint(this.#core, input));
  }

  /**
   * The highest LSN known to be on stable storage: an fsync covering it returned OK. Right after
   * open it is nextLsn - 1, because open rewrites and fsyncs what it replayed.
   */
  durableLsn(): Lsn {
    return this.#core.state.durableLsn;
  }

  nextLsn(): Lsn {
    return this.#core.state.nextLsn;
  }

  /** Why the WAL refuses everything, or null while it is healthy. */
  poisoned(): string | null {
    return this.#core.state.poisoned;
  }

  /** Segment file names, oldest first; the last is the active segment. */
  segments(): string[] {
    return [...this.#core.state.sealed.map((s) => s.name), this.#core.state.active.name];
  }

  /**
   * Resolves once the durable LSN reaches `lsn`; rejects when the WAL is poisoned or closed first.
   * Under per-commit it starts a sync (shared by every waiter of the same turn of the event loop,
   * and pipelined behind the one in flight: group commit); under group the background flusher
   * covers it; under none only forceFsync does.
   */
  waitDurable(lsn: Lsn): Promise<void> {
    if (!Number.isSafeInteger(lsn) || lsn < 0 || lsn >= this.#core.state.nextLsn) {
      return Promise.reject(
        new WalError({ code: 'InvalidArgument', argument: 'lsn', detail: `${lsn} has not been allocated (next LSN ${this.#core.state.nextLsn})` }),
      );
    }
    if (this.#core.closing) return Promise.reject(new WalError({ code: 'Closed' }));
    if (this.#core.state.poisoned !== null) return Promise.reject(new WalError({ code: 'Poisoned', reason: this.#core.state.poisoned }));
    if (lsn <= this.#core.state.durableLsn) return Promise.resolve();
    const durable = this.#core.waitFor(lsn);
    this.#timer?.ref();
    if (this.#core.state.config.syncMode === 'per-commit') this.#scheduleFsync();
    return durable;
  }

  /**
   * Resolves once every call made before it, and the background flusher's sync in flight, have
   * finished (whatever their outcome). Nothing is written or synced for it.
   */
  idle(): Promise<void> {
    return this.#core.idle();
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
    if (this.#timer !== null) clearInterval(this.#timer);
    const failure = await this.#core.close();
    await this.#calls.settled();
    this.#lock.release();
    this.#core.emit(() => ({ action: 'Close' }));
    if (failure !== null) throw failure;
  }

  /** Marks the WAL unusable until reopen; used by the recorder when the host poisons it. */
  poison(reason: string): void {
    this.#core.poison(reason);
  }

  /**
   * Every public call starts its work synchronously (so it takes its place in the lanes, before a
   * close() called after it), and passes the turn gate once the work is done.
   */
  #yielding<T>(work: Promise<T>): Promise<T> {
    return this.#calls.track(this.#afterTurn(work));
  }

  async #afterTurn<T>(work: Promise<T>): Promise<T> {
    const value = await work;
    const turn = this.#gate.pass();
    if (turn !== undefined) await turn;
    return value;
  }

  /** `value` once the turn gate passed: at once unless the budget is spent (the caller awaits it). */
  #passTurnGate<T>(value: T): T | Promise<T> {
    const turn = this.#gate.pass();
    return turn === undefined ? value : turn.then(() => value);
  }


  #afterCommit(): void {
    if (writer.fsyncDue(this.#core.state)) this.#scheduleFsync();
  }

  /** Runs one sync soon, once for every caller in the same turn of the event loop. */
  #scheduleFsync(): void {
    if (this.#fsyncScheduled) return;
    this.#fsyncScheduled = true;
    setImmediate(() => {
      this.#fsyncScheduled = false;
      this.#flusherFsync();
    });
  }

  /**
   * The group flusher's tick, and the sync a per-commit waitDurable starts: makes everything
   * allocated so far durable. A failure has poisoned the WAL and rejected every waiter already.
   */
  #flusherFsync(): void {
    if (this.#core.closing || this.#core.state.poisoned !== null) return;
    const s = this.#core.state;
    if (s.pendingBytes === 0 && s.writtenLsn <= s.durableLsn) return;
    // fsyncTo takes (or queues for) the sync lane before it returns, so an idle() called after
    // this tick waits for this sync.
    this.#core.fsyncTo(s.nextLsn - 1, true).catch(() => undefined);
  }
}

/** A commit's LSN is its own commit LSN (one function, not a closure per commit). */
function sameLsn(lsn: Lsn): Lsn {
  return lsn;
}

/** The commit LSN of a transaction's LSNs (one function, not a closure per commit). */
function commitLsnOf(lsns: { beginLsn: Lsn; commitLsn: Lsn }): Lsn {
  return lsns.commitLsn;
}
