// The crash states of ONE file: which of its undecided writes reach the disk, sector by sector.
//
// Each write since the file's durable base is split into sector pieces (file-pieces.ts: a piece
// holds the whole sector as the page cache held it right after the write, clipped to the file's
// size at that moment). Truncates and fallocates that grew the file are size pieces of their own,
// without data. Then, by the knobs:
//   - ordered: a prefix of the undecided pieces in issue order persists (the prefix may end in the
//     middle of a write: that write is torn at a sector boundary). One axis: prefix length.
//   - unordered: every sector independently holds its durable content or the content after any
//     one of its undecided pieces; every undecided size piece independently persists or not.
//   - safeAppend on: the file ends at the first byte that no persisted piece provided (a file
//     only grows over data that reached the disk). Off: a third axis lets the size be the grown
//     size (the largest size written since the last truncate that persisted), with those holes
//     reading as zeros or as garbage.
// Durable pieces (after an EIO left earlier ones in limbo) are always applied, in issue order.
// file-image.ts builds the image of one choice.

import { buildImage, type FileCrashImage, type FileSnapshot, type SizeMode } from './file-image.js';
import type { Piece } from './file-pieces.js';
import type { SimKnobs } from './knobs.js';
import type { SimFile } from './sim-state.js';

export { BYTE_CLASS_NAMES, ByteClass, FileCrashImage, type ByteClassCode, type ByteClassName, type PieceFate, type PieceReport, type SizeMode } from './file-image.js';

const SIZE_MODES: readonly SizeMode[] = ['cut', 'zeros', 'garbage'];

export interface FileCrashSpace {
  /** The radix of each axis of this file's choices. */
  readonly axes: readonly number[];
  build(choice: readonly number[]): FileCrashImage;
}

/** The file as it is now, for a crash space that stays valid while the simulator runs on. */
export function snapshotOf(file: SimFile): FileSnapshot {
  return { inode: file.inode, base: file.base, cache: file.cache, pieces: file.pieces, count: file.pieces.length };
}

export function fileCrashSpace(file: SimFile, knobs: SimKnobs): FileCrashSpace {
  // A snapshot: the simulator keeps running after the space is taken. Contents never change and
  // the piece array only grows (a status change replaces it), so references and a count suffice.
  const snapshot = snapshotOf(file);
  const undecided: number[] = [];
  let grows = false;
  for (let i = 0; i < snapshot.count; i++) {
    const p = snapshot.pieces[i] as Piece;
    if (p.status === 'durable') continue;
    undecided.push(i);
    grows ||= p.kind === 'write';
  }
  // How grown holes read only matters while some write is undecided.
  const sizeAxis = knobs.safeAppend || !grows ? [] : [SIZE_MODES.length];
  if (knobs.ordered) {
    const axes = [undecided.length + 1, ...sizeAxis];
    return { axes, build: (choice) => buildImage(snapshot, new Set(undecided.slice(0, choice[0] ?? 0)), sizeModeOf(choice, axes, sizeAxis)) };
  }
  const { sectorGroups, sizePieces } = unorderedAxes(snapshot, undecided);
  const axes = [...sectorGroups.map((g) => g.length + 1), ...sizePieces.map(() => 2), ...sizeAxis];
  const build = (choice: readonly number[]): FileCrashImage => {
    const chosen = new Set<number>();
    sectorGroups.forEach((group, i) => {
      const pick = choice[i] ?? 0;
      const piece = pick === 0 ? undefined : group[pick - 1];
      if (piece !== undefined) chosen.add(piece);
    });
    sizePieces.forEach((piece, i) => {
      if ((choice[sectorGroups.length + i] ?? 0) === 1) chosen.add(piece);
    });
    return buildImage(snapshot, chosen, sizeModeOf(choice, axes, sizeAxis));
  };
  return { axes, build };
}

function sizeModeOf(choice: readonly number[], axes: readonly number[], sizeAxis: readonly number[]): SizeMode {
  return sizeAxis.length === 0 ? 'cut' : (SIZE_MODES[choice[axes.length - 1] ?? 0] ?? 'cut');
}

/**
 * Unordered: the undecided write pieces grouped by sector, keeping only those after the sector's
 * last durable piece (earlier ones are overwritten by it on every path), and the undecided size
 * pieces (truncates, fallocates), each its own yes/no axis.
 */
function unorderedAxes(snapshot: FileSnapshot, undecided: readonly number[]): { sectorGroups: number[][]; sizePieces: number[] } {
  const lastDurableSeq = new Map<number, number>();
  for (let i = 0; i < snapshot.count; i++) {
    const p = snapshot.pieces[i] as Piece;
    if (p.status === 'durable' && p.kind === 'write') lastDurableSeq.set(p.sector, p.seq);
  }
  const bySector = new Map<number, number[]>();
  const sizePieces: number[] = [];
  for (const index of undecided) {
    const p = snapshot.pieces[index] as Piece;
    if (p.kind !== 'write') {
      sizePieces.push(index);
      continue;
    }
    if (p.seq < (lastDurableSeq.get(p.sector) ?? -1)) continue;
    const group = bySector.get(p.sector) ?? [];
    group.push(index);
    bySector.set(p.sector, group);
  }
  return { sectorGroups: [...bySector.values()], sizePieces };
}
