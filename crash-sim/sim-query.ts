// The query API of a simulated file system's state: what a checker may ask of it, so that no
// module outside crash-sim reads SimState's maps. Every question is about the live namespace (the
// page cache, what a read returns now), never about what a crash may keep: that is crash-states.ts.
//
//   inodeAt(state, '/wal/x')        the inode a path names now, or null
//   nameOf(state, inode)            a path that names the inode now, or null (after a rename or an unlink)
//   sizeOf(state, inode)            its size in the page cache (0 for an unknown inode)
//   bytesOf(state, inode[, at, n])  its page-cache bytes, or n of them from offset at (a copy)
//   isDirectory(state, '/wal')      whether a directory exists at the path now
//   filesIn(state, '/wal')          the files of one directory, by name, with their page-cache bytes
//   namesIn(state, '/wal')          what readdir lists: its files, then its subdirectories
//   nextInode(state)                the inode the next create will get
//   SimFileSystem.fromImage(...)    the constructor of a state that holds an image, all durable

import { joinPath, normalizePath, splitPath } from './sim-paths.js';
import type { SimState } from './sim-state.js';

export function inodeAt(state: SimState, path: string): number | null {
  const { dir, name } = splitPath(path);
  return state.dirs.get(dir)?.live.get(name) ?? null;
}

export function nameOf(state: SimState, inode: number): string | null {
  for (const [dir, entries] of state.dirs) {
    for (const [name, named] of entries.live) if (named === inode) return joinPath(dir, name);
  }
  return null;
}

export function sizeOf(state: SimState, inode: number): number {
  return state.files.get(inode)?.cache.sizeBytes ?? 0;
}

/** A copy of the page-cache bytes of an inode, all of them or `lengthBytes` from `offsetBytes` (clipped to its size). */
export function bytesOf(state: SimState, inode: number, offsetBytes = 0, lengthBytes = Number.POSITIVE_INFINITY): Uint8Array {
  const cache = state.files.get(inode)?.cache;
  if (cache === undefined) return new Uint8Array(0);
  return cache.read(Math.min(offsetBytes, cache.sizeBytes), lengthBytes);
}

export function isDirectory(state: SimState, path: string): boolean {
  return state.dirs.has(normalizePath(path));
}

/** The files directly in `dir`, sorted by name, with their page-cache bytes (copies). */
export function filesIn(state: SimState, dir: string): { readonly name: string; readonly inode: number; readonly bytes: Uint8Array }[] {
  const entries = state.dirs.get(normalizePath(dir))?.live ?? new Map<string, number>();
  return [...entries]
    .map(([name, inode]) => ({ name, inode, bytes: bytesOf(state, inode) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The names in a directory now, files first, then subdirectories; null when it is not a directory. */
export function namesIn(state: SimState, path: string): string[] | null {
  const normal = normalizePath(path);
  const dir = state.dirs.get(normal);
  if (dir === undefined) return null;
  const children = [...state.dirs.keys()].filter((d) => d !== normal && splitPath(d).dir === normal).map((d) => splitPath(d).name);
  return [...dir.live.keys(), ...children];
}

export function nextInode(state: SimState): number {
  return state.nextInode;
}
