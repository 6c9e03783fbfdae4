// Folding one recorded operation over a simulator state (sim-state.ts): what the page cache, the
// sector pieces of unsynced operations (file-pieces.ts), the pending entry changes and the durable
// state become. The live simulator and every checker fold the same op log with applyOp, so they
// never disagree about a state; stateAfter replays a prefix.

import { match, P } from 'ts-pattern';
import { applyDirOp, dirOpTouches, movedPath, rebaseDirOp, type DirOp } from './dir-ops.js';
import { FileContent } from './file-content.js';
import { sizePiece, syncedPieces, writePieces } from './file-pieces.js';
import type { SimKnobs } from './knobs.js';
import { normalizePath, splitPath } from './sim-paths.js';
import { inodeAt } from './sim-query.js';
import { emptyState, ensureDir, loadImage, type SimDir, type SimFile, type SimOp, type SimState } from './sim-state.js';

type OpOfKind<K extends SimOp['kind']> = Extract<SimOp, { kind: K }>;

function fileOf(state: SimState, inode: number): SimFile {
  const file = state.files.get(inode);
  if (file === undefined) throw new Error(`crash-sim: op names unknown inode ${inode}`);
  return file;
}

function dirOf(state: SimState, path: string): SimDir {
  const dir = state.dirs.get(normalizePath(path));
  if (dir === undefined) throw new Error(`crash-sim: op names unknown directory ${path}`);
  return dir;
}

/** Every directory's durable entries, live or removed, by path (the maps themselves, not copies). */
function durableEntryMaps(state: SimState): Map<string, Map<string, number>> {
  return new Map([...state.removedDirs, ...state.dirs].map(([path, dir]) => [path, dir.durable] as const));
}

function recordDirOp(state: SimState, op: DirOp): void {
  if (state.knobs.dirSync) {
    state.pendingDirOps.push(op);
    return;
  }
  applyDirOp(durableEntryMaps(state), op, state.durableDirs);
}

/** Marks every pending piece of the file durable (fsync returned OK), or limbo (it failed). */
function syncFile(file: SimFile, errno: string | null): void {
  if (file.pieces.length === 0) return;
  // With nothing in limbo, everything in the cache is durable: it becomes the base, so the
  // enumeration never looks at history that can no longer matter.
  const pieces = syncedPieces(file.pieces, errno);
  if (pieces === null) file.base = file.cache;
  file.pieces = pieces ?? [];
  file.version++;
}

/** Every op in the log, folded in order over `state`. */
export function applyOp(state: SimState, op: SimOp): void {
  match(op)
    .with({ kind: 'mark' }, () => undefined)
    .with({ kind: 'mkdir' }, (o) => ensureDir(state, o.path, o.index))
    .with({ kind: 'crash' }, (o) => {
      // Power loss: the state becomes exactly the image, all durable.
      state.files.clear();
      state.dirs.clear();
      state.pendingDirOps = [];
      state.durableDirs.clear();
      state.removedDirs.clear();
      // Stryker disable next-line StringLiteral: normalizePath reads '' as '/', so the root is made all the same.
      ensureDir(state, '/');
      loadImage(state, o.files, o.dirs);
    })
    .with({ kind: P.union('create', 'write', 'truncate', 'fallocate', 'fsync') }, (o) => applyFileOp(state, o))
    .with({ kind: P.union('syncAll', 'fsyncDir') }, (o) => applySync(state, o))
    .with({ kind: P.union('link', 'rmdir', 'rename', 'unlink') }, (o) => applyEntryOp(state, o))
    // Stryker disable next-line ObjectLiteral: the last arm: every other kind was matched above, so a pattern matching anything takes only renameDir here too.
    .with({ kind: 'renameDir' }, (o) => applyRenameDir(state, o))
    .exhaustive();
}

/** A file created, written, truncated, allocated or fsynced: its page cache and its pieces. */
function applyFileOp(state: SimState, op: OpOfKind<'create' | 'write' | 'truncate' | 'fallocate' | 'fsync'>): void {
  match(op)
    .with({ kind: 'create' }, (o) => {
      const { dir, name } = splitPath(o.path);
      state.files.set(o.inode, { inode: o.inode, base: FileContent.EMPTY, pieces: [], cache: FileContent.EMPTY, version: 0 });
      state.nextInode = Math.max(state.nextInode, o.inode + 1);
      dirOf(state, dir).live.set(name, o.inode);
      recordDirOp(state, { seq: o.index, kind: 'create', dir, name, inode: o.inode });
    })
    .with({ kind: 'write' }, (o) => {
      if (o.writtenBytes === 0) return;
      const file = fileOf(state, o.inode);
      const sizeBefore = file.cache.sizeBytes;
      file.cache = file.cache.write(o.offsetBytes, o.data.subarray(0, o.writtenBytes));
      for (const piece of writePieces(o.index, file.cache, sizeBefore, o.offsetBytes, o.writtenBytes, state.knobs.sectorBytes)) file.pieces.push(piece);
      file.version++;
    })
    .with({ kind: 'truncate' }, (o) => {
      const file = fileOf(state, o.inode);
      file.pieces.push(sizePiece(o.index, 'truncate', o.sizeBytes, o.sizeBytes));
      file.cache = file.cache.resize(o.sizeBytes);
      file.version++;
    })
    .with({ kind: 'fallocate' }, (o) => {
      const file = fileOf(state, o.inode);
      const sizeBefore = file.cache.sizeBytes;
      if (o.keepSize || o.offsetBytes + o.lengthBytes <= sizeBefore) return;
      file.pieces.push(sizePiece(o.index, 'fallocate', sizeBefore, o.offsetBytes + o.lengthBytes));
      file.cache = file.cache.resize(o.offsetBytes + o.lengthBytes);
      file.version++;
    })
    // Stryker disable next-line ObjectLiteral: the last arm: every other kind was matched above, so a pattern matching anything takes only fsync here too.
    .with({ kind: 'fsync' }, (o) => syncFile(fileOf(state, o.inode), o.errno))
    .exhaustive();
}

/** sync(2) / syncfs(2), or a directory fsync: pending entry changes become durable. */
function applySync(state: SimState, op: OpOfKind<'syncAll' | 'fsyncDir'>): void {
  // sync(2) reports no error for the data it wrote; syncfs(2) may (EIO), then nothing is known.
  if (op.errno !== null) return;
  const durable = durableEntryMaps(state);
  if (op.kind === 'syncAll') {
    for (const file of state.files.values()) syncFile(file, null);
    for (const dirOp of state.pendingDirOps) applyDirOp(durable, dirOp, state.durableDirs);
    state.pendingDirOps = [];
    return;
  }
  const dir = normalizePath(op.path);
  const keep: DirOp[] = [];
  for (const dirOp of state.pendingDirOps) {
    if (!dirOpTouches(dirOp, dir)) {
      keep.push(dirOp);
      continue;
    }
    applyDirOp(durable, dirOp, state.durableDirs);
    // A durable rename of a directory: the changes issued inside it before, still undecided, now
    // name it by its new path (the directory is the same).
    if (dirOp.kind === 'renameDir') keep.forEach((k, i) => void (keep[i] = rebaseDirOp(k, dirOp.from, dirOp.to)));
  }
  state.pendingDirOps = keep;
}

/** A link, rmdir, rename or unlink: the live entries at once, the durable ones through recordDirOp. */
function applyEntryOp(state: SimState, op: OpOfKind<'link' | 'rmdir' | 'rename' | 'unlink'>): void {
  match(op)
    .with({ kind: 'link' }, (o) => {
      const to = splitPath(o.to);
      fileOf(state, o.inode);
      dirOf(state, to.dir).live.set(to.name, o.inode);
      recordDirOp(state, { seq: o.index, kind: 'link', dir: to.dir, name: to.name, inode: o.inode });
    })
    .with({ kind: 'rmdir' }, (o) => {
      const path = normalizePath(o.path);
      const dir = dirOf(state, path);
      if (dir.live.size > 0 || [...state.dirs.keys()].some((d) => d !== path && splitPath(d).dir === path)) {
        throw new Error(`crash-sim: rmdir of ${path}, which is not empty`);
      }
      state.dirs.delete(path);
      state.removedDirs.set(path, dir);
      const { dir: parent, name } = splitPath(path);
      recordDirOp(state, { seq: o.index, kind: 'rmdir', dir: parent, name, path });
    })
    .with({ kind: 'rename' }, (o) => {
      const from = splitPath(o.from);
      const to = splitPath(o.to);
      dirOf(state, from.dir).live.delete(from.name);
      dirOf(state, to.dir).live.set(to.name, o.inode);
      recordDirOp(state, { seq: o.index, kind: 'rename', fromDir: from.dir, fromName: from.name, toDir: to.dir, toName: to.name, inode: o.inode });
    })
    .with({ kind: 'unlink' }, (o) => {
      const { dir, name } = splitPath(o.path);
      dirOf(state, dir).live.delete(name);
      recordDirOp(state, { seq: o.index, kind: 'unlink', dir, name, inode: o.inode });
    })
    .exhaustive();
}

/**
 * A directory renamed: the live subtree moves at once. With dirSync on, the durable entries stay
 * under the old paths (as removed directories) until the rename is durable; off, they move too.
 */
function applyRenameDir(state: SimState, op: OpOfKind<'renameDir'>): void {
  const from = normalizePath(op.from);
  const to = normalizePath(op.to);
  dirOf(state, from);
  dirOf(state, splitPath(to).dir);
  if (state.dirs.has(to) || inodeAt(state, to) !== null || movedPath(to, from, to) !== null) throw new Error(`crash-sim: rename of the directory ${from} onto ${to}, which exists or lies inside it`);
  for (const path of [...state.dirs.keys()]) {
    const moved = movedPath(path, from, to);
    const dir = state.dirs.get(path);
    if (moved === null || dir === undefined) continue;
    state.dirs.delete(path);
    if (!state.knobs.dirSync) {
      state.dirs.set(moved, dir);
      continue;
    }
    state.dirs.set(moved, { live: dir.live, durable: new Map() });
    const removed = state.removedDirs.get(path);
    if (removed === undefined) state.removedDirs.set(path, { live: new Map(), durable: dir.durable });
    else for (const [name, inode] of dir.durable) removed.durable.set(name, inode);
  }
  const f = splitPath(from);
  const t = splitPath(to);
  const dirOp: DirOp = { seq: op.index, kind: 'renameDir', fromDir: f.dir, fromName: f.name, toDir: t.dir, toName: t.name, from, to };
  // Off, the durable entries moved with their directories above: only the set of durable directories
  // is left to move, and the mkdirs still pending under the old path (mkdirSync) now name the new one.
  if (state.knobs.dirSync) state.pendingDirOps.push(dirOp);
  else {
    applyDirOp(new Map(), dirOp, state.durableDirs);
    state.pendingDirOps = state.pendingDirOps.map((pending) => rebaseDirOp(pending, from, to));
  }
}

/** The state after the first `count` ops of `log`. */
export function stateAfter(knobs: SimKnobs, log: readonly SimOp[], count: number): SimState {
  const state = emptyState(knobs);
  for (const op of log.slice(0, count)) applyOp(state, op);
  return state;
}
