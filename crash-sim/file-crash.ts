// The crash states of ONE file: which of its undecided writes reach the disk, sector by sector.
//
// Each write since the file's durable base is split into sector pieces. A piece stores the whole
// sector as the page cache held it right after the write (a device writes sectors, not bytes, and
// the page it writes back contains everything written to it so far), clipped to the file's size
// at that moment. Truncates are pieces of their own, without data. Then, by the knobs:
//   - ordered: a prefix of the undecided pieces in issue order persists (the prefix may end in the
//     middle of a write: that write is torn at a sector boundary). One axis: prefix length.
//   - unordered: every sector independently holds its durable content or the content after any
//     one of its undecided pieces; every undecided truncate independently persists or not.
//   - safeAppend on: the file ends at the first byte that no persisted piece provided (a file
//     only grows over data that reached the disk). Off: a third axis lets the size be the grown
//     size (the largest size written since the last truncate that persisted), with those holes
//     reading as zeros or as garbage.
// Durable pieces (after an EIO left earlier ones in limbo) are always applied, in issue order.

import { garbageByte } from './prng.js';
import type { SimFile } from './sim-state.js';
import type { SimKnobs } from './knobs.js';

/** Per-byte classes of a file in a crash state, relative to the page cache before the crash. */
export const ByteClass = { durable: 0, lost: 1, torn: 2, garbage: 3 } as const;
export type ByteClassName = keyof typeof ByteClass;
export const BYTE_CLASS_NAMES: readonly ByteClassName[] = ['durable', 'lost', 'torn', 'garbage'];

export type SizeMode = 'cut' | 'zeros' | 'garbage';
const SIZE_MODES: readonly SizeMode[] = ['cut', 'zeros', 'garbage'];

interface Piece {
  /** Position in the file's op list, and the op-log index of that op. */
  readonly opIndex: number;
  readonly seq: number;
  readonly kind: 'write' | 'truncate';
  readonly sector: number;
  readonly startBytes: number;
  readonly content: Uint8Array;
  readonly sizeAfterBytes: number;
  readonly durable: boolean;
}

export type PieceFate = 'durable' | 'survived' | 'lost';

export interface PieceReport {
  readonly seq: number;
  readonly kind: 'write' | 'truncate';
  readonly sector: number | null;
  readonly fate: PieceFate;
}

export interface FileCrashImage {
  readonly bytes: Uint8Array;
  /** One ByteClass code per byte over max(image size, page-cache size). */
  readonly classes: Uint8Array;
  readonly pieces: readonly PieceReport[];
  readonly sizeMode: SizeMode;
}

export interface FileCrashSpace {
  /** The radix of each axis of this file's choices. */
  readonly axes: readonly number[];
  build(choice: readonly number[]): FileCrashImage;
}

function piecesOf(file: SimFile, sectorBytes: number): Piece[] {
  const pieces: Piece[] = [];
  let cache = file.base.slice();
  file.ops.forEach((op, opIndex) => {
    const durable = op.status === 'durable';
    if (op.kind === 'truncate') {
      const next = new Uint8Array(op.sizeBytes);
      next.set(cache.subarray(0, Math.min(cache.length, op.sizeBytes)));
      cache = next;
      pieces.push({ opIndex, seq: op.seq, kind: 'truncate', sector: -1, startBytes: op.sizeBytes, content: new Uint8Array(0), sizeAfterBytes: op.sizeBytes, durable });
      return;
    }
    const sizeBefore = cache.length;
    const end = op.offsetBytes + op.data.length;
    if (end > cache.length) {
      const grown = new Uint8Array(end);
      grown.set(cache);
      cache = grown;
    }
    cache.set(op.data, op.offsetBytes);
    if (op.data.length === 0) return;
    const firstSector = Math.floor(op.offsetBytes / sectorBytes);
    const lastSector = Math.floor((end - 1) / sectorBytes);
    for (let sector = firstSector; sector <= lastSector; sector++) {
      const startBytes = sector * sectorBytes;
      const stopBytes = Math.min((sector + 1) * sectorBytes, cache.length);
      const isLast = sector === lastSector;
      pieces.push({
        opIndex,
        seq: op.seq,
        kind: 'write',
        sector,
        startBytes,
        content: cache.slice(startBytes, stopBytes),
        sizeAfterBytes: isLast ? cache.length : Math.max(sizeBefore, stopBytes),
        durable,
      });
    }
  });
  return pieces;
}

/** For every byte of the page cache, the index of the op that last wrote it (-1: the base). */
function lastWriters(file: SimFile): Int32Array {
  const writers = new Int32Array(file.cache.length).fill(-1);
  file.ops.forEach((op, opIndex) => {
    if (op.kind === 'truncate') {
      writers.fill(-1, Math.min(op.sizeBytes, writers.length));
      return;
    }
    writers.fill(opIndex, Math.min(op.offsetBytes, writers.length), Math.min(op.offsetBytes + op.data.length, writers.length));
  });
  return writers;
}

export function fileCrashSpace(live: SimFile, knobs: SimKnobs): FileCrashSpace {
  // A snapshot: the simulator keeps running after the space is taken. The byte arrays are never
  // modified in place (sim-state.ts replaces them), so copying the references is enough.
  const file: SimFile = { inode: live.inode, base: live.base, cache: live.cache, ops: live.ops.map((op) => ({ ...op })) };
  const pieces = piecesOf(file, knobs.sectorBytes);
  const undecided = pieces.filter((p) => !p.durable);
  // How grown holes read only matters while some write is undecided.
  const grows = undecided.some((p) => p.kind === 'write');
  const sizeAxis = knobs.safeAppend || !grows ? [] : [SIZE_MODES.length];

  // Unordered: group undecided write pieces by sector, keeping only those after the sector's last
  // durable piece (earlier ones are overwritten by it on every path).
  const lastDurableSeq = new Map<number, number>();
  for (const p of pieces) if (p.durable && p.kind === 'write') lastDurableSeq.set(p.sector, p.seq);
  const bySector = new Map<number, Piece[]>();
  const undecidedTruncates: Piece[] = [];
  for (const p of undecided) {
    if (p.kind === 'truncate') {
      undecidedTruncates.push(p);
      continue;
    }
    if (p.seq < (lastDurableSeq.get(p.sector) ?? -1)) continue;
    const group = bySector.get(p.sector) ?? [];
    group.push(p);
    bySector.set(p.sector, group);
  }
  const sectorGroups = [...bySector.values()];

  const axes = knobs.ordered
    ? [undecided.length + 1, ...sizeAxis]
    : [...sectorGroups.map((g) => g.length + 1), ...undecidedTruncates.map(() => 2), ...sizeAxis];
  const writers = lastWriters(file);

  const build = (choice: readonly number[]): FileCrashImage => {
    const chosen = new Set<Piece>();
    if (knobs.ordered) {
      const prefix = choice[0] ?? 0;
      for (const p of undecided.slice(0, prefix)) chosen.add(p);
    } else {
      sectorGroups.forEach((group, i) => {
        const pick = choice[i] ?? 0;
        const piece = pick === 0 ? undefined : group[pick - 1];
        if (piece !== undefined) chosen.add(piece);
      });
      undecidedTruncates.forEach((p, i) => {
        if ((choice[sectorGroups.length + i] ?? 0) === 1) chosen.add(p);
      });
    }
    const sizeMode = sizeAxis.length === 0 ? 'cut' : (SIZE_MODES[choice[axes.length - 1] ?? 0] ?? 'cut');
    return applyPieces(file, pieces, chosen, sizeMode, writers);
  };
  return { axes, build };
}

function applyPieces(file: SimFile, pieces: readonly Piece[], chosen: ReadonlySet<Piece>, sizeMode: SizeMode, writers: Int32Array): FileCrashImage {
  const capacity = Math.max(file.cache.length, file.base.length, ...pieces.map((p) => p.startBytes + p.content.length));
  const buf = new Uint8Array(capacity);
  const provided = new Uint8Array(capacity);
  buf.set(file.base);
  provided.fill(1, 0, file.base.length);
  let size = file.base.length;
  let grownSize = size;
  // The size an fsync made durable: a crash never shrinks a file below it, and holes under it
  // (a write in limbo that never reached the disk) read as zeros.
  let durableSize = size;
  const persistedOps = new Set<number>();
  for (const p of pieces) {
    const applied = p.durable || chosen.has(p);
    if (p.kind === 'write') grownSize = Math.max(grownSize, p.sizeAfterBytes);
    if (!applied) continue;
    if (p.durable) durableSize = p.sizeAfterBytes;
    if (p.kind === 'truncate') {
      buf.fill(0, p.sizeAfterBytes);
      provided.fill(0, p.sizeAfterBytes);
      size = p.sizeAfterBytes;
      // A truncate that reached the disk set the inode's size after every growth before it: the
      // grown size a crash may show comes only from writes issued after it.
      grownSize = p.sizeAfterBytes;
      continue;
    }
    persistedOps.add(p.opIndex);
    buf.set(p.content, p.startBytes);
    provided.fill(1, p.startBytes, p.startBytes + p.content.length);
    size = p.sizeAfterBytes;
  }
  const firstHole = provided.subarray(0, size).indexOf(0);
  const cutSize = firstHole === -1 ? size : Math.max(firstHole, Math.min(durableSize, size));
  const finalSize = sizeMode === 'cut' ? cutSize : Math.max(size, file.cache.length, grownSize);
  const fill = new Uint8Array(finalSize);
  if (sizeMode !== 'cut') {
    for (let at = 0; at < finalSize; at++) {
      if (provided[at] === 1) continue;
      buf[at] = sizeMode === 'zeros' ? 0 : garbageByte(file.inode, at);
      fill[at] = 1;
    }
  }
  const bytes = buf.slice(0, finalSize);
  const classes = byteClasses(file.cache, bytes, fill, writers, persistedOps);
  const reports: PieceReport[] = pieces.map((p) => ({
    seq: p.seq,
    kind: p.kind,
    sector: p.kind === 'write' ? p.sector : null,
    fate: p.durable ? 'durable' : chosen.has(p) ? 'survived' : 'lost',
  }));
  return { bytes, classes, pieces: reports, sizeMode };
}

/**
 * One ByteClass per byte over max(image size, page-cache size): garbage where a grown hole was
 * filled, durable where the image holds what the page cache held, torn where a write that
 * persisted in part last wrote the byte, lost elsewhere.
 */
function byteClasses(cache: Uint8Array, bytes: Uint8Array, fill: Uint8Array, writers: Int32Array, persistedOps: ReadonlySet<number>): Uint8Array {
  const span = Math.max(bytes.length, cache.length);
  const classes = new Uint8Array(span);
  for (let at = 0; at < span; at++) {
    if (at < bytes.length && fill[at] === 1) classes[at] = ByteClass.garbage;
    else if (at < bytes.length && at < cache.length && bytes[at] === cache[at]) classes[at] = ByteClass.durable;
    else {
      const writer = writers[at] ?? -1;
      classes[at] = writer >= 0 && persistedOps.has(writer) ? ByteClass.torn : ByteClass.lost;
    }
  }
  return classes;
}
