// One segment file used for several lives: spec/Recycle.tla as pure functions, under its names.
// The file is a row of frame slots; a frame carries the salt of the life it was written in and the
// run of the process that wrote it, the header the salt and base LSN of the current life
// (docs/format.md "Preallocation and reuse"). A slot's two parts, the frame's length and the rest,
// reach the disk independently, and all frames have the same length, so a frame written in a slot
// completes the rest of an older one there. The model-based tests' model (state.ts) has no segments
// at all; this one has nothing but a segment, and exists to state what reuse needs: replay never
// returns a frame of an earlier life (StaleNeverReplayedInv), loses no durable frame of the current
// one (SaltDurabilityInv), the writer never hands out an LSN a frame of the current life on disk
// carries (SaltNoReuseInv), and a frame a recovery did not replay is never replayed later
// (NoResurrectionInv).

import type { Lsn } from './state.js';

/** All of a frame but its length: zeros, or the rest of a frame of life `salt` written by process run `run`. */
export type Body = { readonly kind: 'zero' } | { readonly kind: 'frame'; readonly salt: number; readonly lsn: Lsn; readonly run: number };

/** A slot: whether a frame's length is there, and the rest. */
export interface Slot {
  readonly len: boolean;
  readonly body: Body;
}

const ZERO: Body = { kind: 'zero' };
const ZERO_SLOT: Slot = { len: false, body: ZERO };

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
  /** Crashes so far: the run of the process that is up (or that went down last). */
  readonly crashes: number;
  /** History: what the last recovery replayed, and the salt it replayed under. */
  readonly replayed: readonly Body[];
  readonly replayedLife: number;
  /** History: what the recovery before it replayed. */
  readonly replayedBefore: readonly Body[];
  /** History: the frames of the current life on stable storage when the process went down. */
  readonly durableLive: readonly Body[];
}

export interface RecycleOptions {
  /** The planted bug of MCRecycleNoSalt.cfg: replay takes every whole frame, whatever its salt. */
  readonly ignoreSalt?: boolean;
  /** The planted bug of MCRecycleKeepRemains.cfg: recovery cuts only for a whole frame of this life after the end. */
  readonly keepRemains?: boolean;
}

export function initialRecycleState(slots: number): RecycleState {
  const empty = Array.from({ length: slots }, () => ZERO_SLOT);
  return { salt: 1, base: 1, disk: empty, cache: empty, pos: 0, nextLsn: 1, up: true, crashes: 0, replayed: [], replayedLife: 1, replayedBefore: [], durableLive: [] };
}

/** A slot that holds a whole frame of life `salt`. */
const wholeOf = (slot: Slot, salt: number): boolean => slot.len && slot.body.kind === 'frame' && slot.body.salt === salt;

const isZeroSlot = (slot: Slot): boolean => !slot.len && slot.body.kind === 'zero';

/** The same write: the same salt, LSN and run (the invariants compare only frames). */
const sameFrame = (a: Body, b: Body): boolean =>
  // Stryker disable next-line ConditionalExpression: the kind tests only narrow the types; a zero body has no salt, so it never equals a frame's
  a.kind === 'frame' && b.kind === 'frame' && a.salt === b.salt && a.lsn === b.lsn && a.run === b.run;

/** A slot replay reads as a record of the current life: the salt check (dropped by the planted bug). */
export function live(slot: Slot, salt: number, options: RecycleOptions = {}): boolean {
  return slot.len && slot.body.kind === 'frame' && (options.ignoreSalt === true || slot.body.salt === salt);
}

/** How many slots from the first on hold live frames: where the segment's records end. */
function liveCount(disk: readonly Slot[], salt: number, options: RecycleOptions): number {
  const k = disk.findIndex((slot) => !live(slot, salt, options));
  return k === -1 ? disk.length : k;
}

/** The records replay returns: the live frames from the first slot on. */
export function replaySlots(disk: readonly Slot[], salt: number, options: RecycleOptions = {}): Body[] {
  return disk.slice(0, liveCount(disk, salt, options)).map((slot) => slot.body);
}

/**
 * The highest LSN of a whole frame of the current life anywhere in the file, or 0. The rest of a
 * frame whose length was lost names no LSN recovery can see.
 */
export function maxLifeLsn(disk: readonly Slot[], salt: number): Lsn {
  return disk.reduce((max, slot) => (wholeOf(slot, salt) && slot.body.kind === 'frame' ? Math.max(max, slot.body.lsn) : max), 0);
}

/** Write: one frame into the page cache, with the end marker in the next slot. Null when disabled. */
export function Write(state: RecycleState): RecycleState | null {
  if (!state.up || state.pos >= state.cache.length) return null;
  const frame: Slot = { len: true, body: { kind: 'frame', salt: state.salt, lsn: state.nextLsn, run: state.crashes } };
  // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: the end marker changes no verdict here. Recover zeros every slot after the live frames unless all of them are zeros already, so a slot after the writer holds zeros or (after Recycle) an earlier life's frame or its parts, which the salt keeps out. The marker matters in src/, where a slot can hold the torn remains of an older frame (a sealed segment must end at zeros).
  const cache = state.cache.map((slot, i) => (i === state.pos ? frame : i === state.pos + 1 ? ZERO_SLOT : slot));
  return { ...state, cache, pos: state.pos + 1, nextLsn: state.nextLsn + 1 };
}

/** Sync: an fsync that returned OK. */
export function Sync(state: RecycleState): RecycleState | null {
  return state.up ? { ...state, disk: state.cache } : null;
}

/** Recycle: the file, synced whole, becomes the next segment with a new salt and base LSN. */
export function Recycle(state: RecycleState): RecycleState | null {
  if (!state.up || state.disk.some((slot, i) => slot !== state.cache[i])) return null;
  // Stryker disable next-line ArithmeticOperator: the new life needs only a salt no earlier life of the file had; counting down gives such salts as well as counting up
  return { ...state, salt: state.salt + 1, base: state.nextLsn, pos: 0 };
}

/**
 * Crash: each part of each slot keeps its durable contents or the page cache's, independently: the
 * length when `keptLength[i]`, the rest when `keptRest[i]`.
 */
export function Crash(state: RecycleState, keptLength: readonly boolean[], keptRest: readonly boolean[]): RecycleState | null {
  if (!state.up) return null;
  const disk = state.disk.map((slot, i): Slot => {
    const cached = state.cache[i] ?? slot;
    return { len: keptLength[i] === true ? cached.len : slot.len, body: keptRest[i] === true ? cached.body : slot.body };
  });
  const durableLive = state.disk.filter((slot) => wholeOf(slot, state.salt)).map((slot) => slot.body);
  return { ...state, disk, durableLive, up: false, crashes: state.crashes + 1 };
}

/**
 * Recover: replay; when anything but zeros lies after the live frames, cut the file there (zeros
 * after, synced), else leave those slots as they are; continue above every LSN of this life. The
 * planted bug cuts only for a whole frame of this life, and leaves the rest of a frame whose length
 * a crash lost for a later write to complete.
 */
export function Recover(state: RecycleState, options: RecycleOptions = {}): RecycleState | null {
  if (state.up) return null;
  const k = liveCount(state.disk, state.salt, options);
  const behind = state.disk.slice(k);
  const dirty = options.keepRemains === true ? behind.some((slot) => wholeOf(slot, state.salt)) : !behind.every(isZeroSlot);
  const repaired = dirty ? state.disk.map((slot, i) => (i < k ? slot : ZERO_SLOT)) : state.disk;
  const nextLsn = Math.max(maxLifeLsn(state.disk, state.salt) + 1, state.base);
  return {
    ...state,
    replayed: replaySlots(state.disk, state.salt, options),
    replayedBefore: state.replayed,
    replayedLife: state.salt,
    disk: repaired,
    cache: repaired,
    pos: k,
    nextLsn,
    up: true,
  };
}

/** Replay never returns a frame written in an earlier life of the file. */
export function StaleNeverReplayedInv(state: RecycleState): boolean {
  return state.replayed.every((body) => body.kind === 'frame' && body.salt === state.replayedLife);
}

/** Every frame of the current life on stable storage when the process went down is replayed. */
export function SaltDurabilityInv(state: RecycleState): boolean {
  return !state.up || state.durableLive.every((body) => state.replayed.some((r) => sameFrame(r, body)));
}

/** The writer never hands out an LSN that a frame of the current life on disk already carries. */
export function SaltNoReuseInv(state: RecycleState): boolean {
  // Stryker disable next-line ConditionalExpression: the kind test only narrows the type; wholeOf has checked it
  return !state.up || state.disk.every((slot) => !wholeOf(slot, state.salt) || slot.body.kind !== 'frame' || slot.body.lsn < state.nextLsn);
}

/**
 * A frame that a recovery did not replay is never replayed later: every frame the last recovery
 * replayed was written in the run that crashed just before it, or was replayed by the recovery
 * before. (A host told, after the first recovery, that a transaction did not commit must never see
 * it committed after the next.)
 */
export function NoResurrectionInv(state: RecycleState): boolean {
  return !state.up || state.replayed.every((body) => body.kind === 'frame' && (body.run === state.crashes - 1 || state.replayedBefore.some((b) => sameFrame(b, body))));
}
