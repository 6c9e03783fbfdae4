// The real disk side of crash-test: a snapshot of what --dir holds before the workload runs (the
// durable initial state), and one crash state written into a fresh directory for the checker.
//
// The snapshot is a copy (`cp -a --reflink=auto`: shared blocks where the file system can) made
// before the trace, in crash-test's work directory. Its files enter crash-sim as external bytes
// (crash-sim/file-content.ts), read a slot at a time and only where the workload wrote: a file the
// workload never touches is never read into memory. A crash state is written by copying each file
// from the snapshot (reflinked where possible; never hard-linked, since a checker may modify its
// state directory in place) and patching the slots the workload changed, or, for a file the
// workload made, by writing its chunks into a sparse file.

import { spawnSync } from 'node:child_process';
import { closeSync, constants, copyFileSync, ftruncateSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { chunkDigest } from '../../crash-sim/content-digest.js';
import type { CrashState } from '../../crash-sim/crash-states.js';
import { FileContent, type ExternalBytes } from '../../crash-sim/file-content.js';
import { CrashTestError } from './errors.js';
import type { InitialImage } from './syscall-history.js';

/** Copies everything under `dataDir` into `snapshotDir` (made here), keeping modes, owners and times. */
export function snapshotDataDir(dataDir: string, snapshotDir: string): void {
  mkdirSync(snapshotDir, { recursive: true });
  const copy = spawnSync('cp', ['-a', '--reflink=auto', `${dataDir}/.`, snapshotDir], { encoding: 'utf8' });
  if (copy.error !== undefined || copy.status !== 0) {
    throw new CrashTestError('BadDataDir', `cannot snapshot --dir ${dataDir}: ${(copy.stderr ?? copy.error?.message ?? '').trim().split('\n').pop() ?? 'cp failed'}`);
  }
}

/** A file of the snapshot as external bytes: read on demand, a slot at a time. */
function snapshotFile(snapshotDir: string, rel: string, sizeBytes: number): ExternalBytes {
  const full = join(snapshotDir, rel);
  return {
    id: rel,
    sizeBytes,
    read(offsetBytes, lengthBytes) {
      const out = new Uint8Array(lengthBytes);
      const fd = openSync(full, 'r');
      try {
        let at = 0;
        while (at < lengthBytes) {
          const got = readSync(fd, out, at, lengthBytes - at, offsetBytes + at);
          if (got === 0) break;
          at += got;
        }
      } finally {
        closeSync(fd);
      }
      return out;
    },
  };
}

/** Everything under the snapshot: files (by path relative to it, read on demand) and directories. */
export function readInitialImage(snapshotDir: string): InitialImage {
  const files = new Map<string, FileContent>();
  const dirs: string[] = [];
  const walk = (rel: string): void => {
    const full = rel === '' ? snapshotDir : join(snapshotDir, rel);
    for (const name of readdirSync(full).sort()) {
      const childRel = rel === '' ? name : `${rel}/${name}`;
      const stat = lstatSync(join(snapshotDir, childRel));
      if (stat.isDirectory()) {
        dirs.push(childRel);
        walk(childRel);
      } else if (stat.isFile()) {
        files.set(childRel, FileContent.external(snapshotFile(snapshotDir, childRel, stat.size)));
      } else {
        throw new CrashTestError('BadDataDir', `--dir holds ${childRel}, which is neither a file nor a directory (symbolic links, sockets and devices are not modelled)`);
      }
    }
  };
  walk('');
  return { files, dirs };
}

/** Writes `bytes` at `offsetBytes` of an open file, all of them. */
function writeAll(fd: number, bytes: Uint8Array, offsetBytes: number): void {
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at, offsetBytes + at);
}

/** Writes one file's content at `path`: from the snapshot where it is the initial file's, patched where it is not. */
function writeContent(content: FileContent, path: string, snapshotDir: string | null): void {
  if (content.external !== null && snapshotDir !== null) {
    copyFileSync(join(snapshotDir, content.external.id), path, constants.COPYFILE_FICLONE);
    if (content.isExternalOnly()) return;
  }
  const fromSnapshot = content.external !== null && snapshotDir !== null;
  const fd = openSync(path, fromSnapshot ? 'r+' : 'w');
  try {
    // The external bytes that no longer show, and whatever lies past the size, go; growth reads zeros.
    if (fromSnapshot) ftruncateSync(fd, content.externalBytes);
    ftruncateSync(fd, content.sizeBytes);
    const visible = fromSnapshot ? content.externalBytes : 0;
    for (const extent of content.extents()) {
      if (extent.kind === 'bytes' && (extent.offsetBytes < visible || chunkDigest(extent.bytes) !== 'z')) writeAll(fd, extent.bytes, extent.offsetBytes);
      else if (extent.kind === 'zeros' && extent.offsetBytes < visible) writeAll(fd, new Uint8Array(Math.min(extent.lengthBytes, visible - extent.offsetBytes)), extent.offsetBytes);
      else if (extent.kind === 'external' && !fromSnapshot) writeAll(fd, extent.external.read(extent.offsetBytes, extent.lengthBytes), extent.offsetBytes);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a crash state (its directories, then its files; hard links stay links) under `target`.
 * `snapshotDir` is where the initial image's files are (null: read them through their readers).
 */
export function materialise(state: CrashState, target: string, snapshotDir: string | null = null): void {
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
    writeContent(file.content, path, snapshotDir);
    firstPathOfInode.set(file.inode, path);
  }
}
