// Replay: a pure function of the segments' bytes and the checkpoint LSN (DESIGN.md "Replay").
// One forward sweep in segment id order returns the committed transactions in commit order, the
// highest LSN on disk, the torn tail of the active segment if any, and the newest checkpoint
// marker; a malformed or corrupt log is a typed error naming segment, offset and LSN.
//
// Two forms share one machine (replay-machine.ts): `replay()` takes whole segments and returns
// an array, for small logs and tests; `replayStream()` takes each segment as a sequence of chunks
// and hands transactions to a callback as they commit, so memory stays bounded by the open
// transactions plus one chunk, however long the log. What replay does on each finding is the
// decision table in replay-decision.ts; docs/format.md explains it in words.

import type { Result } from './errors.js';
import type { Lsn, ReplayedTransaction } from './records.js';
import type { ReplayOutcome, ReplaySummary } from './replay-outcome.js';
import { Replayer } from './replay-machine.js';

export type { ReplayOutcome, ReplaySegment, ReplaySummary, TornTail } from './replay-outcome.js';
export { Replayer, type ReplayerOptions, type SegmentStart } from './replay-machine.js';

export interface ReplayInput {
  /** Segment files in ascending id order; the last one is the active segment. */
  readonly segments: readonly { readonly name: string; readonly id: number; readonly bytes: Uint8Array }[];
  readonly checkpointLsn: Lsn;
}

/**
 * Replays whole segments held in memory. Events in the result are views into the given bytes
 * (no copies), so they stay valid as long as the caller keeps those bytes unchanged.
 */
export function replay(input: ReplayInput): Result<ReplayOutcome> {
  const transactions: ReplayedTransaction[] = [];
  const replayer = new Replayer({
    checkpointLsn: input.checkpointLsn,
    copyEvents: false,
    onTransaction: (transaction) => transactions.push(transaction),
  });
  const last = input.segments.length - 1;
  for (let i = 0; i <= last; i++) {
    const segment = input.segments[i]!;
    const steps = [
      () => replayer.beginSegment({ name: segment.name, id: segment.id, last: i === last }),
      () => replayer.push(segment.bytes),
      () => replayer.endSegment(),
    ];
    for (const step of steps) {
      const result = step();
      if (!result.ok) return result;
    }
  }
  const summary = replayer.finish();
  if (!summary.ok) return summary;
  return { ok: true, value: { ...summary.value, transactions } };
}

export interface ReplayStreamInput {
  /** Segment files in ascending id order, each as a sequence of chunks read lazily. */
  readonly segments: readonly {
    readonly name: string;
    readonly id: number;
    readonly chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  }[];
  readonly checkpointLsn: Lsn;
  /**
   * Whether the chunk source hands out a fresh buffer per chunk that it never writes again. Then
   * events may stay views into chunks; otherwise (the default) each event is copied out, which is
   * also what keeps a long transaction from pinning every chunk it spans.
   */
  readonly chunksAreFresh?: boolean;
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
  const committed: ReplayedTransaction[] = [];
  const replayer = new Replayer({
    checkpointLsn: input.checkpointLsn,
    copyEvents: input.chunksAreFresh !== true,
    onTransaction: (transaction) => committed.push(transaction),
  });
  const deliver = async (): Promise<void> => {
    // Hand over what the last chunk committed before reading the next, so at most one chunk's
    // worth of transactions waits here.
    for (let i = 0; i < committed.length; i++) await onTransaction(committed[i]!);
    committed.length = 0;
  };
  const last = input.segments.length - 1;
  for (let i = 0; i <= last; i++) {
    const segment = input.segments[i]!;
    const begun = replayer.beginSegment({ name: segment.name, id: segment.id, last: i === last });
    if (!begun.ok) return begun;
    for await (const chunk of segment.chunks) {
      const pushed = replayer.push(chunk);
      if (!pushed.ok) return pushed;
      await deliver();
    }
    const ended = replayer.endSegment();
    if (!ended.ok) return ended;
    await deliver();
  }
  return replayer.finish();
}
