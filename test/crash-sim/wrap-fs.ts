// A FileSystem that forwards to another one, with some calls replaced: how the planted-bug tests
// build a misbehaving WAL without any bug switch in production code.
import type { FileHandle, FileSystem } from '../../src/fs/port.js';

export interface FsOverrides {
  /** Called before every forwarded call (for deferring work to "the next operation"). */
  readonly before?: () => void;
  readonly datasync?: (handle: FileHandle) => Promise<void>;
  readonly preallocate?: (handle: FileHandle, sizeBytes: number) => Promise<void>;
  readonly fsyncDir?: (fs: FileSystem, path: string) => Promise<void>;
  readonly rename?: (fs: FileSystem, from: string, to: string) => void;
  readonly unlink?: (fs: FileSystem, path: string) => void;
}

export function wrapFs(fs: FileSystem, overrides: FsOverrides): FileSystem {
  const before = (): void => overrides.before?.();
  const wrapHandle = (handle: FileHandle): FileHandle => ({
    path: handle.path,
    write: (data, offsetBytes) => (before(), handle.write(data, offsetBytes)),
    read: (offsetBytes, lengthBytes, into) => (before(), handle.read(offsetBytes, lengthBytes, into)),
    preallocate: (sizeBytes) => (before(), overrides.preallocate === undefined ? handle.preallocate(sizeBytes) : overrides.preallocate(handle, sizeBytes)),
    datasync: () => (before(), overrides.datasync === undefined ? handle.datasync() : overrides.datasync(handle)),
    sync: () => (before(), overrides.datasync === undefined ? handle.sync() : overrides.datasync(handle)),
    truncate: (sizeBytes) => (before(), handle.truncate(sizeBytes)),
    sizeBytes: () => (before(), handle.sizeBytes()),
    close: () => handle.close(),
  });
  return {
    mkdirp: (path) => (before(), fs.mkdirp(path)),
    exists: (path) => (before(), fs.exists(path)),
    isDirectory: (path) => (before(), fs.isDirectory(path)),
    readdir: (path) => (before(), fs.readdir(path)),
    open: (path, mode) => (before(), wrapHandle(fs.open(path, mode))),
    readFile: (path) => (before(), fs.readFile(path)),
    rename: (from, to) => (before(), overrides.rename === undefined ? fs.rename(from, to) : overrides.rename(fs, from, to)),
    unlink: (path) => (before(), overrides.unlink === undefined ? fs.unlink(path) : overrides.unlink(fs, path)),
    fsyncDir: (path) => (before(), overrides.fsyncDir === undefined ? fs.fsyncDir(path) : overrides.fsyncDir(fs, path)),
    lockDirectory: (dir) => fs.lockDirectory(dir),
    join: (...parts) => fs.join(...parts),
    yieldTurn: () => fs.yieldTurn(),
  };
}
