// Replay: a pure function of the segments' bytes and the checkpoint LSN (DESIGN.md "Replay").
// One forward sweep in segment id order returns the committed transactions in commit order, the
// highest LSN on disk, the torn tail of the active segment if any, and the newest checkpoint
// marker; a malformed or corrupt log is a typed error naming segment, offset and LSN.
//
// Two forms share one machine (replay-machine.ts), fed by one driver (replay-driver.ts), which the
// shell's sweepLog() uses too: `replay()` takes whole segments and returns an array, for small
// logs and tests; `replayStream()` takes each segment as a sequence of chunks and hands
// transactions to a callback as they commit, so memory stays bounded by the open
// transactions plus one chunk, however long the log. What replay does on each finding is the
// decision table in replay-decision.ts; docs/format.md explains it in words.

import type { Inflate } from './codec.js';
import type { RecoveryPolicy, Result } from './errors.js';
import type { Lsn, ReplayedTransaction } from './records.js';
import { ReplayDriver } from './replay-driver.js';
import type { ReplayOutcome, ReplaySummary } from './replay-outcome.js';

export type {
  CutReport,
  EndKind,
  LogEnd,
  PolicyReport,
  ReplayMachineOptions,
  ReplayOutcome,
  ReplaySegment,
  ReplaySummary,
  SegmentStart,
  SkippedRange,
  TornTail,
} from './replay-outcome.js';
export { ReplayMachine } from './replay-machine.js';
export { ReplayDriver, type ReplayDriverOptions, type SegmentRef } from './replay-driver.js';

export interface ReplayInput {
  /** Segment files in ascending id order; the last one is the active segment. */
  readonly segments: readonly { readonly name: string; readonly id: number; readonly bytes: Uint8Array }[];
  readonly checkpointLsn: Lsn;
  /** Inflates deflated payloads; needed only for a log that holds some. */
  readonly inflate?: Inflate;
  /** See ReplayMachineOptions.hotPath (tests turn it off to compare). */
  readonly hotPath?: boolean;
  /** What to do with damage; 'tolerate-torn-tail' when omitted. */
  readonly policy?: RecoveryPolicy;
}

/**
 * Replays whole segments held in memory. Events in the result are views into the given bytes
 * (no copies), so they stay valid as long as the caller keeps those bytes unchanged.
 */
export function replay(input: ReplayInput): Result<ReplayOutcome> {
  const driver = new ReplayDriver(input.segments, {
    checkpointLsn: input.checkpointLsn,
    copyEvents: false,
    ...(input.inflate === undefined ? {} : { inflate: input.inflate }),
    ...(input.hotPath === undefined ? {} : { hotPath: input.hotPath }),
    policy: input.policy ?? 'tolerate-torn-tail',
  });
  for (const segment of input.segments) {
    const fed = driver.feedSegment(segment.bytes);
    if (!fed.ok) return fed;
  }
  const summary = driver.finish();
  if (!summary.ok) return summary;
  return { ok: true, value: { ...summary.value, transactions: driver.takeCommitted() } };
}

export interface ReplayStreamInput {
  /** Segment files in ascending id order, each as a sequence of chunks read lazily. */
  readonly segments: readonly {
    readonly name: string;
    readonly id: number;
    readonly chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  }[];
  readonly checkpointLsn: Lsn;
  /** Inflates deflated payloads; needed only for a log that holds some. */
  readonly inflate?: Inflate;
  /**
   * Whether the chunk source hands out a fresh buffer per chunk that it never writes again. Then
   * events may stay views into chunks; otherwise (the default) each event is copied out, which is
   * also what keeps a long transaction from pinning every chunk it spans.
   */
  readonly chunksAreFresh?: boolean;
  /** What to do with damage; 'tolerate-torn-tail' when omitted. */
  readonly policy?: RecoveryPolicy;
}

/**
 * Replays segments chunk by chunk, awaiting `onTransaction` for each committed transaction in
 * commit order, and returns everything else once the last segment is read. A chunk may end
 * anywhere, even inside a frame or the header. On a typed error no further transaction is
 * delivered; transactions already delivered were committed in the log before the bad spot.
 */
export async function replayStream(
  input: ReplayStreamInput,
  onTransaction: (transaction: ReplayedTransaction) => void | Promise<void>,
): Promise<Result<ReplaySummary>> {
  const driver = new ReplayDriver(input.segments, {
    checkpointLsn: input.checkpointLsn,
    copyEvents: input.chunksAreFresh !== true,
    ...(input.inflate === undefined ? {} : { inflate: input.inflate }),
    policy: input.policy ?? 'tolerate-torn-tail',
  });
  // Hand over what the last chunk committed before reading the next, so at most one chunk's worth
  // of transactions waits here.
  const deliver = async (): Promise<void> => {
    for (const transaction of driver.takeCommitted()) await onTransaction(transaction);
  };
  for (const segment of input.segments) {
    const begun = driver.beginSegment();
    if (!begun.ok) return begun;
    for await (const chunk of segment.chunks) {
      const pushed = driver.push(chunk);
      if (!pushed.ok) return pushed;
      await deliver();
    }
    const ended = driver.endSegment();
    if (!ended.ok) return ended;
    await deliver();
  }
  const summary = driver.finish();
  if (summary.ok) await deliver();
  return summary;
}
