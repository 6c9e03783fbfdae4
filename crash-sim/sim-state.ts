// The state of a simulated file system and the operations that change it, as plain data.
//
// The live SimFileSystem (sim-fs.ts) and the crash-state enumeration (crash-states.ts) share this
// module: the simulator records every operation it performs as a SimOp, with the outcome of any
// injected fault already decided (bytes written, errno), so folding a prefix of the op log over an
// empty state (applyOp, apply-op.ts) rebuilds exactly the state the simulator had at that moment.
// That lets a checker crash the system "after operation k" for every k without re-running anything.
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

import type { DirOp } from './dir-ops.js';
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
    const entries = state.dirs.get(dir);
    entries?.live.set(name, inode);
    entries?.durable.set(name, inode);
  }
}
