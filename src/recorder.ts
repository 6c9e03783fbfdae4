// The Recorder: the host's handle (lora_wal's WalRecorder) around the pure recorder state machine.
// It owns no I/O of its own: commit() hands the buffered events to the Wal as one transaction,
// flush() and forceFsync() forward to the Wal, and any failure below poisons the recorder too.
// It sees the Wal only through RecorderHost, a private interface the Wal builds for it: this
// module imports nothing from wal.ts, and the trace sink stays off the public Wal.

import * as core from './core/recorder.js';
import { WalError } from './core/errors.js';
import type { Lsn } from './core/records.js';
import { traceText, type TraceEvent } from './core/trace.js';

/** What the Recorder needs from its Wal. */
export interface RecorderHost {
  writeTransaction(events: readonly Uint8Array[]): Promise<{ beginLsn: Lsn; commitLsn: Lsn }>;
  flush(): Promise<void>;
  forceFsync(): Promise<void>;
  poison(reason: string): void;
  poisoned(): string | null;
  /** Emits a trace event; the event is only built when a sink is configured. */
  emitTrace(build: () => TraceEvent): void;
  /** The Wal's turn gate (src/turn-gate.ts), for the calls that do no I/O: a promise to await, or undefined. */
  turn(): Promise<void> | undefined;
  /** Counts `call` among the calls the Wal's close() waits for, and returns it. */
  track<T>(call: Promise<T>): Promise<T>;
}

export class Recorder {
  readonly #wal: RecorderHost;
  #state: core.RecorderState = core.initialRecorderState;

  constructor(wal: RecorderHost) {
    this.#wal = wal;
  }

  /** Marks the start of a query; no I/O. Throws Poisoned when poisoned or already armed. */
  arm(): void {
    this.#adoptWalPoison();
    const step = core.arm(this.#state);
    this.#settle(step.state);
    if (!step.ok) throw new WalError(step.error);
    this.#wal.emitTrace(() => ({ action: 'Arm' }));
  }

  /** Buffers an event. Outside an armed query it poisons; when poisoned it does nothing. */
  record(event: Uint8Array): void {
    this.#settle(core.record(this.#state, event));
    // Poison is sticky, so a recorder unpoisoned after the record was unpoisoned before it too.
    if (this.#state.poisoned === null) this.#wal.emitTrace(() => ({ action: 'Record', event: traceText(event) }));
  }

  /**
   * Ends the query. "no": nothing was recorded, nothing was written, no LSN was allocated, and
   * the host should skip flush(). "yes": TxBegin, one MutationBatch and TxCommit were written.
   */
  commit(): Promise<'yes' | 'no'> {
    return this.#wal.track(this.#commit());
  }

  async #commit(): Promise<'yes' | 'no'> {
    this.#adoptWalPoison();
    const step = core.commit(this.#state);
    this.#settle(step.state);
    if (!step.ok) throw new WalError(step.error);
    if (step.value === null) {
      this.#wal.emitTrace(() => ({ action: 'Commit', wrote: false, beginLsn: null, commitLsn: null }));
      await this.#wal.turn();
      return 'no';
    }
    let written: { beginLsn: Lsn; commitLsn: Lsn };
    try {
      written = await this.#wal.writeTransaction(step.value);
    } catch (error) {
      this.#poisonedBy(error);
      throw error;
    }
    this.#wal.emitTrace(() => ({ action: 'Commit', wrote: true, ...written }));
    return 'yes';
  }

  /** Drops the query's events; true when the live store may have seen mutations. */
  abort(): Promise<boolean> {
    return this.#wal.track(this.#abort());
  }

  async #abort(): Promise<boolean> {
    this.#adoptWalPoison();
    const step = core.abort(this.#state);
    this.#settle(step.state);
    if (!step.ok) throw new WalError(step.error);
    this.#wal.emitTrace(() => ({ action: 'Abort', hadEvents: step.value }));
    await this.#wal.turn();
    return step.value;
  }

  flush(): Promise<void> {
    return this.#wal.track(this.#flush());
  }

  forceFsync(): Promise<void> {
    return this.#wal.track(this.#forceFsync());
  }

  // flush and forceFsync are spelled out rather than sharing a helper that takes the call as a
  // closure: they run once per commit, and a closure and a promise per call showed in the profile.
  async #flush(): Promise<void> {
    this.#refuseIfPoisoned();
    try {
      await this.#wal.flush();
    } catch (error) {
      this.#poisonedBy(error);
      throw error;
    }
  }

  async #forceFsync(): Promise<void> {
    this.#refuseIfPoisoned();
    try {
      await this.#wal.forceFsync();
    } catch (error) {
      this.#poisonedBy(error);
      throw error;
    }
  }

  /** The host quarantines the WAL: every later call fails until the WAL is reopened. */
  poison(reason: string): void {
    this.#settle(core.poison(this.#state, reason));
    this.#wal.poison(reason);
  }

  poisoned(): string | null {
    return this.#state.poisoned ?? this.#wal.poisoned();
  }

  #refuseIfPoisoned(): void {
    this.#adoptWalPoison();
    if (this.#state.poisoned !== null) throw new WalError({ code: 'Poisoned', reason: this.#state.poisoned });
  }

  /** A failure latched by the Wal (the group flusher's fsync, say) poisons the recorder too. */
  #adoptWalPoison(): void {
    const walReason = this.#wal.poisoned();
    if (walReason !== null && this.#state.poisoned === null) this.#state = core.poison(this.#state, walReason);
  }

  #settle(next: core.RecorderState): void {
    const newlyPoisoned = this.#state.poisoned === null && next.poisoned !== null;
    this.#state = next;
    if (newlyPoisoned && next.poisoned !== null) this.#wal.poison(next.poisoned);
  }

  /** A failure below the recorder poisons it (the caller then rethrows the failure). */
  #poisonedBy(error: unknown): void {
    const reason = error instanceof WalError ? error.message : String(error);
    this.#settle(core.poison(this.#state, reason));
  }
}
