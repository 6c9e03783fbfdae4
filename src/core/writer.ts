// The writer state machine: begin, append, appendBatch, commit, abort, checkpointMarker, flush,
// fsync (the spec's Fsync: forceFsync and the group flusher), truncateUpTo, and the preparation of
// the next segment's file (prepareStart, prepareDone: writer-segments.ts). Each step takes a
// state and returns the next state plus the effects that must run, in order, before that state
// may be adopted. The shell adopts the state only when every effect succeeded; when one fails it
// calls effectFailed() with the state it had before the step, which poisons and says how to cut a
// half-written frame back.
//
// Frames are buffered in memory (`pending`, a range of an arena: frame-arena.ts) and handed to the
// OS in one write per flush, fsync or rotation. A step that raises durableLsn carries, among its
// effects, the fsync that covers it; the durability ordering rule itself (adopt such a state only
// once that fsync returned) is stated and enforced in one place, the shell: src/wal-core.ts.
//
// Segment files are preallocated and reused (docs/format.md "Preallocation and reuse";
// writer-segments.ts): a rotation takes a free file when one is ready (header written and synced under its free name, then renamed
// into place), and creates one at the target size otherwise; truncateUpTo renames the segments it
// frees to free files, up to `recycleSegments`, instead of unlinking them. Each write of frames
// ends with an end marker (FRAME_HEADER_BYTES of zeros, or as many as the file has room for), so
// the live frames end at zeros rather than at what the file held before.

import type { Effect } from './effects.js';
import type { WalErrorInfo } from './errors.js';
import { appendFrame, pendingWrite } from './frame-arena.js';
import { FRAME_HEADER_BYTES, LSN_MAX } from './format.js';
import type { OpenBegins } from './open-begins.js';
import type { Lsn, StoredPayload, WalRecord } from './records.js';
import { recycleOrRemove, startNextSegment } from './writer-segments.js';
import type { SealedSegment, WriterState } from './writer-state.js';

export { fsyncDone, fsyncDue, fsyncStart, type FsyncPlan } from './writer-fsync.js';
export { createSegmentEffects, prepareDone, prepareDue, prepareStart, type PreparePlan } from './writer-segments.js';

export type WriterStep<T> =
  | { readonly ok: true; readonly state: WriterState; readonly effects: readonly Effect[]; readonly value: T }
  | { readonly ok: false; readonly error: WalErrorInfo };

const refuse = (error: WalErrorInfo): WriterStep<never> => ({ ok: false, error });

function poisonedError(state: WriterState): WalErrorInfo | null {
  return state.poisoned === null ? null : { code: 'Poisoned', reason: state.poisoned };
}

/** Appends one record to the in-memory buffer; the caller has checked the state is healthy. */
function buffer(
  state: WriterState,
  build: (lsn: Lsn) => WalRecord,
  openTransactions: OpenBegins = state.openTransactions,
  commitsSinceFsync: number = state.commitsSinceFsync,
): WriterStep<Lsn> {
  const lsn = state.nextLsn;
  if (lsn > LSN_MAX) {
    return refuse({ code: 'InvalidArgument', argument: 'lsn', detail: `LSN space exhausted at ${lsn}` });
  }
  const appended = appendFrame(state.pending, build(lsn), state.active.salt);
  // Every field spelled out rather than `...state`: this runs once per record, and a literal of
  // one fixed shape is several times cheaper for V8 than a spread.
  const next: WriterState = {
    config: state.config,
    nextLsn: lsn + 1,
    writtenLsn: state.writtenLsn,
    durableLsn: state.durableLsn,
    pending: appended.pending,
    pendingBytes: state.pendingBytes + appended.frameBytes,
    active: state.active.hasRecords ? state.active : { ...state.active, hasRecords: true },
    sealed: state.sealed,
    free: state.free,
    openTransactions,
    lastSnapshotLsn: state.lastSnapshotLsn,
    commitsSinceFsync,
    poisoned: state.poisoned,
  };
  return { ok: true, value: lsn, effects: NO_EFFECTS, state: next };
}

const NO_EFFECTS: readonly Effect[] = [];

function requireOpenTransaction(state: WriterState, txBeginLsn: Lsn, argument: string): WalErrorInfo | null {
  if (state.openTransactions.has(txBeginLsn)) return null;
  return { code: 'InvalidArgument', argument, detail: `LSN ${txBeginLsn} is not the TxBegin of an open transaction` };
}

/**
 * Hands the pending frames to the OS and, when `fsync` is true, makes everything written durable.
 * Shared by flush, fsync and rotation so the three can never disagree on what an fsync covers.
 */
function writeOut(state: WriterState, fsync: boolean): { state: WriterState; effects: Effect[] } {
  const effects: Effect[] = [];
  let next = state;
  if (state.pendingBytes > 0) {
    const active = state.active;
    const end = active.writtenBytes + state.pendingBytes;
    // The end marker only where the file already has room for it: a marker never grows the file.
    // Near the file's end it is cut short rather than left out: the few bytes left must read as
    // zeros too, or a recycled file's older bytes there would make a sealed segment end torn.
    const markerBytes = Math.max(0, Math.min(FRAME_HEADER_BYTES, active.sizeBytes - end));
    const write = pendingWrite(state.pending, markerBytes);
    effects.push({ kind: 'write', file: active.name, offsetBytes: active.writtenBytes, data: write.data });
    next = {
      ...next,
      pending: write.next,
      pendingBytes: 0,
      writtenLsn: state.nextLsn - 1,
      active: { ...active, writtenBytes: end, sizeBytes: Math.max(active.sizeBytes, end) },
    };
  }
  if (fsync && next.writtenLsn > next.durableLsn) {
    effects.push({ kind: 'fsync', file: next.active.name });
    next = { ...next, durableLsn: next.writtenLsn, commitsSinceFsync: 0 };
  } else if (fsync) {
    next = { ...next, commitsSinceFsync: 0 };
  }
  return { state: next, effects };
}

/** Seals the active segment (its frames written, then fsynced) and starts the next one (startNextSegment). */
function rotate(state: WriterState): { state: WriterState; effects: Effect[] } {
  const out = writeOut(state, true);
  const next = startNextSegment(out.state);
  return { state: next.state, effects: [...out.effects, ...next.effects] };
}

/** Whether the next begin() rotates: the active segment holds records and has reached its target. */
export function rotationDue(state: WriterState): boolean {
  return state.active.hasRecords && state.active.writtenBytes + state.pendingBytes >= state.config.segmentTargetBytes;
}

/** Starts a transaction; rotates first when the active segment has reached its target size. */
export function begin(state: WriterState): WriterStep<Lsn> {
  const poisoned = poisonedError(state);
  if (poisoned !== null) return refuse(poisoned);
  const rotated = rotationDue(state) ? rotate(state) : { state, effects: [] };
  const opened = rotated.state.openTransactions.with(rotated.state.nextLsn);
  const step = buffer(rotated.state, (lsn) => ({ kind: 'TxBegin', lsn }), opened);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: without a rotation both branches give a step with no effects; the test only spares the copy
  return step.ok && rotated.effects.length > 0 ? { ...step, effects: rotated.effects } : step;
}

/** `stored`: the event deflated by the shell, when that saves bytes (docs/format.md "Deflated payloads"). */
export function append(state: WriterState, txBeginLsn: Lsn, event: Uint8Array, stored: StoredPayload | null = null): WriterStep<Lsn> {
  const refusal = poisonedError(state) ?? requireOpenTransaction(state, txBeginLsn, 'txBeginLsn');
  if (refusal !== null) return refuse(refusal);
  return buffer(state, (lsn) => (stored === null ? { kind: 'Mutation', lsn, txBeginLsn, event } : { kind: 'Mutation', lsn, txBeginLsn, event, stored }));
}

/** `stored`: count and entries deflated by the shell, when that saves bytes. */
export function appendBatch(state: WriterState, txBeginLsn: Lsn, events: readonly Uint8Array[], stored: StoredPayload | null = null): WriterStep<Lsn> {
  const refusal = poisonedError(state) ?? requireOpenTransaction(state, txBeginLsn, 'txBeginLsn');
  if (refusal !== null) return refuse(refusal);
  return buffer(state, (lsn) =>
    stored === null ? { kind: 'MutationBatch', lsn, txBeginLsn, events } : { kind: 'MutationBatch', lsn, txBeginLsn, events, stored },
  );
}

function close(state: WriterState, txBeginLsn: Lsn, kind: 'TxCommit' | 'TxAbort'): WriterStep<Lsn> {
  const refusal = poisonedError(state) ?? requireOpenTransaction(state, txBeginLsn, 'txBeginLsn');
  if (refusal !== null) return refuse(refusal);
  const remaining = state.openTransactions.without(txBeginLsn);
  return buffer(state, (lsn) => ({ kind, lsn, txBeginLsn }), remaining, state.commitsSinceFsync + (kind === 'TxCommit' ? 1 : 0));
}

export const commit = (state: WriterState, txBeginLsn: Lsn): WriterStep<Lsn> => close(state, txBeginLsn, 'TxCommit');
export const abort = (state: WriterState, txBeginLsn: Lsn): WriterStep<Lsn> => close(state, txBeginLsn, 'TxAbort');

/**
 * TxBegin, one MutationBatch and TxCommit as one step, with nothing interleaved: the recorder's
 * commit and Wal.writeTransaction. A rotation that the begin needs comes first, as in begin().
 */
export function transaction(state: WriterState, events: readonly Uint8Array[], stored: StoredPayload | null = null): WriterStep<{ beginLsn: Lsn; commitLsn: Lsn }> {
  const begun = begin(state);
  if (!begun.ok) return begun;
  const batched = appendBatch(begun.state, begun.value, events, stored);
  if (!batched.ok) return batched;
  const committed = commit(batched.state, begun.value);
  if (!committed.ok) return committed;
  return { ok: true, state: committed.state, effects: begun.effects, value: { beginLsn: begun.value, commitLsn: committed.value } };
}

/**
 * FenceSplitsTransaction when a fence at `lsn` falls inside one of the transactions open now, else
 * null. `oldestOpenBegin` is the oldest open transaction's TxBegin (null when none is open): the
 * fence splits some open transaction exactly when it splits that one, which the error names.
 */
export function openTransactionSplit(oldestOpenBegin: Lsn | null, lsn: Lsn): WalErrorInfo | null {
  return oldestOpenBegin === null || oldestOpenBegin > lsn ? null : { code: 'FenceSplitsTransaction', lsn, txBeginLsn: oldestOpenBegin, open: true };
}

/**
 * Records that the host's snapshot covers everything up to `snapshotLsn`. The marker may not
 * point past itself and may not move backwards, because replay rejects a log where it does.
 */
export function checkpointMarker(state: WriterState, snapshotLsn: Lsn): WriterStep<Lsn> {
  const poisoned = poisonedError(state);
  if (poisoned !== null) return refuse(poisoned);
  if (!Number.isSafeInteger(snapshotLsn) || snapshotLsn < 0 || snapshotLsn >= state.nextLsn) {
    return refuse({ code: 'InvalidArgument', argument: 'snapshotLsn', detail: `${snapshotLsn} is not an LSN below ${state.nextLsn}` });
  }
  if (state.lastSnapshotLsn !== null && snapshotLsn < state.lastSnapshotLsn) {
    return refuse({
      code: 'InvalidArgument',
      argument: 'snapshotLsn',
      detail: `${snapshotLsn} is below the previous checkpoint ${state.lastSnapshotLsn}`,
    });
  }
  // A fence inside a transaction that is open now would reopen as a Malformed log: replay skips
  // its TxBegin (at or below the fence) and then meets its commit or abort above it. Splits across
  // transactions that already closed are the host's word here; checkpoint() refuses those too.
  const split = openTransactionSplit(state.openTransactions.oldest(), snapshotLsn);
  if (split !== null) return refuse(split);
  const step = buffer(state, (lsn) => ({ kind: 'Checkpoint', lsn, snapshotLsn }));
  if (!step.ok) return step;
  return { ...step, state: { ...step.state, lastSnapshotLsn: snapshotLsn } };
}

/** flush() per the sync policy: per-commit writes and fsyncs; group and none only write. */
export function flush(state: WriterState): WriterStep<Lsn> {
  const poisoned = poisonedError(state);
  if (poisoned !== null) return refuse(poisoned);
  const out = writeOut(state, state.config.syncMode === 'per-commit');
  return { ok: true, state: out.state, effects: out.effects, value: out.state.durableLsn };
}

/** forceFsync() and the group flusher: write, fsync, and advance the durable LSN. */
export function fsync(state: WriterState): WriterStep<Lsn> {
  const poisoned = poisonedError(state);
  if (poisoned !== null) return refuse(poisoned);
  const out = writeOut(state, true);
  return { ok: true, state: out.state, effects: out.effects, value: out.state.durableLsn };
}

/** Hands the pending frames to the OS, whatever the policy: the first half of a pipelined fsync. */
export function writePending(state: WriterState): WriterStep<Lsn> {
  const poisoned = poisonedError(state);
  if (poisoned !== null) return refuse(poisoned);
  const out = writeOut(state, false);
  return { ok: true, state: out.state, effects: out.effects, value: out.state.writtenLsn };
}

/**
 * Frees sealed segments all of whose records are at or below `upToLsn`, always keeping the active
 * segment and the one before it, then fsyncs the directory. Only a run of the oldest segments can
 * qualify, because LSNs increase along the log, so no hole is ever made. A freed v2 segment is
 * renamed to a free file for reuse while fewer than `recycleSegments` are kept (and its free name
 * is not taken); every other freed segment is unlinked. A segment from `keepFromSegmentId` on (the
 * MANIFEST's first segment) is never freed: the committed epoch still names it. Returns the names
 * of the segments freed.
 */
export function truncateUpTo(state: WriterState, upToLsn: Lsn, keepFromSegmentId = Number.POSITIVE_INFINITY): WriterStep<readonly string[]> {
  const poisoned = poisonedError(state);
  if (poisoned !== null) return refuse(poisoned);
  if (!Number.isSafeInteger(upToLsn) || upToLsn < 0) {
    return refuse({ code: 'InvalidArgument', argument: 'upToLsn', detail: `${upToLsn} is not an LSN` });
  }
  const candidates = state.sealed.slice(0, Math.max(0, state.sealed.length - 1));
  const removable: SealedSegment[] = [];
  for (const segment of candidates) {
    const covered = segment.lastLsn === null || segment.lastLsn <= upToLsn;
    if (!covered || segment.id >= keepFromSegmentId) break;
    removable.push(segment);
  }
  if (removable.length === 0) return { ok: true, state, effects: [], value: [] };
  const { effects, free } = recycleOrRemove(state, removable);
  effects.push({ kind: 'fsyncDir' });
  return {
    ok: true,
    effects,
    value: removable.map((s) => s.name),
    state: { ...state, sealed: state.sealed.slice(removable.length), free },
  };
}

/** The host (or the recorder) declares the writer unusable; sticky until reopen. */
export function poison(state: WriterState, reason: string): WriterState {
  return state.poisoned === null ? { ...state, poisoned: reason } : state;
}

/**
 * An effect of a step failed. `before` is the state the step started from. The writer is
 * poisoned for good: a failed fsync is never retried as if the data were safe (Linux drops the
 * dirty pages after reporting EIO once), and a failed or short write is cut back to where it
 * started, the end of the last whole frame, so no half frame is left for anyone to append after.
 */
export function effectFailed(before: WriterState, effect: Effect, errno: string): { state: WriterState; effects: readonly Effect[] } {
  const target = 'file' in effect ? effect.file : effect.kind === 'rename' ? effect.from : '.';
  const state = poison(before, `${effect.kind} of ${target} failed with ${errno}`);
  // A write into a preallocated file is cut back by zeroing what it put there (the file keeps its
  // size); a write past the file's end by truncating. The writer knows which from the file's size.
  const effects: Effect[] = effect.kind === 'write' ? cutBack(before, effect) : [];
  return { state, effects };
}

function cutBack(before: WriterState, write: Extract<Effect, { kind: 'write' }>): Effect[] {
  const size = write.file === before.active.name ? before.active.sizeBytes : 0;
  if (write.offsetBytes >= size) return [{ kind: 'truncate', file: write.file, sizeBytes: write.offsetBytes }];
  const zeroed = Math.min(write.data.length, size - write.offsetBytes);
  const effects: Effect[] = [{ kind: 'write', file: write.file, offsetBytes: write.offsetBytes, data: new Uint8Array(zeroed) }];
  if (write.offsetBytes + write.data.length > size) effects.push({ kind: 'truncate', file: write.file, sizeBytes: size });
  return effects;
}
