// Logs for feeding a replay machine in chunks that may end anywhere: inside a segment header, inside
// a frame (which then waits in the carry), inside a stale or damaged frame whose scan goes on in
// the next chunk. The logs are chosen so that a split lands where the carry's paths differ from the
// whole-chunk ones: a v1 header, a v1 sealed segment's damaged frame, a frame whose length claims
// the next frame's bytes, a stale frame whose event holds a live frame of this life, a malformed
// record with a transaction after it. Used by the default machine's chunk tests (which also pin
// each log's whole replay) and by the policy machine's.
import { encodeFrame, encodeFrameV1 } from '../../../src/core/codec.js';
import type { Result } from '../../../src/core/errors.js';
import { SEGMENT_HEADER_BYTES, SEGMENT_HEADER_BYTES_V1 } from '../../../src/core/format.js';
import type { ReplayedTransaction, WalRecord } from '../../../src/core/records.js';
import type { ReplayMachine } from '../../../src/core/replay-machine.js';
import type { ReplayMachineOptions, ReplaySummary } from '../../../src/core/replay-outcome.js';
import { segmentSalt } from '../../../src/core/segment-header.js';
import { concat, planLog, plainTransactions, segment, segmentV1, text, type SegmentInput } from './log-builder.js';

/** A committed transaction: TxBegin at `begin`, one batch, TxCommit. */
const tx = (begin: number, event: string): WalRecord[] => [
  { kind: 'TxBegin', lsn: begin },
  { kind: 'MutationBatch', lsn: begin + 1, txBeginLsn: begin, events: [text(event)] },
  { kind: 'TxCommit', lsn: begin + 2, txBeginLsn: begin },
];

/** Where each record's frame starts in a v2 segment holding `records` after its header. */
function frameStarts(records: readonly WalRecord[], salt: number): number[] {
  const starts: number[] = [];
  let at = SEGMENT_HEADER_BYTES;
  for (const r of records) {
    starts.push(at);
    at += encodeFrame(r, salt).length;
  }
  return starts;
}

const withBytes = (s: SegmentInput, bytes: Uint8Array): SegmentInput => ({ ...s, bytes });
const zeros = (n: number): Uint8Array => new Uint8Array(n);

export interface Case {
  readonly name: string;
  readonly segments: readonly SegmentInput[];
  /** What the whole replay returns (a part of it), or the code of its error. */
  readonly whole: Record<string, unknown> | { readonly error: string };
  /** The begin LSNs of the transactions the whole replay delivers. */
  readonly delivered: readonly number[];
}

export const cases: Case[] = [];

{
  const log = planLog(
    [0, 1, 2, 3, 4].map((t) => ({ events: [text(`e${t}`)], ending: t === 3 ? ('abort' as const) : ('commit' as const), batched: t % 2 === 0 })),
    4,
  );
  cases.push({ name: 'an intact log of several segments', segments: log.segments, whole: { maxLsn: log.maxLsn, tornTail: null }, delivered: log.committed.map((t) => t.beginLsn) });
}

// A v1 log: a chunk that ends one byte short of the header's 12-byte prefix must not make the
// carry take more than the prefix (the rest is the header, then the frames).
cases.push({
  name: 'a v1 log, a sealed and an active segment',
  segments: [segmentV1(1, 1, tx(1, 'a')), segmentV1(2, 4, tx(4, 'b'))],
  whole: { maxLsn: 6, tornTail: null },
  delivered: [1, 4],
});

{
  // A bit flipped in the body of the batch: a sealed v1 segment fails at once, with the bytes of
  // the chunk after the frame never looked at.
  const sealed = segmentV1(1, 1, [...tx(1, 'a'), ...tx(4, 'b')]);
  const batchAt = SEGMENT_HEADER_BYTES_V1 + encodeFrameV1(tx(1, 'a')[0]!).length;
  const bytes = sealed.bytes.slice();
  bytes[batchAt + 12]! ^= 0x10;
  cases.push({
    name: 'a v1 sealed segment with a damaged frame',
    segments: [withBytes(sealed, bytes), segmentV1(2, 7, tx(7, 'c'))],
    whole: { error: 'Corruption' },
    delivered: [],
  });
}

{
  // The batch of the second transaction claims 10 bytes more than it holds: its claimed frame
  // covers the first bytes of the commit after it, which is whole and live. The scan behind the
  // spot starts one byte after the spot, finds the commit, and counts its LSN.
  const salt = segmentSalt(1, 1);
  const records = [...tx(1, 'a'), ...tx(4, 'b')];
  const seg = segment(1, 1, records);
  const batchAt = frameStarts(records, salt)[4]!;
  const bytes = concat([seg.bytes, zeros(64)]);
  new DataView(bytes.buffer).setUint32(batchAt, new DataView(bytes.buffer).getUint32(batchAt, true) + 10, true);
  const damaged = withBytes(seg, bytes);
  cases.push({
    name: 'an active v2 segment whose next-to-last frame claims the first bytes of the last one',
    segments: [damaged],
    whole: { maxLsn: 6, tornTail: { segment: seg.name, segmentId: 1, offsetBytes: batchAt, droppedBytes: bytes.length - batchAt, cause: 'bad-checksum', validFramesAfter: true, headerTorn: false } },
    delivered: [1],
  });
  cases.push({
    name: 'the same segment sealed',
    segments: [damaged, segment(2, 7, tx(7, 'c'))],
    whole: { error: 'Corruption' },
    delivered: [1],
  });
}

{
  // The batch of the second of three transactions claims the whole commit after it and the first
  // 10 bytes of the third transaction: a live frame lies whole inside the claimed frame's bytes.
  // Under skip-corrupted the resync finds it there, inside the bytes a carry completed, and the
  // frames that follow in the same chunk must still be read.
  const salt = segmentSalt(1, 1);
  const records = [...tx(1, 'a'), ...tx(4, 'b'), ...tx(7, 'c')];
  const seg = segment(1, 1, records);
  const starts = frameStarts(records, salt);
  const batchAt = starts[4]!;
  const bytes = concat([seg.bytes, zeros(64)]);
  const view = new DataView(bytes.buffer);
  view.setUint32(batchAt, view.getUint32(batchAt, true) + (starts[6]! - starts[5]!) + 10, true);
  cases.push({
    name: 'an active v2 segment whose middle batch claims the whole frame after it and more',
    segments: [withBytes(seg, bytes)],
    whole: { maxLsn: 9, tornTail: { segment: seg.name, segmentId: 1, offsetBytes: batchAt, droppedBytes: bytes.length - batchAt, cause: 'bad-checksum', validFramesAfter: true, headerTorn: false } },
    delivered: [1],
  });
}

{
  // A stale frame (an earlier life's salt) whose event holds the bytes of a whole live frame of
  // this life: a stale frame is skipped whole, so those bytes are never read as a frame.
  const salt = segmentSalt(1, 1);
  const live = encodeFrame({ kind: 'TxBegin', lsn: 9 }, salt);
  const stale = encodeFrame({ kind: 'MutationBatch', lsn: 50, txBeginLsn: 49, events: [concat([text('an earlier life:'), live, text('.')])] }, segmentSalt(1, 40));
  const seg = segment(1, 1, tx(1, 'a'));
  const staleAt = seg.bytes.length;
  const reused = withBytes(seg, concat([seg.bytes, stale, zeros(40)]));
  cases.push({
    name: 'an active v2 segment ending at a stale frame whose event holds a live frame',
    segments: [reused],
    whole: { maxLsn: 3, tornTail: null, end: { segment: seg.name, segmentId: 1, offsetBytes: staleAt, kind: 'stale' } },
    delivered: [1],
  });
  cases.push({
    name: 'the same segment sealed, its successor naming the stale frame as its end',
    segments: [reused, segment(2, 4, tx(4, 'b'), { previousEnd: staleAt })],
    whole: { maxLsn: 6, tornTail: null },
    delivered: [1, 4],
  });
}

{
  // A stale frame whose body is as long as a frame header plus the live frame before it: skipping
  // it by anything but its own length would land elsewhere, back on that live frame for one.
  const salt = segmentSalt(1, 1);
  const records: WalRecord[] = [{ kind: 'TxBegin', lsn: 1 }, { kind: 'MutationBatch', lsn: 2, txBeginLsn: 1, events: [text('hello')] }];
  const batchBytes = encodeFrame(records[1]!, salt).length;
  const staleOf = (n: number): Uint8Array => encodeFrame({ kind: 'MutationBatch', lsn: 50, txBeginLsn: 49, events: [zeros(n).fill(7)] }, segmentSalt(1, 40));
  const stale = staleOf(12 + batchBytes + 12 - staleOf(0).length);
  if (stale.length - 12 !== 12 + batchBytes) throw new Error('the stale frame is not the length this case needs');
  const seg = segment(1, 1, records);
  cases.push({
    name: 'an active v2 segment ending at a stale frame a frame header longer than the frame before it',
    segments: [withBytes(seg, concat([seg.bytes, stale, zeros(40)]))],
    whole: { maxLsn: 2, tornTail: null, end: { segment: seg.name, segmentId: 1, offsetBytes: seg.bytes.length, kind: 'stale' } },
    delivered: [],
  });
}

{
  // LSN 3 again (rule M4): the replay fails there, and no transaction after it is delivered.
  const records: WalRecord[] = [...tx(1, 'a'), { kind: 'TxBegin', lsn: 3 }, ...tx(5, 'b')];
  cases.push({ name: 'a malformed record with a committed transaction after it', segments: [segment(1, 1, records)], whole: { error: 'Malformed' }, delivered: [1] });
}

/** The bytes cut at `cuts` (positions inside them; others ignored), each piece a buffer of its own. */
export function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const inside = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
  return [0, ...inside].map((from, i) => bytes.slice(from, inside[i] ?? bytes.length));
}

export interface Fed {
  readonly result: Result<ReplaySummary>;
  readonly transactions: unknown[];
}

/** Makes the machine under test from the options feed() gives it. */
export type MakeMachine = (options: ReplayMachineOptions) => ReplayMachine;

/** Feeds segment i as the chunks `chunksOf(i, bytes)`; stops at the first error, as replay's callers do. */
export function feed(make: MakeMachine, segments: readonly SegmentInput[], chunksOf: (index: number, bytes: Uint8Array) => Uint8Array[], copyEvents: boolean): Fed {
  const delivered: ReplayedTransaction[] = [];
  const machine = make({ checkpointLsn: 0, copyEvents, onTransaction: (t) => delivered.push(t) });
  const run = (): Result<ReplaySummary> => {
    for (const [i, s] of segments.entries()) {
      const begun = machine.beginSegment({ name: s.name, id: s.id, last: i === segments.length - 1 });
      if (!begun.ok) return begun;
      for (const chunk of chunksOf(i, s.bytes)) {
        const pushed = machine.push(chunk);
        if (!pushed.ok) return pushed;
      }
      const ended = machine.endSegment();
      if (!ended.ok) return ended;
    }
    return machine.finish();
  };
  const result = run();
  return { result, transactions: plainTransactions(delivered) };
}

// copyEvents: true takes every frame through the general path, false through the hot path first.
export const paths = [false, true] as const;
