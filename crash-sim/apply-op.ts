// Folding one recorded operation over a simulator state (sim-state.ts): what the page cache, the
// pending entry changes and the durable state become. The live simulator and every checker fold
// the same op log with applyOp, so they never disagree about a state; stateAfter replays a prefix.

import { match, P } from 'ts-pattern';
import { applyDirOp, dirOpTouches, type DirOp } from './dir-ops.js';
import type { SimKnobs } from './knobs.js';
import { normalizePath, splitPath } from './sim-paths.js';
import { emptyState, ensureDir, loadImage, type OpStatus, type SimDir, type SimFile, type SimOp, type SimState } from './sim-state.js';

type OpOfKind<K extends SimOp['kind']> = Extract<SimOp, { kind: K }>;

function resize(bytes: Uint8Array, sizeBytes: number): Uint8Array {
  if (sizeBytes === bytes.length) return bytes;
  const out = new Uint8Array(sizeBytes);
  // Stryker disable next-line EqualityOperator: equal sizes returned above, so < and <= agree here
  out.set(sizeBytes < bytes.length ? bytes.subarray(0, sizeBytes) : bytes);
  return out;
}

function writeInto(bytes: Uint8Array, data: Uint8Array, offsetBytes: number): Uint8Array {
  const out = offsetBytes + data.length > bytes.length ? resize(bytes, offsetBytes + data.length) : bytes.slice();
  out.set(data, offsetBytes);
  return out;
}

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

/** Marks every pending write of the file durable (fsync returned OK), or limbo (it failed). */
function syncFile(file: SimFile, errno: string | null): void {
  const outcome: OpStatus = errno === null ? 'durable' : 'limbo';
  for (const fileOp of file.ops) if (fileOp.status === 'pending') fileOp.status = outcome;
  // With nothing in limbo, everything in the cache is durable: fold it into the base so the
  // enumeration never looks at history that can no longer matter.
  if (file.ops.every((fileOp) => fileOp.status === 'durable')) {
    file.base = file.cache.slice();
    file.ops = [];
  }
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
      ensureDir(state, '/');
      loadImage(state, o.files, o.dirs);
    })
    .with({ kind: P.union('create', 'write', 'truncate', 'fsync') }, (o) => applyFileOp(state, o))
    .with({ kind: P.union('syncAll', 'fsyncDir') }, (o) => applySync(state, o))
    .with({ kind: P.union('link', 'rmdir', 'rename', 'unlink') }, (o) => applyEntryOp(state, o))
    .exhaustive();
}

/** A file created, written, truncated or fsynced: its page cache and its pending ops. */
function applyFileOp(state: SimState, op: OpOfKind<'create' | 'write' | 'truncate' | 'fsync'>): void {
  match(op)
    .with({ kind: 'create' }, (o) => {
      const { dir, name } = splitPath(o.path);
      state.files.set(o.inode, { inode: o.inode, base: new Uint8Array(0), ops: [], cache: new Uint8Array(0) });
      state.nextInode = Math.max(state.nextInode, o.inode + 1);
      dirOf(state, dir).live.set(name, o.inode);
      recordDirOp(state, { seq: o.index, kind: 'create', dir, name, inode: o.inode });
    })
    .with({ kind: 'write' }, (o) => {
      if (o.writtenBytes === 0) return;
      const file = fileOf(state, o.inode);
      const data = o.data.slice(0, o.writtenBytes);
      file.ops.push({ seq: o.index, kind: 'write', offsetBytes: o.offsetBytes, data, status: 'pending' });
      file.cache = writeInto(file.cache, data, o.offsetBytes);
    })
    .with({ kind: 'truncate' }, (o) => {
      const file = fileOf(state, o.inode);
      file.ops.push({ seq: o.index, kind: 'truncate', sizeBytes: o.sizeBytes, status: 'pending' });
      file.cache = resize(file.cache, o.sizeBytes);
    })
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
    if (dirOpTouches(dirOp, dir)) applyDirOp(durable, dirOp, state.durableDirs);
    else keep.push(dirOp);
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

/** The state after the first `count` ops of `log`. */
export function stateAfter(knobs: SimKnobs, log: readonly SimOp[], count: number): SimState {
  const state = emptyState(knobs);
  for (const op of log.slice(0, count)) applyOp(state, op);
  return state;
}
