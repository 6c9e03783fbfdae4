import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Result } from '../../../src/core/errors.js';
import type { ReplayedTransaction } from '../../../src/core/records.js';
import { replay, replayStream, type ReplayOutcome, type ReplaySummary } from '../../../src/core/replay.js';
import { encodeSegmentHeader } from '../../../src/core/segment-header.js';
import { planArb, planLog, plainTransactions, type SegmentInput } from './log-builder.js';
import { mutate, mutationArb } from './log-mutations.js';

const deep = process.env['WALREF_DEEP'] !== undefined;
const runs = (quick: number): number => (deep ? quick * 20 : quick);

const ERROR_CODES = new Set(['Corruption', 'BadSegmentHeader', 'Malformed']);

/** Splits bytes into chunks whose sizes cycle through `sizes`. */
function chunked(bytes: Uint8Array, sizes: readonly number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let at = 0;
  let i = 0;
  while (at < bytes.length) {
    const size = Math.max(1, sizes[i++ % sizes.length]!);
    chunks.push(bytes.slice(at, at + size));
    at += size;
  }
  return chunks;
}

async function streamed(
  segments: readonly SegmentInput[],
  checkpointLsn: number,
  sizes: readonly number[],
  chunksAreFresh: boolean,
): Promise<Result<ReplayOutcome>> {
  const transactions: ReplayedTransaction[] = [];
  const summary: Result<ReplaySummary> = await replayStream(
    { segments: segments.map((s) => ({ name: s.name, id: s.id, chunks: chunked(s.bytes, sizes) })), checkpointLsn, chunksAreFresh },
    async (tx) => {
      transactions.push(tx);
    },
  );
  return summary.ok ? { ok: true, value: { ...summary.value, transactions } } : summary;
}

function comparable(result: Result<ReplayOutcome>): unknown {
  return result.ok ? { ...result.value, transactions: plainTransactions(result.value.transactions) } : result;
}

/** Replays without letting anything but a typed result escape. */
function replaySafely(segments: readonly SegmentInput[], checkpointLsn = 0): Result<ReplayOutcome> {
  const result = replay({ segments, checkpointLsn });
  if (!result.ok) expect(ERROR_CODES.has(result.error.code), result.error.code).toBe(true);
  return result;
}

const mutatedLogArb = fc.record({
  plans: planArb,
  recordsPerSegment: fc.integer({ min: 2, max: 12 }),
  mutations: fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
});

describe('replay properties', () => {
  it('arbitrary bytes, with or without a valid header in front, replay to a typed outcome or typed error and never throw', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.uint8Array({ maxLength: 300 })), { maxLength: 4 }), (raw) => {
        const segments = raw.map(([withHeader, bytes], i) => {
          const id = i + 1;
          const header = encodeSegmentHeader({ segmentId: id, baseLsn: 1 + 100 * i, salt: 1 + i });
          const all = withHeader ? new Uint8Array([...header, ...bytes]) : bytes;
          return { name: `s${id}`, id, bytes: all };
        });
        const result = replaySafely(segments);
        if (result.ok) {
          expect(result.value.segments.length).toBe(segments.length);
          const tail = result.value.tornTail;
          if (tail !== null) expect(tail.offsetBytes + tail.droppedBytes).toBe(segments[segments.length - 1]!.bytes.length);
        }
      }),
      { numRuns: runs(400) },
    );
  });

  it('an intact planned log replays to exactly its committed transactions, in commit order, with the highest LSN on disk', () => {
    fc.assert(
      fc.property(planArb, fc.integer({ min: 2, max: 12 }), (plans, perSegment) => {
        const log = planLog(plans, perSegment);
        const result = replaySafely(log.segments);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(plainTransactions(result.value.transactions)).toEqual(plainTransactions(log.committed));
        expect(result.value.maxLsn).toBe(log.maxLsn);
        expect(result.value.tornTail).toBeNull();
      }),
      { numRuns: runs(150) },
    );
  });

  it('a mutated log never replays a transaction that was not committed in the original, and keeps commit order', () => {
    fc.assert(
      fc.property(mutatedLogArb, ({ plans, recordsPerSegment, mutations }) => {
        const log = planLog(plans, recordsPerSegment);
        const segments = mutations.reduce<SegmentInput[]>((s, m) => mutate(s, m), log.segments);
        const result = replaySafely(segments);
        if (!result.ok) return;
        const committed = plainTransactions(log.committed) as { beginLsn: number }[];
        let lastIndex = -1;
        for (const tx of plainTransactions(result.value.transactions) as { beginLsn: number }[]) {
          const index = committed.findIndex((c) => c.beginLsn === tx.beginLsn);
          expect(index, `replayed tx ${tx.beginLsn} was never committed`).toBeGreaterThan(lastIndex);
          expect(tx).toEqual(committed[index]);
          lastIndex = index;
        }
        // Whatever survives on disk, a reopened WAL must not reuse its LSNs.
        expect(result.value.maxLsn).toBeLessThanOrEqual(log.maxLsn);
      }),
      { numRuns: runs(400) },
    );
  });

  it('a torn tail made by truncating the active segment replays exactly the transactions committed before the cut', () => {
    fc.assert(
      fc.property(planArb, fc.integer({ min: 2, max: 12 }), fc.nat(), (plans, perSegment, cutSeed) => {
        const log = planLog(plans, perSegment);
        const last = log.segments[log.segments.length - 1]!;
        const cut = cutSeed % (last.bytes.length + 1);
        const segments = [...log.segments.slice(0, -1), { ...last, bytes: last.bytes.subarray(0, cut) }];
        const result = replaySafely(segments);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        const lastSeg = result.value.segments[result.value.segments.length - 1]!;
        const survivors = log.committed.filter((t) => lastSeg.lastLsn === null ? t.commitLsn < lastSeg.baseLsn : t.commitLsn <= lastSeg.lastLsn);
        expect(plainTransactions(result.value.transactions)).toEqual(plainTransactions(survivors));
        expect(result.value.tornTail?.validFramesAfter ?? false).toBe(false);
      }),
      { numRuns: runs(200) },
    );
  });

  it('streaming replay in random chunk sizes gives the same outcome or error as array replay, on intact and mutated logs', async () => {
    await fc.assert(
      fc.asyncProperty(
        mutatedLogArb,
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 70 }), { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        fc.nat(6),
        async ({ plans, recordsPerSegment, mutations }, mutated, sizes, fresh, checkpointLsn) => {
          const log = planLog(plans, recordsPerSegment);
          const segments = mutated ? mutations.reduce<SegmentInput[]>((s, m) => mutate(s, m), log.segments) : log.segments;
          const whole = replaySafely(segments, checkpointLsn);
          const inChunks = await streamed(segments, checkpointLsn, sizes, fresh);
          if (whole.ok) {
            expect(comparable(inChunks)).toEqual(comparable(whole));
          } else {
            expect(inChunks).toEqual(whole);
          }
        },
      ),
      { numRuns: runs(300) },
    );
  });

  it('streaming replay copies events out of reused chunk buffers, so they survive the buffer being overwritten', async () => {
    const log = planLog([{ events: [new TextEncoder().encode('kept')], ending: 'commit', batched: false }], 10);
    const bytes = log.segments[0]!.bytes;
    const shared = new Uint8Array(128); // whole frames fit, so events are decoded straight from it
    function* reusing(): Generator<Uint8Array> {
      for (let at = 0; at < bytes.length; at += shared.length) {
        const piece = bytes.subarray(at, at + shared.length);
        shared.set(piece);
        yield shared.subarray(0, piece.length);
      }
      shared.fill(0xee);
    }
    const transactions: ReplayedTransaction[] = [];
    const summary = await replayStream({ segments: [{ name: 's', id: 1, chunks: reusing() }], checkpointLsn: 0 }, (tx) => {
      transactions.push(tx);
    });
    expect(summary.ok).toBe(true);
    expect(plainTransactions(transactions)).toEqual(plainTransactions(log.committed));
  });
});
