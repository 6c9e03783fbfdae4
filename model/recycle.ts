// One segment file used for several lives: spec/Recycle.tla as pure functions, under its names.
// The file is a row of frame slots; a frame carries the salt of the life it was written in, the
// header the salt and base LSN of the current one (docs/format.md "Preallocation and reuse"). The
// model-based tests' model (state.ts) has no segments at all; this one has nothing but a segment,
// and exists to state what reuse needs: replay never returns a frame of an earlier life
// (StaleNeverReplayedInv), loses no durable frame of the current one (SaltDurabilityInv), and the
// writer never hands out an LSN a frame of the current life on disk carries (SaltNoReuseInv).

import type { Lsn } from './state.js';

export type Slot = { readonly kind: 'zero' } | { readonly kind: 'frame'; readonly salt: number; readonly lsn: Lsn };

const ZERO: Slot = { kind: 'zero' };

export interface RecycleState {
  /** The header's salt: the current life's. Durable: a header is synced before use. */
  readonly salt: number;
  /** The header's base LSN. */
  readonly base: Lsn;
  /** The slots on stable storage. */
  readonly disk: readonly Slot[];
  /** The slots as the process sees them. */
  readonly cache: readonly Slot[];
  /** The slot the writer writes next (0-based). */
  readonly pos: number;
  readonly nextLsn: Lsn;
  readonly up: boolean;
  /** History: what the last recovery replayed, and the salt it replayed under. */
  readonly replayed: readonly Slot[];
  readonly replayedLife: number;
  /** History: the frames of the current life on stable storage when the process went down. */
  readonly durableLive: readonly Slot[];
}

export interface RecycleOptions {
  /** The planted bug of MCRecycleNoSalt.cfg: replay takes every whole frame, whatever its salt. */
  readonly ignoreSalt?: boolean;
}

export function initialRecycleState(slots: number): RecycleState {
  const empty = Array.from({ length: slots }, () => ZERO);
  return { salt: 1, base: 1, disk: empty, cache: empty, pos: 0, nextLsn: 1, up: true, replayed: [], replayedLife: 1, durableLive: [] };
}

const isFrameOf = (slot: Slot, salt: number): boolean => slot.kind === 'frame' && slot.salt === salt;

/** A slot replay reads as a record of the current life: the salt check (dropped by the planted bug). */
export function live(slot: Slot, salt: number, options: RecycleOptions = {}): boolean {
  return slot.kind === 'frame' && (options.ignoreSalt === true || slot.salt === salt);
}

/** The records replay returns: the live frames from the first slot on. */
export function replaySlots(disk: readonly Slot[], salt: number, options: RecycleOptions = {}): Slot[] {
  const out: Slot[] = [];
  for (const slot of disk) {
    if (!live(slot, salt, options)) break;
    out.push(slot);
  }
  return out;
}

/** The highest LSN of a frame of the current life anywhere in the file, or 0. */
export function maxLifeLsn(disk: readonly Slot[], salt: number): Lsn {
  return disk.reduce((max, slot) => (slot.kind === 'frame' && slot.salt === salt ? Math.max(max, slot.lsn) : max), 0);
}

/** Write: one frame into the page cache, with the end marker in the next slot. Null when disabled. */
export function Write(state: RecycleState): RecycleState | null {
  if (!state.up || state.pos >= state.cache.length) return null;
  // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: the end marker changes no verdict here. A slot holds a whole frame or zeros, and Recover zeros every slot after the live frames whenever a frame of this life lies there, so a slot after the writer holds zeros or an earlier life's frame, which the salt keeps out. The marker matters in src/, where a slot can hold the torn remains of an older frame (a sealed segment must end at zeros).
  const cache = state.cache.map((slot, i) => (i === state.pos ? { kind: 'frame' as const, salt: state.salt, lsn: state.nextLsn } : i === state.pos + 1 ? ZERO : slot));
  return { ...state, cache, pos: state.pos + 1, nextLsn: state.nextLsn + 1 };
}

/** Sync: an fsync that returned OK. */
export function Sync(state: RecycleState): RecycleState | null {
  return state.up ? { ...state, disk: state.cache } : null;
}

/** Recycle: the file, synced whole, becomes the next segment with a new salt and base LSN. */
export function Recycle(state: RecycleState): RecycleState | null {
  if (!state.up || state.disk.some((slot, i) => slot !== state.cache[i])) return null;
  return { ...state, salt: state.salt + 1, base: state.nextLsn, pos: 0 };
}

/** Crash: each slot keeps its durable contents or the page cache's (`kept[i]`). */
export function Crash(state: RecycleState, kept: readonly boolean[]): RecycleState | null {
  if (!state.up) return null;
  const disk = state.disk.map((slot, i) => (kept[i] === true ? (state.cache[i] ?? slot) : slot));
  const durableLive = state.disk.filter((slot) => isFrameOf(slot, state.salt));
  return { ...state, disk, durableLive, up: false };
}

/**
 * Recover: replay; when a frame of this life lies after the live frames, cut the file there (zeros
 * after, synced), else leave those slots as they are; continue above every LSN of this life.
 */
export function Recover(state: RecycleState, options: RecycleOptions = {}): RecycleState | null {
  if (state.up) return null;
  const replayed = replaySlots(state.disk, state.salt, options);
  const dirty = state.disk.some((slot, i) => i >= replayed.length && isFrameOf(slot, state.salt));
  const repaired = dirty ? state.disk.map((slot, i) => (i < replayed.length ? slot : ZERO)) : state.disk;
  const nextLsn = Math.max(maxLifeLsn(state.disk, state.salt) + 1, state.base);
  return { ...state, replayed, replayedLife: state.salt, disk: repaired, cache: repaired, pos: replayed.length, nextLsn, up: true };
}

/** Replay never returns a frame written in an earlier life of the file. */
export function StaleNeverReplayedInv(state: RecycleState): boolean {
  return state.replayed.every((slot) => isFrameOf(slot, state.replayedLife));
}

/** Every frame of the current life on stable storage when the process went down is replayed. */
export function SaltDurabilityInv(state: RecycleState): boolean {
  return !state.up || state.durableLive.every((slot) => state.replayed.some((r) => r === slot || (r.kind === 'frame' && slot.kind === 'frame' && r.lsn === slot.lsn && r.salt === slot.salt)));
}

/** The writer never hands out an LSN that a frame of the current life on disk already carries. */
export function SaltNoReuseInv(state: RecycleState): boolean {
  return !state.up || state.disk.every((slot) => slot.kind !== 'frame' || slot.salt !== state.salt || slot.lsn < state.nextLsn);
}
