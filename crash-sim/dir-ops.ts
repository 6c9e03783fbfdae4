// Directory-entry changes (create, link, mkdir, rmdir, unlink, rename) as data. With the `dirSync`
// knob on, each one waits in SimState.pendingDirOps until a directory fsync makes it durable, and a
// crash keeps any subset of the waiting ones (crash-states.ts); applyDirOp is how a directory fsync,
// sync(2) or a crash that kept the change puts it into the durable entries.

import { match } from 'ts-pattern';
import { joinPath } from './sim-paths.js';

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
    };

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
    .exhaustive();
}

/** Whether a directory fsync of `dir` makes `op` durable: the change names an entry of `dir`. */
export function dirOpTouches(op: DirOp, dir: string): boolean {
  return op.kind === 'rename' ? op.fromDir === dir || op.toDir === dir : op.dir === dir;
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
    .exhaustive();
}
