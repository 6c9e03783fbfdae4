// The real disk side of crash-test: reading what --dir holds before the workload runs (the durable
// initial state), and writing one crash state into a fresh directory for the checker.

import { linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CrashState } from '../../crash-sim/crash-states.js';
import { CrashTestError } from './errors.js';
import type { InitialImage } from './syscall-history.js';

/** Everything under `dir`: files with their bytes and directories, by path relative to it. */
export function readInitialImage(dir: string): InitialImage {
  const files = new Map<string, Uint8Array>();
  const dirs: string[] = [];
  const walk = (rel: string): void => {
    const full = rel === '' ? dir : join(dir, rel);
    for (const name of readdirSync(full).sort()) {
      const childRel = rel === '' ? name : `${rel}/${name}`;
      const stat = lstatSync(join(dir, childRel));
      if (stat.isDirectory()) {
        dirs.push(childRel);
        walk(childRel);
      } else if (stat.isFile()) {
        files.set(childRel, new Uint8Array(readFileSync(join(dir, childRel))));
      } else {
        throw new CrashTestError('BadDataDir', `--dir holds ${childRel}, which is neither a file nor a directory (symbolic links, sockets and devices are not modelled)`);
      }
    }
  };
  walk('');
  return { files, dirs };
}

/** Writes a crash state (its directories, then its files; hard links stay links) under `target`. */
export function materialise(state: CrashState, target: string): void {
  mkdirSync(target, { recursive: true });
  for (const dir of state.dirs) if (dir !== '/') mkdirSync(join(target, dir), { recursive: true });
  const firstPathOfInode = new Map<number, string>();
  for (const file of state.files.values()) {
    const path = join(target, file.path);
    const linked = firstPathOfInode.get(file.inode);
    if (linked !== undefined) {
      linkSync(linked, path);
      continue;
    }
    writeFileSync(path, file.bytes);
    firstPathOfInode.set(file.inode, path);
  }
}
