// The state of a simulated file system and the operations that change it, as plain data.
//
// The live SimFileSystem (sim-fs.ts) and the crash-state enumeration (crash-states.ts) share this
// module: the simulator records every operation it performs as a SimOp, with the outcome of any
// injected fault already decided (bytes written, errno), so folding a prefix of the op log over an
// empty state (applyOp, apply-op.ts) rebuilds exactly the state the simulator had at that moment.
// That lets a checker crash the system "after operation k" for every k without re-running anything.
//
// What the state knows, per file (an inode): the durable bytes (`base`), the page-cache view that
// reads return (`cache`), both as FileContent (file-content.ts: copy-on-write chunks that versions
// share, with a file of the initial image read only where a write lands), and the sector pieces of
// the operations since `base` (file-pieces.ts), each with its status:
//   - 'pending' until an fsync of the file returns OK, when it becomes 'durable';
//   - 'limbo' when an fsync failed with EIO: Linux marked its pages clean, so the data may or may
//     not have reached the disk, and no later fsync will ever write it again (fsyncgate).
// Pieces are built when their operation is applied, never again: a crash space takes the file's
// pieces as they are (the array only grows until a status changes, which replaces it).
// Per directory it knows the live entries and the durable entries; with `dirSync` on, creates,
// links, renames, unlinks and rmdirs stay in `pendingDirOps` until an fsync of a directory they
// touch; a renamed directory leaves its durable entries under its old path (in `removedDirs`)
// until the rename is durable. Which directories exist on stable storage is `durableDirs`: a directory is durable as soon
// as it is made, unless the `mkdirSync` knob makes its creation an entry change of its parent like
// any other. `syncAll` (sync(2), syncfs(2)) makes everything durable at once.

import type { DirOp } from './dir-ops.js';
import { FileContent } from './file-content.js';
import type { Piece } from './file-pieces.js';
import type { SimKnobs } from './knobs.js';
import { normalizePath, splitPath } from './sim-paths.js';

export type { DirOp } from './dir-ops.js';

export type OpStatus = 'durable' | 'limbo' | 'pending';

export interface SimFile {
  readonly inode: number;
  /** The bytes known to be on stable storage before the first piece in `pieces`. */
  base: FileContent;
  /** The sector pieces of the operations since `base`, in issue order. */
  pieces: Piece[];
  /** What a read returns now: the page cache. */
  cache: FileContent;
  /** Bumped by every change of the file: what a crash space of it may be cached under. */
  version: number;
}

/** What an image holds for a file: its bytes, or a content (a file of the initial image, read on demand). */
export type ImageBytes = Uint8Array | FileContent;

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
  /**
   * fallocate(2) mode 0, or with FALLOC_FL_KEEP_SIZE: allocation changes only the size (never
   * with keepSize, never down), durable once fsynced like any size change; new bytes read as zeros.
   */
  | { readonly kind: 'fallocate'; readonly path: string; readonly inode: number; readonly offsetBytes: number; readonly lengthBytes: number; readonly keepSize: boolean }
  | { readonly kind: 'fsync'; readonly path: string; readonly inode: number; readonly errno: string | null }
  | { readonly kind: 'fsyncDir'; readonly path: string; readonly errno: string | null }
  | { readonly kind: 'rename'; readonly from: string; readonly to: string; readonly inode: number }
  /** A directory renamed, with everything under it; `to` must not exist. */
  | { readonly kind: 'renameDir'; readonly from: string; readonly to: string }
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
      readonly files: readonly (readonly [string, ImageBytes])[];
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
  const state: SimState = { knobs, files: new Map(), dirs: new Map(), pendingDirOps: [], nextInode: 1, durableDirs: new Set(), removedDirs: new Map() };
  // The root, durable: ensureDir makes every directory no op made durable at once.
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
  // ('/' is made once, by emptyState, with no op: always durable.)
  if (state.knobs.mkdirSync === true && seq >= 0) {
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
export function loadImage(state: SimState, files: Iterable<readonly [string, ImageBytes]>, dirs: Iterable<string>): void {
  for (const dir of dirs) ensureDir(state, dir);
  for (const [path, bytes] of files) {
    const { dir, name } = splitPath(path);
    ensureDir(state, dir);
    const inode = state.nextInode++;
    const content = bytes instanceof FileContent ? bytes : FileContent.of(bytes);
    state.files.set(inode, { inode, base: content, pieces: [], cache: content, version: 0 });
    const entries = state.dirs.get(dir);
    entries?.live.set(name, inode);
    entries?.durable.set(name, inode);
  }
}
