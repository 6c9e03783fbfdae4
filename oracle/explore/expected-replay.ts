// The exact replay a crash image must produce, computed from the surviving writes.
//
// The walk follows docs/format.md's rules with the oracle's own placements: segments in id order;
// in each, the header must be the bytes a write put there, then frames follow one after another,
// each intact only if the image holds exactly the bytes of a write that placed a record there
// after that header (a frame placed before it belongs to an earlier life of the file: stale). The
// first byte that is not an intact frame of the current life ends the segment. In the newest
// segment that is the end of the log (zeros, a stale frame or a torn one: all dropped); in an older
// segment it is fine as long as no frame placed in the current life lies there or beyond (the rest
// of the file is its preallocated zeros or its previous life); a frame of the current life that is
// not intact there is damage no legal crash should leave, so recovery is expected to fail loudly.
// Then replay's semantics on the records:
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
import { headerPreviousEnd, FRAME_PREFIX_BYTES, ORACLE_SEGMENT_HEADER_BYTES, segmentIdOf } from './disk-format.js';
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
  // Stryker disable next-line ArithmeticOperator: starting at length + 1 first visits two indices past the end, which hold no candidate and are skipped, then the same candidates in the same order
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

/** The first intact frame of this life (written after op `lifeStart`) after offset `at` (skip-corrupted's resync), or undefined. */
function nextIntact(image: Uint8Array, placements: Placements, where: { readonly at: number; readonly lifeStart: number; readonly upToOp: number }): Placement | undefined {
  const offsets = [...(placements?.keys() ?? [])].filter((o) => o > where.at).sort((a, b) => a - b);
  for (const offset of offsets) {
    const found = matching(image, (placements?.get(offset) ?? []).filter((p) => p.opIndex > where.lifeStart), where.upToOp);
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
    const header = matching(image, placements?.get(0), upToOp);
    // The current life: frames placed after the header the image holds.
    const lifeStart = header?.kind === 'header' ? header.opIndex : Number.MAX_SAFE_INTEGER;
    maxSurvivingLsn = Math.max(maxSurvivingLsn, survivingFrameLsn(image, placements, lifeStart, upToOp));
    if (failure !== null || cut) return;
    if (header === undefined || header.kind !== 'header' || header.bytes.length < ORACLE_SEGMENT_HEADER_BYTES) {
      walked.push({ name: segment.name, intactBytes: 0, sizeBytes: image.length, records: 0 });
      damaged(isLast, `${isLast ? 'the active' : 'sealed'} segment ${segment.name} has no intact header (${image.length} bytes on disk)`);
      return;
    }
    const ofThisLife = (list: readonly Placement[] | undefined): Placement[] => (list ?? []).filter((p) => p.opIndex > lifeStart);
    let at = ORACLE_SEGMENT_HEADER_BYTES;
    let count = 0;
    while (at < image.length) {
      const frame = matching(image, ofThisLife(placements?.get(at)), upToOp) ?? (policy === 'skip-corrupted' ? gapTo(image, placements, { at, lifeStart, upToOp }, records) : undefined);
      if (frame === undefined || frame.kind !== 'frame') break;
      records.push(frame.record);
      count++;
      at = frame.offsetBytes + frame.bytes.length;
    }
    walked.push({ name: segment.name, intactBytes: at, sizeBytes: image.length, records: count });
    const where = { at, lifeStart, upToOp };
    const damage = isLast ? activeEndDamage(segment, placements, where) : sealedEndFailure(segment, segments[i + 1], layout, where);
    if (damage !== null) damaged(isLast, damage);
  });
  return { failure, refused, records, maxSurvivingLsn, segments: walked };
}

/** skip-corrupted: the next intact frame of this life after `at`, with a gap before it; undefined when none follows (the end). */
function gapTo(image: Uint8Array, placements: Placements, where: { readonly at: number; readonly lifeStart: number; readonly upToOp: number }, records: Walk[]): Placement | undefined {
  const next = nextIntact(image, placements, where);
  if (next !== undefined) records.push(GAP);
  return next;
}

type Placements = ReadonlyMap<number, readonly Placement[]> | undefined;

/**
 * Where the active segment's intact frames of this life stop: at the end of the file, at zeros
 * (preallocated) or at an intact frame of an earlier life (stale) with none of this life beyond, it
 * ended cleanly under every policy; anything else is a torn tail (damage to absolute). Null: clean.
 */
function activeEndDamage(segment: { name: string; bytes: Uint8Array }, placements: Placements, where: { readonly at: number; readonly lifeStart: number; readonly upToOp: number }): string | null {
  const { at, lifeStart, upToOp } = where;
  const image = segment.bytes;
  if (at >= image.length) return null;
  const torn = `the active segment ${segment.name} stops being intact at offset ${at} of ${image.length}`;
  if (nextIntact(image, placements, { at: at - 1, lifeStart, upToOp }) !== undefined) return torn;
  const spot = image.subarray(at, Math.min(image.length, at + FRAME_PREFIX_BYTES));
  if (spot.every((b) => b === 0)) return null;
  const stale = (placements?.get(at) ?? []).some((p) => p.kind === 'frame' && p.opIndex <= lifeStart && p.opIndex < upToOp && equalAt(image, at, p.bytes));
  return stale ? null : torn;
}

/**
 * The highest LSN of a frame a write placed in this segment's current life (after the header the
 * image holds, op `lifeStart`) that the image holds intact, anywhere (0: none).
 */
function survivingFrameLsn(image: Uint8Array, placements: ReadonlyMap<number, readonly Placement[]> | undefined, lifeStart: number, upToOp: number): number {
  let max = 0;
  for (const list of placements?.values() ?? []) {
    for (const p of list) {
      if (p.kind === 'frame' && p.opIndex > lifeStart && p.opIndex < upToOp && equalAt(image, p.offsetBytes, p.bytes)) max = Math.max(max, p.record.lsn);
    }
  }
  return max;
}

/**
 * A sealed segment was fsynced whole before the next one was created: its frames end where the
 * next segment's header says (previous end), and no frame of its current life lies intact beyond
 * that point. Either way round is damage no legal crash leaves: the failure, or null.
 */
function sealedEndFailure(
  segment: { name: string; bytes: Uint8Array },
  next: { name: string; bytes: Uint8Array } | undefined,
  layout: Layout,
  where: { readonly at: number; readonly lifeStart: number; readonly upToOp: number },
): string | null {
  const { at, lifeStart, upToOp } = where;
  const image = segment.bytes;
  const nextHeader = next === undefined ? undefined : matching(next.bytes, layout.byFile.get(next.name)?.get(0), upToOp);
  const consecutive = next !== undefined && segmentIdOf(next.name) === (segmentIdOf(segment.name) ?? 0) + 1;
  const previousEnd = next !== undefined && consecutive && nextHeader?.kind === 'header' ? headerPreviousEnd(next.bytes) : null;
  const beyond = [...(layout.byFile.get(segment.name)?.values() ?? [])]
    .flat()
    .find((p) => p.kind === 'frame' && p.opIndex > lifeStart && p.opIndex < upToOp && p.offsetBytes >= at && equalAt(image, p.offsetBytes, p.bytes));
  if ((previousEnd !== null && previousEnd !== 0 && previousEnd !== at) || beyond !== undefined) {
    return `sealed segment ${segment.name} stops being intact at offset ${at} of ${image.length}`;
  }
  return null;
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
