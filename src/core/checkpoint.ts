// The checkpoint protocol (selene's rotate_with_manifest and prune), as pure steps that return
// effects: the shell (src/checkpointer.ts) runs them in order on the writer lane. docs/tour.md,
// "Checkpoint through the MANIFEST", walks through the crash states around every step.
//
//   1. beginSnapshot         create snapshot-<id>.snap (an id never used in this directory)
//      writeSnapshot         the host's bytes, chunk by chunk
//   2. commitCheckpoint      fsync the snapshot file; write MANIFEST.tmp and fsync it; fsync the
//                            directory (the snapshot's and the temp file's entries are durable);
//                            rename MANIFEST.tmp to MANIFEST; fsync the directory: THE COMMIT POINT.
//                            Then buffer the checkpoint marker, remove the snapshots and segments
//                            the new MANIFEST no longer names, and fsync the directory.
//
// The ordering rules, each with a planted-bug test that breaks it (test/crash-recovery/planted-checkpoint-bugs.test.ts):
//   - a snapshot file is durable (data and entry) before a MANIFEST names it;
//   - the temp MANIFEST is durable before it is renamed over the old one;
//   - the rename is durable (directory fsync) before anything the new MANIFEST drops is removed,
//     so a crash at any moment leaves one complete epoch: the old one or the new one.
// A failure before the commit point leaves the old epoch on disk; the WAL is poisoned, as after
// any failed effect, and the reopen recovers the old epoch (or, if the rename reached the disk
// before its directory fsync failed, the new one: both are complete).

import type { Effect } from './effects.js';
import type { WalErrorInfo } from './errors.js';
import {
  encodeManifest,
  liveSnapshot,
  MANIFEST_FILE_NAME,
  MANIFEST_SNAPSHOTS_MAX,
  MANIFEST_TEMP_FILE_NAME,
  parseSnapshotFileName,
  snapshotFileName,
  type Manifest,
  type ManifestSnapshot,
} from './manifest.js';
import { parseSegmentFileName } from './format.js';
import type { Lsn } from './records.js';
import { checkpointMarker, openTransactionSplit, type WriterStep } from './writer.js';
import { recycleOrRemove } from './writer-segments.js';
import type { SealedSegment, WriterState } from './writer-state.js';

/** What a checkpoint keeps besides the live snapshot and the segments above its fence. */
export interface Retention {
  /** Snapshots the MANIFEST names, the live one included (at least 1). */
  readonly snapshots: number;
  /** Sealed segments wholly at or below the fence kept anyway (the newest of them). */
  readonly segmentsBehindSnapshot: number;
}

export const DEFAULT_RETENTION: Retention = { snapshots: 1, segmentsBehindSnapshot: 0 };
export const RETAIN_SNAPSHOTS_MAX = MANIFEST_SNAPSHOTS_MAX;

/** The epoch as the writer knows it: the committed MANIFEST (null before the first checkpoint). */
export interface EpochState {
  readonly manifest: Manifest | null;
  /** The id the next snapshot file gets: above every id named or seen in the directory. */
  readonly nextSnapshotId: number;
}

/** What the shell knows of one LSN of this session: the commit of a transaction, and what was open across it. */
export type CommitPoint =
  | { readonly kind: 'boundary' }
  | { readonly kind: 'split'; readonly txBeginLsn: Lsn } // the oldest transaction open across the commit
  | { readonly kind: 'unknown' }; // not a commit of this session, or forgotten below the fence

/** What the shell knows about an LSN the host names as its snapshot's. */
export type FenceFacts = {
  readonly durableLsn: Lsn;
  /** The checkpoint LSN in force (the replay fence): the live snapshot's LSN, or the host's at open. */
  readonly checkpointLsn: Lsn;
  /** The snapshot LSN of the newest checkpoint marker; a checkpoint may not go below it. */
  readonly lastSnapshotLsn: Lsn | null;
  /** The TxBegin LSN of the oldest transaction open now; null when none is open. */
  readonly oldestOpenBegin: Lsn | null;
  /**
   * Whether `lsn` is a commit LSN after which no transaction was open (a transaction boundary),
   * a commit LSN with some transaction open across it, or neither, as far as the shell knows.
   */
  readonly commitAt: (lsn: Lsn) => CommitPoint;
  /** The LSN open() recovered up to: nothing is open across it. */
  readonly recoveredLsn: Lsn;
};

const refuse = (error: WalErrorInfo): WriterStep<never> => ({ ok: false, error });
const invalid = (detail: string): WalErrorInfo => ({ code: 'InvalidArgument', argument: 'lsn', detail });

/**
 * Why `lsn` cannot be a snapshot's LSN, or null when it can. It must be durable (a crash must not
 * lose what the snapshot holds), at or above the fence in force, and a transaction boundary: replay
 * skips every record at or below the fence, so a transaction begun below it and closed above it
 * would leave its commit naming a TxBegin replay never saw (the malformed-log rule M5): that is
 * FenceSplitsTransaction, every other refusal InvalidArgument.
 */
export function snapshotLsnRefusal(lsn: Lsn, facts: FenceFacts): WalErrorInfo | null {
  if (!Number.isSafeInteger(lsn) || lsn < 0) return invalid(`${lsn} is not an LSN`);
  if (lsn > facts.durableLsn) return invalid(`LSN ${lsn} is not durable (durable LSN ${facts.durableLsn}); wait for it with waitDurable`);
  if (lsn < facts.checkpointLsn) return invalid(`LSN ${lsn} is below the live snapshot's LSN ${facts.checkpointLsn}`);
  if (facts.lastSnapshotLsn !== null && lsn < facts.lastSnapshotLsn) {
    return invalid(`LSN ${lsn} is below the previous checkpoint marker's ${facts.lastSnapshotLsn}`);
  }
  const openSplit = openTransactionSplit(facts.oldestOpenBegin, lsn);
  if (openSplit !== null) return openSplit;
  // The fence in force and the LSN open recovered up to are boundaries already: open replayed the
  // log with no transaction straddling either. The newest checkpoint marker's snapshot LSN is not
  // exempt: checkpointMarker is the low-level call, whose LSN is the host's word, and a fence
  // inside a transaction would reopen as a Malformed log (missing-tx-begin).
  if (lsn === facts.checkpointLsn || lsn === facts.recoveredLsn) return null;
  const point = facts.commitAt(lsn);
  switch (point.kind) {
    case 'boundary':
      return null;
    case 'split':
      return { code: 'FenceSplitsTransaction', lsn, txBeginLsn: point.txBeginLsn, open: false };
    case 'unknown':
      return invalid(
        `LSN ${lsn} is not the commit LSN of a transaction committed since open (nor the recovered LSN ${facts.recoveredLsn} or the checkpoint LSN ${facts.checkpointLsn})`,
      );
  }
}

function poisonedRefusal(state: WriterState): WriterStep<never> | null {
  return state.poisoned === null ? null : refuse({ code: 'Poisoned', reason: state.poisoned });
}

/** Step 1: create the snapshot file, under an id no file of this directory ever had. */
export function beginSnapshot(state: WriterState, epoch: EpochState): WriterStep<{ readonly id: number; readonly file: string }> {
  const poisoned = poisonedRefusal(state);
  if (poisoned !== null) return poisoned;
  const id = epoch.nextSnapshotId;
  const file = snapshotFileName(id);
  return { ok: true, state, effects: [{ kind: 'create', file }], value: { id, file } };
}

/** The host's next bytes of the snapshot, at `offsetBytes` of its file. */
export function writeSnapshot(state: WriterState, file: string, offsetBytes: number, data: Uint8Array): WriterStep<void> {
  const poisoned = poisonedRefusal(state);
  if (poisoned !== null) return poisoned;
  return { ok: true, state, effects: data.length === 0 ? [] : [{ kind: 'write', file, offsetBytes, data }], value: undefined };
}

/**
 * The host's snapshot function failed before the commit point: the unfinished file goes. Its
 * removal need not be durable: a file the MANIFEST does not name is a leftover the next open removes.
 */
export function abandonSnapshot(state: WriterState, file: string): WriterStep<void> {
  return { ok: true, state, effects: [{ kind: 'remove', file }], value: undefined };
}

export interface CheckpointCommitted {
  readonly manifest: Manifest;
  /** The LSN of the checkpoint marker, buffered after the commit (written with the next flush). */
  readonly markerLsn: Lsn;
  readonly removedSegments: readonly string[];
  readonly removedSnapshots: readonly string[];
}

/**
 * The sealed segments the new epoch no longer needs: a run of the oldest ones whose records are
 * all at or below the fence, never the active segment or the one before it (as truncateUpTo), and
 * minus the `segmentsBehindSnapshot` newest of that run.
 */
export function segmentsToDrop(sealed: readonly SealedSegment[], checkpointLsn: Lsn, retention: Retention): readonly SealedSegment[] {
  const candidates = sealed.slice(0, Math.max(0, sealed.length - 1));
  let covered = 0;
  while (covered < candidates.length) {
    const segment = candidates[covered]!;
    if (segment.lastLsn !== null && segment.lastLsn > checkpointLsn) break;
    covered += 1;
  }
  return candidates.slice(0, Math.max(0, covered - retention.segmentsBehindSnapshot));
}

/**
 * Step 2: commit the epoch whose snapshot file was written, then retire what it supersedes. The
 * state adopted once every effect succeeded holds the buffered checkpoint marker and no longer
 * lists the removed segments.
 */
export function commitCheckpoint(
  state: WriterState,
  epoch: EpochState,
  snapshot: ManifestSnapshot,
  retention: Retention,
): WriterStep<CheckpointCommitted> {
  const poisoned = poisonedRefusal(state);
  if (poisoned !== null) return poisoned;
  const marked = checkpointMarker(state, snapshot.lsn);
  if (!marked.ok) return marked;
  const dropped = segmentsToDrop(marked.state.sealed, snapshot.lsn, retention);
  const kept = marked.state.sealed.slice(dropped.length);
  const previous = epoch.manifest?.snapshots ?? [];
  // Stryker disable next-line MethodExpression,ArrowFunction,ConditionalExpression,EqualityOperator: a defence: beginSnapshot takes epoch.nextSnapshotId, above every id the MANIFEST names, so the filter removes nothing in a reachable state
  const snapshots = [snapshot, ...previous.filter((s) => s.id !== snapshot.id)].slice(0, retention.snapshots);
  const manifest: Manifest = {
    epoch: (epoch.manifest?.epoch ?? 0) + 1,
    firstSegmentId: kept[0]?.id ?? marked.state.active.id,
    snapshots,
  };
  const removedSnapshots = previous.filter((s) => !snapshots.some((k) => k.id === s.id)).map((s) => snapshotFileName(s.id));
  const removedSegments = dropped.map((s) => s.name);
  // Segments the new MANIFEST no longer names are recycled as truncateUpTo's are (renamed to free
  // files, up to recycleSegments), only after the commit point: never one the MANIFEST names.
  const recycled = recycleOrRemove(marked.state, dropped);
  const snapshotFile = snapshotFileName(snapshot.id);
  const effects: Effect[] = [
    { kind: 'fsync', file: snapshotFile },
    { kind: 'create', file: MANIFEST_TEMP_FILE_NAME },
    { kind: 'write', file: MANIFEST_TEMP_FILE_NAME, offsetBytes: 0, data: encodeManifest(manifest) },
    { kind: 'fsync', file: MANIFEST_TEMP_FILE_NAME },
    { kind: 'fsyncDir' },
    { kind: 'rename', from: MANIFEST_TEMP_FILE_NAME, to: MANIFEST_FILE_NAME },
    { kind: 'fsyncDir' },
  ];
  const removals = [...removedSnapshots.map((file): Effect => ({ kind: 'remove', file })), ...recycled.effects];
  if (removals.length > 0) effects.push(...removals, { kind: 'fsyncDir' });
  return {
    ok: true,
    effects,
    state: { ...marked.state, sealed: kept, free: recycled.free },
    value: { manifest, markerLsn: marked.value, removedSegments, removedSnapshots },
  };
}

/** What openWal found beside the segments, and what of it is a leftover. */
export interface Leftovers {
  /** Files to remove, in this order, before the directory fsync that makes the removal durable. */
  readonly remove: readonly string[];
  /** The id the next snapshot file gets. */
  readonly nextSnapshotId: number;
}

/**
 * Once the committed MANIFEST is known (or known to be absent): MANIFEST.tmp, every snapshot file
 * it does not name (a checkpoint that crashed before its commit point, or a superseded one whose
 * removal did not finish) and every segment below its first one are leftovers. Ids of leftover
 * snapshot files still count for the next id, so a file name is never reused.
 */
export function planLeftovers(names: readonly string[], manifest: Manifest | null): Leftovers {
  const named = new Set(manifest?.snapshots.map((s) => s.id) ?? []);
  const remove: string[] = [];
  let highest = Math.max(0, ...named);
  for (const name of [...names].sort()) {
    if (name === MANIFEST_TEMP_FILE_NAME) {
      remove.push(name);
      continue;
    }
    const snapshotId = parseSnapshotFileName(name);
    if (snapshotId !== null) {
      highest = Math.max(highest, snapshotId);
      if (!named.has(snapshotId)) remove.push(name);
      continue;
    }
    const segmentId = parseSegmentFileName(name);
    if (segmentId !== null && manifest !== null && segmentId < manifest.firstSegmentId) remove.push(name);
  }
  return { remove, nextSnapshotId: highest + 1 };
}

/** The live snapshot's LSN, the fence the MANIFEST sets (0 without one). */
export function manifestCheckpointLsn(manifest: Manifest | null): Lsn {
  return manifest === null ? 0 : liveSnapshot(manifest).lsn;
}
