// Builds segment bytes from records with the real codec, for replay tests.
import fc from 'fast-check';
import { encodeFrame, encodeFrameV1 } from '../../../src/core/codec.js';
import { writeU32 } from '../../../src/core/le-bytes.js';
import { segmentFileName } from '../../../src/core/format.js';
import type { ReplayedTransaction, WalRecord } from '../../../src/core/records.js';
import { encodeSegmentHeader, segmentSalt } from '../../../src/core/segment-header.js';

export interface SegmentInput {
  readonly name: string;
  readonly id: number;
  readonly bytes: Uint8Array;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Segments as replayStream takes them, each cut into chunks of `chunkBytes` (the last one shorter). */
export function inChunks(segments: readonly SegmentInput[], chunkBytes: number): { name: string; id: number; chunks: Uint8Array[] }[] {
  return segments.map((seg) => ({
    name: seg.name,
    id: seg.id,
    chunks: Array.from({ length: Math.ceil(seg.bytes.length / chunkBytes) }, (_, i) => seg.bytes.slice(i * chunkBytes, (i + 1) * chunkBytes)),
  }));
}

/** Writes `events` at `at` in `buffer` as a batch's entries (u32 length, then the bytes); returns where they end. */
export function putEntries(buffer: Uint8Array, at: number, events: readonly Uint8Array[]): number {
  for (const event of events) {
    writeU32(buffer, at, event.length);
    buffer.set(event, at + 4);
    at += 4 + event.length;
  }
  return at;
}

/** A v2 segment: header (salt as walref chooses it, previous end unknown) and the records' frames. */
export function segment(id: number, baseLsn: number, records: readonly WalRecord[], options: { readonly previousEnd?: number } = {}): SegmentInput {
  const salt = segmentSalt(id, baseLsn);
  const header = encodeSegmentHeader({ segmentId: id, baseLsn, salt, previousEnd: options.previousEnd ?? 0 });
  return { name: segmentFileName(id), id, bytes: concat([header, ...records.map((r) => encodeFrame(r, salt))]) };
}

/** A v1 segment, as a v1 walref wrote it: 32-byte header, 8-byte frame prefixes, no salt. */
export function segmentV1(id: number, baseLsn: number, records: readonly WalRecord[]): SegmentInput {
  return { name: segmentFileName(id), id, bytes: concat([encodeSegmentHeader({ segmentId: id, baseLsn, version: 1 }), ...records.map(encodeFrameV1)]) };
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** One transaction of a generated workload: its events, and how it ends. */
export interface TxPlan {
  readonly events: readonly Uint8Array[];
  readonly ending: 'commit' | 'abort' | 'open';
  readonly batched: boolean;
}

export interface PlannedLog {
  readonly segments: SegmentInput[];
  /** Every transaction that committed, in commit order, as replay must return it. */
  readonly committed: ReplayedTransaction[];
  readonly maxLsn: number;
}

/**
 * Lays the planned transactions out one after another (LSNs from 1), rotating to a new segment
 * before a TxBegin whenever the current one holds `recordsPerSegment` records, as the writer does.
 */
export function planLog(plans: readonly TxPlan[], recordsPerSegment: number): PlannedLog {
  const segments: SegmentInput[] = [];
  const committed: ReplayedTransaction[] = [];
  let records: WalRecord[] = [];
  let segmentId = 1;
  let base = 1;
  let lsn = 0;
  const seal = (): void => {
    segments.push(segment(segmentId, base, records));
    segmentId += 1;
    base = lsn + 1;
    records = [];
  };
  for (const plan of plans) {
    if (records.length >= recordsPerSegment) seal();
    const beginLsn = ++lsn;
    records.push({ kind: 'TxBegin', lsn: beginLsn });
    if (plan.batched) {
      records.push({ kind: 'MutationBatch', lsn: ++lsn, txBeginLsn: beginLsn, events: plan.events });
    } else {
      for (const event of plan.events) records.push({ kind: 'Mutation', lsn: ++lsn, txBeginLsn: beginLsn, event });
    }
    if (plan.ending === 'commit') {
      const commitLsn = ++lsn;
      records.push({ kind: 'TxCommit', lsn: commitLsn, txBeginLsn: beginLsn });
      committed.push({ beginLsn, commitLsn, events: plan.events, eventCount: plan.events.length });
    } else if (plan.ending === 'abort') {
      records.push({ kind: 'TxAbort', lsn: ++lsn, txBeginLsn: beginLsn });
    }
  }
  seal();
  return { segments, committed, maxLsn: lsn };
}

/** Transactions whose events are unique, so a replayed one can be matched to its origin. */
export const planArb: fc.Arbitrary<TxPlan[]> = fc
  .array(
    fc.record({
      eventCount: fc.nat(3),
      ending: fc.constantFrom<TxPlan['ending']>('commit', 'commit', 'abort', 'open'),
      batched: fc.boolean(),
      size: fc.nat(40),
    }),
    { maxLength: 12 },
  )
  .map((shapes) =>
    shapes.map((shape, t) => ({
      ending: shape.ending,
      batched: shape.batched,
      events: Array.from({ length: shape.eventCount }, (_, e) => text(`tx${t}-ev${e}-${'x'.repeat(shape.size)}`)),
    })),
  );

/** Plain data for deep comparison of transactions whose events may be views. */
export function plainTransactions(transactions: readonly Pick<ReplayedTransaction, 'beginLsn' | 'commitLsn' | 'events'>[]): unknown[] {
  return transactions.map((t) => ({ beginLsn: t.beginLsn, commitLsn: t.commitLsn, events: t.events.map((e) => Array.from(e)) }));
}
