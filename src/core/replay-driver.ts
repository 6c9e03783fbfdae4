// The one driver of the replay machine. replay() (whole segments in memory), replayStream()
// (chunks from any async source) and the shell's sweepLog() (chunks read through the FileSystem
// port) all feed segments through it, so they agree on what they feed and when: segments in the
// listed order, the last one marked active, committed transactions handed on after every chunk,
// the summary once every segment was read.
//
// It is push-style: the caller reads the bytes, however it reads them, and pushes them in; the
// driver never reads, never awaits and never allocates more than the machine does. A caller that
// awaits between chunks (an async reader) drives it exactly as a synchronous one does.

import type { Inflate } from './codec.js';
import type { RecoveryPolicy, Result } from './errors.js';
import type { Lsn, ReplayedTransaction } from './records.js';
import { ReplayMachine } from './replay-machine.js';
import { ReplayPolicyMachine } from './replay-policy-machine.js';
import type { ReplaySummary } from './replay-outcome.js';

/** A segment file as the driver knows it: its name and the id the name carries. */
export interface SegmentRef {
  readonly name: string;
  readonly id: number;
}

export interface ReplayDriverOptions {
  readonly checkpointLsn: Lsn;
  /** Copy events out of the chunks (see ReplayMachineOptions.copyEvents). */
  readonly copyEvents: boolean;
  /** Inflates deflated payloads (see ReplayMachineOptions.inflate). */
  readonly inflate?: Inflate;
  /** See ReplayMachineOptions.hotPath. */
  readonly hotPath?: boolean;
  /** What to do with damage; 'tolerate-torn-tail' when omitted. */
  readonly policy?: RecoveryPolicy;
}

export class ReplayDriver {
  private readonly machine: ReplayMachine;
  private readonly defaultPolicy: boolean;
  private committed: ReplayedTransaction[] = [];
  private nextIndex = 0;

  /** @param segments the segment files in ascending id order; the last one is the active segment. */
  constructor(
    private readonly segments: readonly SegmentRef[],
    options: ReplayDriverOptions,
  ) {
    const machineOptions = { ...options, onTransaction: (transaction: ReplayedTransaction) => this.committed.push(transaction) };
    const defaultPolicy = options.policy === undefined || options.policy === 'tolerate-torn-tail';
    this.defaultPolicy = defaultPolicy;
    this.machine = defaultPolicy ? new ReplayMachine(machineOptions) : new ReplayPolicyMachine(machineOptions);
  }

  /** Begins the next listed segment and returns it; the bytes pushed next are its own. */
  beginSegment(): Result<SegmentRef> {
    const segment = this.segments[this.nextIndex];
    if (segment === undefined) throw new Error(`replay: all ${this.segments.length} segments were already begun`);
    const last = this.nextIndex === this.segments.length - 1;
    this.nextIndex += 1;
    const begun = this.machine.beginSegment({ name: segment.name, id: segment.id, last });
    return begun.ok ? { ok: true, value: segment } : begun;
  }

  /** Feeds the current segment's next bytes; a chunk may end anywhere, even inside a frame. */
  push(chunk: Uint8Array): Result<void> {
    // Stryker disable next-line ConditionalExpression: an empty chunk changes no phase of the machine; the shortcut only skips the call
    return chunk.length === 0 ? { ok: true, value: undefined } : this.machine.push(chunk);
  }

  /** The current segment's bytes have all been pushed. */
  endSegment(): Result<void> {
    return this.machine.endSegment();
  }

  /** Begins, pushes and ends the next segment in one step, for bytes already in memory. */
  feedSegment(bytes: Uint8Array): Result<void> {
    const begun = this.beginSegment();
    if (!begun.ok) return begun;
    const pushed = this.push(bytes);
    return pushed.ok ? this.endSegment() : pushed;
  }

  /**
   * The transactions that committed in the bytes pushed since the last call, in commit order; the
   * driver lets go of them. Call it after every chunk to keep memory bounded by one chunk's worth.
   */
  takeCommitted(): ReplayedTransaction[] {
    const taken = this.committed;
    this.committed = [];
    return taken;
  }

  /**
   * The caller is about to overwrite `buffer`, which earlier chunks it pushed were views of: what
   * the machine still holds there is copied out first (ReplayMachine.detachFrom). The caller must
   * itself have let go of the transactions it took from those chunks.
   */
  detachFrom(buffer: ArrayBufferLike): void {
    this.machine.detachFrom(buffer);
  }

  /**
   * Whether nothing pushed from now until the segment ends is kept as a view: the default policy's
   * machine, scanning behind the end of the live frames, copies what it keeps, and goes on
   * scanning to the segment's end. (The policy machine may read frames again after damage.)
   */
  keepsNoViewsToSegmentEnd(): boolean {
    // Stryker disable next-line BooleanLiteral,ConditionalExpression,LogicalOperator: answering false only gives up the reuse of scratch buffers (a new buffer per read, as before them): the same transactions, more memory. Dropping `defaultPolicy &&` changes nothing today either: a policy machine enters 'scanning' only where the default would (its onSpot sends salvage's spots to a resync instead) and leaves it only at the segment's end, keeping no views meanwhile; the test stays as a defence for a policy that reads frames again from a scan
    return this.defaultPolicy && this.machine.scanningBehindEnd;
  }

  /** Every listed segment has been fed: the rest of the outcome. */
  finish(): Result<ReplaySummary> {
    if (this.nextIndex !== this.segments.length) throw new Error(`replay: finish after ${this.nextIndex} of ${this.segments.length} segments`);
    return this.machine.finish();
  }
}
