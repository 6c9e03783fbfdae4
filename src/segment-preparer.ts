// The background preparation of the next segment's file (wal-core.ts's header says how it fits
// the lanes): registering and creating the free file is a step under the writer lane; the zeros
// are written outside both lanes (nothing else touches the file); its fsync is an fsync in flight
// like a pipelined one, started under the writer lane while holding the sync lane, so it is never
// one of two fsyncs in flight, and a rotation waits for it in its place in the writer lane. A
// failure poisons the WAL like any other (through the host's `failed`).

import * as writer from './core/writer.js';
import type { Effect } from './core/effects.js';
import type { WriterState } from './core/writer-state.js';
import type { EffectRunner } from './effect-runner.js';
import type { Lane } from './lane.js';

/** An fsync started in flight: `done` is the disk's answer, `settle` ends the in-flight mark. */
export interface InFlightFsync {
  readonly done: Promise<void>;
  readonly settle: () => void;
}

/** What the preparer needs from the WalCore that owns it. */
export interface PreparerHost {
  readonly writerLane: Lane;
  readonly syncLane: Lane;
  readonly runner: EffectRunner;
  state(): WriterState;
  setState(state: WriterState): void;
  closing(): boolean;
  /** Starts `effect` (an fsync) as the one fsync in flight; the caller holds the writer lane. */
  launchFsync(effect: Effect): InFlightFsync;
  /** An effect failed: poisons, and throws the I/O error. */
  failed(before: WriterState, effect: Effect, error: unknown): never;
}

export class SegmentPreparer {
  /** The preparation under way, if any. */
  #preparing: Promise<void> | null = null;

  constructor(private readonly host: PreparerHost) {}

  /** Starts a preparation when the writer says one is due and none runs (called after every adopted step). */
  startIfDue(): void {
    if (this.#preparing !== null || this.host.closing() || !writer.prepareDue(this.host.state())) return;
    // No other preparation starts while this one is under way, so the one that ends is this one.
    this.#preparing = this.#prepare()
      // A failure poisoned the WAL and rejected its waiters already; the next call reports it.
      .catch(() => undefined)
      .finally(() => {
        this.#preparing = null;
      });
  }

  /** Resolves once no preparation runs (close waits for it). */
  async settled(): Promise<void> {
    if (this.#preparing !== null) await this.#preparing;
  }

  async #prepare(): Promise<void> {
    const host = this.host;
    const plan = await host.writerLane.run(() => {
      const started = host.closing() ? null : writer.prepareStart(host.state());
      if (started === null) return null;
      try {
        host.runner.runNow(started.create);
      } catch (error) {
        host.failed(host.state(), started.create, error);
      }
      host.setState(started.state);
      return started;
    });
    if (plan === null) return;
    try {
      await host.runner.run(plan.fill);
    } catch (error) {
      host.failed(host.state(), plan.fill, error);
    }
    await host.syncLane.run(async () => {
      const started = await host.writerLane.run(() => (host.state().poisoned !== null ? null : host.launchFsync(plan.sync)));
      if (started === null) return;
      try {
        await started.done;
        host.setState(writer.prepareDone(host.state(), plan.file));
      } catch (error) {
        host.failed(host.state(), plan.sync, error);
      } finally {
        started.settle();
      }
    });
  }
}
