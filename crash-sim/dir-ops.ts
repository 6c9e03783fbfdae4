// Directory-entry changes (create, link, mkdir, rmdir, unlink, rename, renameDir) as data. With the `dirSync`
// knob on, each one waits in SimState.pendingDirOps until a directory fsync makes it durable, and a
// crash keeps any subset of the waiting ones (crash-states.ts); applyDirOp is how a directory fsync,
// sync(2) or a crash that kept the change puts it into the durable entries.

import { match } from 'ts-pattern';
import { joinPath, splitPath } from './sim-paths.js';

export type DirOp =
  | { readonly seq: number; readonly kind: 'create'; readonly dir: string; readonly name: string; readonly inode: number }
  /** A hard link: a new name for an existing inode. */
  | { readonly seq: number; readonly kind: 'link'; readonly dir: string; readonly name: string; readonly inode: number }
  /** A directory made (only pending with the mkdirSync knob) or removed; `path` is the directory. */
  | { readonly seq: number; readonly kind: 'mkdir'; readonly dir: string; readonly name: string; readonly path: string }
  | { readonly seq: number; readonly kind: 'rmdir'; readonly dir: string; readonly name: string; readonly path: string }
  | { readonly seq: number; readonly kind: 'unlink'; readonly dir: string; readonly name: string; readonly inode: number }
  | {
      readonly seq: number;
      readonly kind: 'rename';
      readonly fromDir: string;
      readonly fromName: string;
      readonly toDir: string;
      readonly toName: string;
      readonly inode: number;
    }
  /**
   * A directory renamed (`from` and `to` are its paths): everything under it moves. Entries are
   * kept by path, so the changes that name a path under the directory follow it (rebaseDirOp):
   * one issued before the rename, still undecided when the rename became durable, moves to the
   * new path; one issued after it, or already durable under the new path, in a crash that loses
   * the rename, moves back to the old one.
   */
  | {
      readonly seq: number;
      readonly kind: 'renameDir';
      readonly fromDir: string;
      readonly fromName: string;
      readonly toDir: string;
      readonly toName: string;
      readonly from: string;
      readonly to: string;
    };

/** `path` moved from under `from` to under `to`, or null when it is not under `from`. */
export function movedPath(path: string, from: string, to: string): string | null {
  if (path === from) return to;
  return path.startsWith(`${from}/`) ? `${to}${path.slice(from.length)}` : null;
}

/**
 * Applies one entry change to a map of entries (and, for mkdir / rmdir, to the set of directories
 * that exist), as a directory fsync or a crash would.
 */
export function applyDirOp(dirs: Map<string, Map<string, number>>, op: DirOp, existing?: Set<string>): void {
  const entries = (dir: string): Map<string, number> => {
    let map = dirs.get(dir);
    if (map === undefined) {
      map = new Map();
      dirs.set(dir, map);
    }
    return map;
  };
  match(op)
    .with({ kind: 'create' }, { kind: 'link' }, (o) => void entries(o.dir).set(o.name, o.inode))
    .with({ kind: 'mkdir' }, (o) => void existing?.add(o.path))
    .with({ kind: 'rmdir' }, (o) => void existing?.delete(o.path))
    .with({ kind: 'unlink' }, (o) => {
      if (entries(o.dir).get(o.name) === o.inode) entries(o.dir).delete(o.name);
    })
    .with({ kind: 'rename' }, (o) => {
      if (entries(o.fromDir).get(o.fromName) === o.inode) entries(o.fromDir).delete(o.fromName);
      entries(o.toDir).set(o.toName, o.inode);
    })
    .with({ kind: 'renameDir' }, (o) => {
      for (const path of [...dirs.keys()]) {
        const moved = movedPath(path, o.from, o.to);
        const source = dirs.get(path);
        if (moved === null || source === undefined) continue;
        const target = entries(moved);
        for (const [name, inode] of source) target.set(name, inode);
        source.clear();
      }
      // Stryker disable next-line ArrayDeclaration: without a set of directories there is nothing to move; a made-up path is under no directory either
      for (const path of [...(existing ?? [])]) {
        const moved = movedPath(path, o.from, o.to);
        if (moved === null) continue;
        existing?.delete(path);
        existing?.add(moved);
      }
    })
    .exhaustive();
}

/** `op` with every path under the directory `from` moved under `to` (itself when none is). */
export function rebaseDirOp(op: DirOp, from: string, to: string): DirOp {
  const move = (path: string): string => movedPath(path, from, to) ?? path;
  return match(op)
    .with({ kind: 'rename' }, { kind: 'renameDir' }, (o): DirOp => {
      const moved = { ...o, fromDir: move(o.fromDir), toDir: move(o.toDir) };
      return o.kind === 'renameDir' ? { ...moved, kind: 'renameDir', from: move(o.from), to: move(o.to) } : moved;
    })
    .with({ kind: 'mkdir' }, { kind: 'rmdir' }, (o): DirOp => ({ ...o, dir: move(o.dir), name: o.path === from ? splitPath(to).name : o.name, path: move(o.path) }))
    .with({ kind: 'create' }, { kind: 'link' }, { kind: 'unlink' }, (o): DirOp => ({ ...o, dir: move(o.dir) }))
    .exhaustive();
}

/** Applies undecided changes in issue order; after a rename of a directory, later changes keep naming the same directory (see renameDir). */
export function applyDirOpsInOrder(dirs: Map<string, Map<string, number>>, ops: readonly { readonly op: DirOp; readonly persisted: boolean }[], existing: Set<string>): void {
  const lostRenames: { from: string; to: string; seq: number }[] = [];
  for (const { op, persisted } of ops) {
    // A change issued after a lost rename of its directory lands under the old name.
    const rebased = lostRenames.reduce((o, r) => (o.seq > r.seq ? rebaseDirOp(o, r.to, r.from) : o), op);
    if (persisted) applyDirOp(dirs, rebased, existing);
    else if (rebased.kind === 'renameDir') {
      lostRenames.push({ from: rebased.from, to: rebased.to, seq: rebased.seq });
      // What became durable inside the directory under its new name is in it under the old one.
      applyDirOp(dirs, { ...rebased, from: rebased.to, to: rebased.from }, new Set());
    }
  }
}

/** Whether a directory fsync of `dir` makes `op` durable: the change names an entry of `dir`. */
export function dirOpTouches(op: DirOp, dir: string): boolean {
  return op.kind === 'rename' || op.kind === 'renameDir' ? op.fromDir === dir || op.toDir === dir : op.dir === dir;
}

/** "create /wal/x", "rename /a/b -> /a/c": for crash-state descriptions. */
export function describeDirOp(op: DirOp): string {
  return match(op)
    .with({ kind: 'create' }, (o) => `create ${joinPath(o.dir, o.name)}`)
    .with({ kind: 'link' }, (o) => `link ${joinPath(o.dir, o.name)}`)
    .with({ kind: 'mkdir' }, (o) => `mkdir ${o.path}`)
    .with({ kind: 'rmdir' }, (o) => `rmdir ${o.path}`)
    .with({ kind: 'unlink' }, (o) => `unlink ${joinPath(o.dir, o.name)}`)
    .with({ kind: 'rename' }, (o) => `rename ${joinPath(o.fromDir, o.fromName)} -> ${joinPath(o.toDir, o.toName)}`)
    .with({ kind: 'renameDir' }, (o) => `rename directory ${o.from} -> ${o.to}`)
    .exhaustive();
}
