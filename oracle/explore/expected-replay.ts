// The exact replay a crash image must produce, computed from the surviving writes.
//
// The walk follows docs/format.md's rules with the oracle's own placements: segments in id order;
// in each, the header must be the bytes a write put there, then frames follow one after another,
// each intact only if the image holds exactly the bytes of a write that placed a record there.
// The first byte that is not an intact frame ends the segment. In the newest segment that is a
// torn tail (dropped, as a crash leftover); in an older segment it is damage that no legal crash
// should leave, so recovery is expected to fail loudly. Then replay's semantics on the records:
// skip records at or below the checkpoint LSN, hold events until TxCommit, drop on TxAbort, drop
// what is still open at the end.
//
// Under a recovery policy other than the default (docs/format.md, "Recovery policies") the walk
// follows that policy's column: absolute expects a torn spot to be refused (`refused`);
// point-in-time cuts at damage in a sealed segment instead of failing; skip-corrupted goes on after
// a spot that is not an intact frame at the next intact one in the same segment (a gap), drops the
// transactions open across a gap and passes over later records that name one a gap may have held.
//
// With layout.ts it is the second of two independent survivor computations (survivors.ts is the
// first, from bytes alone); test/oracle/explore/survivors.agreement.test.ts checks they agree.

import { match } from 'ts-pattern';
import { ORACLE_SEGMENT_HEADER_BYTES } from './disk-format.js';
import type { HistoryRecord, ReplayedTx } from './explore-history.js';
import type { Layout, Placement } from './layout.js';
import type { RecoveryPolicyLike } from './wal-api.js';

export interface ExpectedReplay {
  /** null when recovery must succeed; otherwise why the image cannot be recovered. */
  readonly failure: string | null;
  /** Under absolute: the torn spot the policy must refuse (a Damaged error); null otherwise. */
  readonly refused: string | null;
  readonly transactions: readonly ReplayedTx[];
  /** The snapshot LSN of the newest checkpoint marker above the checkpoint LSN, null when none. */
  readonly checkpointObserved: number | null;
  /** Records read in order up to each segment's end or torn point. */
  readonly records: readonly HistoryRecord[];
  /** The highest LSN of any intact frame anywhere in the image (NoReuseInv's bound). */
  readonly maxSurvivingLsn: number;
  /** Segments walked, with where each stopped, for counterexamples. */
  readonly segments: readonly { readonly name: string; readonly intactBytes: number; readonly sizeBytes: number; readonly records: number }[];
}

function equalAt(image: Uint8Array, offsetBytes: number, bytes: Uint8Array): boolean {
  // Stryker disable next-line ArithmeticOperator: with offset - length, the shortcut fires only when the offset is past the end, where a byte reads undefined and the loop below finds it unequal anyway
  if (offsetBytes + bytes.length > image.length) return false;
  for (let i = 0; i < bytes.length; i++) if (image[offsetBytes + i] !== bytes[i]) return false;
  return true;
}

function matching(image: Uint8Array, candidates: readonly Placement[] | undefined, upToOp: number): Placement | undefined {
  if (candidates === undefined) return undefined;
  // The newest write first: when two sessions wrote the same offset, the later bytes are likelier.
  for (let i = candidates.length - 1; i >= 0; i--) {
    const candidate = candidates[i];
    if (candidate !== undefined && candidate.opIndex < upToOp && equalAt(image, candidate.offsetBytes, candidate.bytes)) return candidate;
  }
  return undefined;
}

/**
 * @param upToOp only writes with an op index below this count (the crash point) placed bytes.
 * @param checkpointLsn the checkpoint LSN the recovering host passes to openWal.
 */
export function expectedReplay(
  segments: readonly { name: string; bytes: Uint8Array }[],
  layout: Layout,
  upToOp: number,
  checkpointLsn: number,
  policy: RecoveryPolicyLike = 'tolerate-torn-tail',
): ExpectedReplay {
  const walk = walkSegments(segments, layout, upToOp, policy);
  const records = walk.records.filter((r): r is HistoryRecord => r !== GAP);
  const { maxSurvivingLsn, refused } = walk;
  if (walk.failure !== null) return { failure: walk.failure, refused, transactions: [], checkpointObserved: null, records, maxSurvivingLsn, segments: walk.segments };
  return { ...replayRecords(walk.records, checkpointLsn), refused, records, maxSurvivingLsn, segments: walk.segments };
}

/** Where skip-corrupted skipped bytes that were not an intact frame, between two records. */
const GAP = 'gap' as const;
type Walk = HistoryRecord | typeof GAP;

/** The first intact frame after offset `from` (skip-corrupted's resync), or undefined. */
function nextIntact(image: Uint8Array, placements: ReadonlyMap<number, readonly Placement[]> | undefined, from: number, upToOp: number): Placement | undefined {
  const offsets = [...(placements?.keys() ?? [])].filter((o) => o > from).sort((a, b) => a - b);
  for (const offset of offsets) {
    const found = matching(image, placements?.get(offset), upToOp);
    if (found?.kind === 'frame') return found;
  }
  return undefined;
}

type Walked = ExpectedReplay['segments'][number];

/** The intact records of the image, segment by segment, up to the first byte that is not an intact frame. */
function walkSegments(
  segments: readonly { name: string; bytes: Uint8Array }[],
  layout: Layout,
  upToOp: number,
  policy: RecoveryPolicyLike,
): { failure: string | null; refused: string | null; records: Walk[]; maxSurvivingLsn: number; segments: Walked[] } {
  const records: Walk[] = [];
  const walked: Walked[] = [];
  let failure: string | null = null;
  let refused: string | null = null;
  let cut = false;
  let maxSurvivingLsn = 0;
  const damaged = (isLast: boolean, what: string): void => {
    if (isLast && policy === 'absolute') refused = what;
    else if (!isLast && policy === 'point-in-time') cut = true;
    else if (!isLast && policy === 'skip-corrupted') records.push(GAP);
    else if (!isLast) failure = what;
  };
  segments.forEach((segment, i) => {
    const isLast = i === segments.length - 1;
    const placements = layout.byFile.get(segment.name);
    const image = segment.bytes;
    maxSurvivingLsn = Math.max(maxSurvivingLsn, survivingFrameLsn(image, placements, upToOp));
    if (failure !== null || cut) return;
    const header = matching(image, placements?.get(0), upToOp);
    if (header === undefined || header.kind !== 'header' || header.bytes.length < ORACLE_SEGMENT_HEADER_BYTES) {
      walked.push({ name: segment.name, intactBytes: 0, sizeBytes: image.length, records: 0 });
      damaged(isLast, `${isLast ? 'the active' : 'sealed'} segment ${segment.name} has no intact header (${image.length} bytes on disk)`);
      return;
    }
    let at = ORACLE_SEGMENT_HEADER_BYTES;
    let count = 0;
    while (at < image.length) {
      const frame = matching(image, placements?.get(at), upToOp) ?? (policy === 'skip-corrupted' ? gapTo(image, placements, at, upToOp, records) : undefined);
      if (frame === undefined || frame.kind !== 'frame') break;
      records.push(frame.record);
      count++;
      at = frame.offsetBytes + frame.bytes.length;
    }
    walked.push({ name: segment.name, intactBytes: at, sizeBytes: image.length, records: count });
    if (at < image.length) damaged(isLast, `${isLast ? 'the active' : 'sealed'} segment ${segment.name} stops being intact at offset ${at} of ${image.length}`);
  });
  return { failure, refused, records, maxSurvivingLsn, segments: walked };
}

/** skip-corrupted: the next intact frame after `at`, with a gap before it; undefined when none follows (a torn tail). */
function gapTo(image: Uint8Array, placements: ReadonlyMap<number, readonly Placement[]> | undefined, at: number, upToOp: number, records: Walk[]): Placement | undefined {
  const next = nextIntact(image, placements, at, upToOp);
  if (next !== undefined) records.push(GAP);
  return next;
}

/** The highest LSN of a frame a write placed in this segment that the image holds intact, anywhere (0: none). */
function survivingFrameLsn(image: Uint8Array, placements: ReadonlyMap<number, readonly Placement[]> | undefined, upToOp: number): number {
  let max = 0;
  for (const list of placements?.values() ?? []) {
    for (const p of list) if (p.kind === 'frame' && p.opIndex < upToOp && equalAt(image, p.offsetBytes, p.bytes)) max = Math.max(max, p.record.lsn);
  }
  return max;
}

/** Replay's semantics on the intact records: skip what the checkpoint LSN covers, hold events until TxCommit. */
function replayRecords(records: readonly Walk[], checkpointLsn: number): { failure: string | null; transactions: ReplayedTx[]; checkpointObserved: number | null } {
  let failure: string | null = null;
  const open = new Map<number, Uint8Array[]>();
  const transactions: ReplayedTx[] = [];
  let checkpointObserved: number | null = null;
  let previousLsn = 0;
  // skip-corrupted: transactions a gap may have damaged, and the LSN intervals the gaps spanned.
  const dropped = new Set<number>();
  const gaps: { after: number; before: number | null }[] = [];
  const swallowed = (begin: number): boolean => dropped.has(begin) || gaps.some((g) => begin > g.after && (g.before === null || begin < g.before));
  for (const record of records) {
    if (record === GAP) {
      for (const begin of open.keys()) dropped.add(begin);
      open.clear();
      gaps.push({ after: previousLsn, before: null });
      continue;
    }
    const lastGap = gaps.at(-1);
    if (lastGap !== undefined && lastGap.before === null) lastGap.before = record.lsn;
    if (record.lsn <= previousLsn) {
      failure = `LSN ${record.lsn} follows LSN ${previousLsn}: the surviving records are not in LSN order`;
      break;
    }
    previousLsn = record.lsn;
    if (record.lsn <= checkpointLsn) continue;
    if (record.txBeginLsn !== null && !open.has(record.txBeginLsn) && swallowed(record.txBeginLsn)) continue;
    const txEvents = (): Uint8Array[] | undefined => open.get(record.txBeginLsn ?? -1);
    failure = match(record.kind)
      .with('TxBegin', () => {
        open.set(record.lsn, []);
        return null;
      })
      .with('Mutation', 'MutationBatch', (kind) => {
        const events = txEvents();
        if (events === undefined) return `LSN ${record.lsn} (${kind}) names TxBegin ${record.txBeginLsn} that did not survive`;
        events.push(...record.events);
        return null;
      })
      .with('TxCommit', () => {
        const events = txEvents();
        if (events === undefined) return `LSN ${record.lsn} (TxCommit) names TxBegin ${record.txBeginLsn} that did not survive`;
        transactions.push({ beginLsn: record.txBeginLsn ?? -1, commitLsn: record.lsn, events });
        open.delete(record.txBeginLsn ?? -1);
        return null;
      })
      .with('TxAbort', () => {
        open.delete(record.txBeginLsn ?? -1);
        return null;
      })
      .with('Checkpoint', () => {
        checkpointObserved = record.snapshotLsn;
        return null;
      })
      .exhaustive();
    if (failure !== null) break;
  }
  return { failure, transactions, checkpointObserved };
}
