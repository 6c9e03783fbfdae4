// The state of a simulated file system and the operations that change it, as plain data.
//
// The live SimFileSystem (sim-fs.ts) and the crash-state enumeration (crash-states.ts) share this
// module: the simulator records every operation it performs as a SimOp, with the outcome of any
// injected fault already decided (bytes written, errno), so folding a prefix of the op log over an
// empty state rebuilds exactly the state the simulator had at that moment. That is what lets the
// explorer crash the system "after operation k" for every k without re-running the workload.
//
// What the state knows, per file (an inode): the durable bytes (`base`), the operations since
// then with their status, and the page-cache view that reads return (`cache`). An operation is
//   - 'pending' until an fsync of the file returns OK, when it becomes 'durable';
//   - 'limbo' when an fsync failed with EIO: Linux marked its pages clean, so the data may or may
//     not have reached the disk, and no later fsync will ever write it again (fsyncgate).
// Per directory it knows the live entries and the durable entries; with `dirSync` on, creates,
// links, renames, unlinks and rmdirs stay in `pendingDirOps` until an fsync of a directory they
// touch. Which directories exist on stable storage is `durableDirs`: a directory is durable as soon
// as it is made, unless the `mkdirSync` knob makes its creation an entry change of its parent like
// any other. `syncAll` (sync(2), syncfs(2)) makes everything durable at once.

import { match } from 'ts-pattern';
import { applyDirOp, dirOpTouches, type DirOp } from './dir-ops.js';
import type { SimKnobs } from './knobs.js';
import { normalizePath, splitPath } from './sim-paths.js';

export type { DirOp } from './dir-ops.js';

export type OpStatus = 'durable' | 'limbo' | 'pending';

export type FileOp =
  | { readonly seq: number; readonly kind: 'write'; readonly offsetBytes: number; readonly data: Uint8Array; status: OpStatus }
  | { readonly seq: number; readonly kind: 'truncate'; readonly sizeBytes: number; status: OpStatus };

export interface SimFile {
  readonly inode: number;
  /** The bytes known to be on stable storage before the first op in `ops`. */
  base: Uint8Array;
  /** Operations since `base`, in issue order. */
  ops: FileOp[];
  /** What a read returns now: the page cache. */
  cache: Uint8Array;
}

export interface SimDir {
  readonly live: Map<string, number>;
  readonly durable: Map<string, number>;
}

export interface SimState {
  readonly knobs: SimKnobs;
  readonly files: Map<number, SimFile>;
  readonly dirs: Map<string, SimDir>;
  pendingDirOps: DirOp[];
  nextInode: number;
  /** Directories that exist on stable storage ('/' always does). */
  readonly durableDirs: Set<string>;
  /** Directories removed (rmdir) while their durable entries may still matter to a crash. */
  readonly removedDirs: Map<string, SimDir>;
}

/**
 * One recorded operation. `durableLsnProbe` is what the probe installed by the workload runner
 * (the WAL's durableLsn()) returned when the operation was issued, so the oracle knows exactly
 * which durability had been acknowledged before each crash point.
 */
export type SimOp = (
  | { readonly kind: 'mkdir'; readonly path: string }
  | { readonly kind: 'create'; readonly path: string; readonly inode: number }
  | {
      readonly kind: 'write';
      readonly path: string;
      readonly inode: number;
      readonly offsetBytes: number;
      /** What the caller asked to write. */
      readonly data: Uint8Array;
      /** How many bytes of `data` reached the page cache. */
      readonly writtenBytes: number;
      /** Set when the write threw (after writing `writtenBytes`). */
      readonly errno: string | null;
    }
  | { readonly kind: 'truncate'; readonly path: string; readonly inode: number; readonly sizeBytes: number }
  | { readonly kind: 'fsync'; readonly path: string; readonly inode: number; readonly errno: string | null }
  | { readonly kind: 'fsyncDir'; readonly path: string; readonly errno: string | null }
  | { readonly kind: 'rename'; readonly from: string; readonly to: string; readonly inode: number }
  | { readonly kind: 'unlink'; readonly path: string; readonly inode: number }
  /** A hard link: `to` becomes another name of the inode `from` names. */
  | { readonly kind: 'link'; readonly from: string; readonly to: string; readonly inode: number }
  /** An empty directory removed. */
  | { readonly kind: 'rmdir'; readonly path: string }
  /** sync(2) / syncfs(2): every file and every directory entry becomes durable. */
  | { readonly kind: 'syncAll'; readonly errno: string | null }
  | { readonly kind: 'mark'; readonly label: string; readonly data: unknown }
  | {
      /** Power loss: the state becomes exactly this image (one of the crash states), all durable. */
      readonly kind: 'crash';
      readonly files: readonly (readonly [string, Uint8Array])[];
      readonly dirs: readonly string[];
      readonly description: string;
    }
) & { readonly index: number; readonly durableLsnProbe: number | null };

/** An op as its maker describes it, before the log gives it an index and the probe's reading. */
export type SimOpInput = SimOp extends infer T ? (T extends unknown ? Omit<T, 'index' | 'durableLsnProbe'> : never) : never;

/** Operations that change what a crash could leave behind; marks and failed no-ops do not. */
export function isMutatingOp(op: Pick<SimOp, 'kind'>): boolean {
  return op.kind !== 'mark';
}

export function emptyState(knobs: SimKnobs): SimState {
  const state: SimState = { knobs, files: new Map(), dirs: new Map(), pendingDirOps: [], nextInode: 1, durableDirs: new Set(['/']), removedDirs: new Map() };
  ensureDir(state, '/');
  return state;
}

export function ensureDir(state: SimState, path: string, seq = -1): void {
  const normal = normalizePath(path);
  if (state.dirs.has(normal)) return;
  const parent = splitPath(normal);
  if (normal !== '/') ensureDir(state, parent.dir, seq);
  // A directory removed earlier and made again keeps the durable entries of the old one: they come
  // back only in crash states where the rmdir was lost.
  const removed = state.removedDirs.get(normal);
  state.removedDirs.delete(normal);
  state.dirs.set(normal, { live: new Map(), durable: removed?.durable ?? new Map() });
  // Directory creation is durable at once by default: the WAL creates its directory before it
  // writes anything. With mkdirSync (for other programs, traced by crash-test) it is an entry
  // change of the parent, lost in a crash until the parent is fsynced.
  if (normal !== '/' && state.knobs.mkdirSync === true && seq >= 0) {
    state.pendingDirOps.push({ seq, kind: 'mkdir', dir: parent.dir, name: parent.name, path: normal });
  } else {
    state.durableDirs.add(normal);
  }
}

// ---------------------------------------------------------------------------------------------
// Folding one op over the state.

function resize(bytes: Uint8Array, sizeBytes: number): Uint8Array {
  if (sizeBytes === bytes.length) return bytes;
  const out = new Uint8Array(sizeBytes);
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

/**
 * Puts an image into `state`, all of it durable: the directories, then each file as a new inode
 * whose bytes are both its durable base and its page cache. A crash op does this after clearing
 * the state, and SimFileSystem.fromImage into an empty one: one way to load an image.
 */
export function loadImage(state: SimState, files: Iterable<readonly [string, Uint8Array]>, dirs: Iterable<string>): void {
  for (const dir of dirs) ensureDir(state, dir);
  for (const [path, bytes] of files) {
    const { dir, name } = splitPath(path);
    ensureDir(state, dir);
    const inode = state.nextInode++;
    state.files.set(inode, { inode, base: bytes, ops: [], cache: bytes });
    dirOf(state, dir).live.set(name, inode);
    dirOf(state, dir).durable.set(name, inode);
  }
}

/** Every op in the log, folded in order over `state`. */
export function applyOp(state: SimState, op: SimOp): void {
  match(op)
    .with({ kind: 'mark' }, () => undefined)
    .with({ kind: 'mkdir' }, (o) => ensureDir(state, o.path, o.index))
    .with({ kind: 'crash' }, (o) => {
      state.files.clear();
      state.dirs.clear();
      state.pendingDirOps = [];
      state.durableDirs.clear();
      state.removedDirs.clear();
      ensureDir(state, '/');
      loadImage(state, o.files, o.dirs);
    })
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
    .with({ kind: 'syncAll' }, (o) => {
      // sync(2) reports no error for the data it wrote; syncfs(2) may (EIO), then nothing is known.
      if (o.errno !== null) return;
      for (const file of state.files.values()) syncFile(file, null);
      const durable = durableEntryMaps(state);
      for (const dirOp of state.pendingDirOps) applyDirOp(durable, dirOp, state.durableDirs);
      state.pendingDirOps = [];
    })
    .with({ kind: 'fsyncDir' }, (o) => {
      if (o.errno !== null) return;
      const dir = normalizePath(o.path);
      const durable = durableEntryMaps(state);
      const keep: DirOp[] = [];
      for (const dirOp of state.pendingDirOps) {
        if (dirOpTouches(dirOp, dir)) applyDirOp(durable, dirOp, state.durableDirs);
        else keep.push(dirOp);
      }
      state.pendingDirOps = keep;
    })
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
