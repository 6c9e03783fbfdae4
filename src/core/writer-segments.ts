// The writer's segment files (docs/format.md "Preallocation and reuse"): starting the next segment
// in a free file or a new one, what truncateUpTo does with the segments it frees, and preparing the
// next segment's file ahead of need. writer.ts runs these inside its steps and re-exports them.

import type { Effect } from './effects.js';
import { FORMAT_VERSION, freeFileName, SEGMENT_HEADER_BYTES, segmentFileName } from './format.js';
import { encodeSegmentHeader, segmentSalt } from './segment-header.js';
import type { ActiveSegment, FreeFile, SealedSegment, WriterState } from './writer-state.js';

/** The free file a rotation takes: the ready one with the highest number (a fresh one prepared ahead first). */
function freeFileToUse(state: WriterState): FreeFile | null {
  let best: FreeFile | null = null;
  // Stryker disable next-line EqualityOperator: free files have distinct numbers (their names are <number>.free), so >= picks the same file
  for (const file of state.free) if (file.status === 'ready' && (best === null || file.number > best.number)) best = file;
  return best;
}

/**
 * The effects that make `name` a new segment file at its final name when no free file is ready:
 * create it, zeros to the target size (when preallocating), the header, fsync it and the
 * directory. A crash can leave a torn header with zeros behind it (docs/format.md row R4).
 */
export function createSegmentEffects(name: string, header: Uint8Array, config: { readonly preallocate: boolean; readonly segmentTargetBytes: number }): Effect[] {
  return [
    { kind: 'create', file: name },
    ...(config.preallocate ? [{ kind: 'preallocate', file: name, sizeBytes: config.segmentTargetBytes } satisfies Effect] : []),
    { kind: 'write', file: name, offsetBytes: 0, data: header },
    { kind: 'fsync', file: name },
    { kind: 'fsyncDir' },
  ];
}

/**
 * The second half of a rotation, once the active segment's frames are written and its fsync is
 * among the effects (writer.ts rotate): seals it and starts the next segment. With a free file
 * ready, the new header goes into it under its free name and is fsynced, the file is renamed into
 * place and the directory fsynced, so the name never shows the header of the file's previous
 * life. Without one: createSegmentEffects.
 */
export function startNextSegment(written: WriterState): { state: WriterState; effects: Effect[] } {
  const out = { state: written };
  const old = out.state.active;
  const id = old.id + 1;
  const name = segmentFileName(id);
  const baseLsn = out.state.nextLsn;
  const free = freeFileToUse(out.state);
  const salt = segmentSalt(id, baseLsn, free?.previousSalt ?? null);
  const header = encodeSegmentHeader({ version: FORMAT_VERSION, segmentId: id, baseLsn, salt, previousEnd: old.writtenBytes });
  const sealed: SealedSegment = {
    id: old.id,
    name: old.name,
    baseLsn: old.baseLsn,
    lastLsn: old.hasRecords ? baseLsn - 1 : null,
    version: 2,
    salt: old.salt,
    sizeBytes: old.sizeBytes,
  };
  const effects: Effect[] =
    free === null
      ? createSegmentEffects(name, header, out.state.config)
      : [
          { kind: 'write', file: free.name, offsetBytes: 0, data: header },
          { kind: 'fsync', file: free.name },
          { kind: 'rename', from: free.name, to: name },
          { kind: 'fsyncDir' },
        ];
  const sizeBytes = free === null ? (out.state.config.preallocate ? out.state.config.segmentTargetBytes : SEGMENT_HEADER_BYTES) : free.sizeBytes;
  const active: ActiveSegment = { id, name, baseLsn, salt, writtenBytes: SEGMENT_HEADER_BYTES, sizeBytes: Math.max(sizeBytes, SEGMENT_HEADER_BYTES), hasRecords: false };
  return {
    effects,
    state: {
      ...out.state,
      sealed: [...out.state.sealed, sealed],
      // Stryker disable next-line ConditionalExpression: with no free file taken, the filter removes nothing; the test only spares the copy
      free: free === null ? out.state.free : out.state.free.filter((f) => f !== free),
      active,
    },
  };
}

/**
 * What truncateUpTo does with the segments it frees: a v2 one is renamed to a free file while
 * fewer than `recycleSegments` are kept (and its free name is not taken); any other is unlinked.
 */
export function recycleOrRemove(state: WriterState, removable: readonly SealedSegment[]): { effects: Effect[]; free: FreeFile[] } {
  const effects: Effect[] = [];
  const free: FreeFile[] = [...state.free];
  const kept = (): number => free.filter((f) => f.status === 'ready' && f.number <= state.active.id).length;
  for (const segment of removable) {
    const freeName = freeFileName(segment.id);
    if (segment.version === 2 && kept() < state.config.recycleSegments && !free.some((f) => f.name === freeName)) {
      effects.push({ kind: 'rename', from: segment.name, to: freeName });
      free.push({ name: freeName, number: segment.id, sizeBytes: segment.sizeBytes, previousSalt: segment.salt, status: 'ready' });
    } else {
      effects.push({ kind: 'remove', file: segment.name });
    }
  }
  return { effects, free };
}

/**
 * Whether the next segment's file should be prepared now: preallocation is on, no free file is
 * ready or being prepared, and the active segment is at least half full (so a log that never
 * grows that far never pays for a second file).
 */
export function prepareDue(state: WriterState): boolean {
  return (
    state.poisoned === null &&
    state.config.preallocate &&
    state.free.length === 0 &&
    2 * (state.active.writtenBytes + state.pendingBytes) >= state.config.segmentTargetBytes
  );
}

/** A free file being prepared in the background: what the shell runs, and the state that registers it. */
export interface PreparePlan {
  readonly file: string;
  /** Run under the writer lane, at once: the directory entry. */
  readonly create: Effect;
  /** Run outside the lanes: the zeros (nothing else touches the file). */
  readonly fill: Effect;
  /** Run as an fsync in flight (one at a time, as every fsync): then prepareDone. */
  readonly sync: Effect;
  readonly state: WriterState;
}

/** Starts preparing the file for the next segment (`<active id + 1>.free`); null when none is due. */
export function prepareStart(state: WriterState): PreparePlan | null {
  if (!prepareDue(state)) return null;
  const number = state.active.id + 1;
  const file = freeFileName(number);
  const sizeBytes = state.config.segmentTargetBytes;
  return {
    file,
    create: { kind: 'create', file },
    fill: { kind: 'preallocate', file, sizeBytes },
    sync: { kind: 'fsync', file },
    state: { ...state, free: [...state.free, { name: file, number, sizeBytes, previousSalt: null, status: 'preparing' }] },
  };
}

/** The prepared file's fsync returned OK: it is ready for the next rotation. */
export function prepareDone(state: WriterState, file: string): WriterState {
  return { ...state, free: state.free.map((f) => (f.name === file ? { ...f, status: 'ready' } : f)) };
}
