// A FileSystem that is the real node:fs adapter in every respect except that datasync, sync and
// fsyncDir return at once without syncing. Running walref on it leaves the write system calls and
// all of walref's own work in place and takes only the disk's flush out, so what remains of the
// per-commit time is walref's CPU cost plus one write to the page cache.

import type { FileHandle, FileSystem } from '../../src/fs/port.js';

function withoutSync(handle: FileHandle): FileHandle {
  return {
    path: handle.path,
    write: (data, offsetBytes) => handle.write(data, offsetBytes),
    read: (offsetBytes, lengthBytes) => handle.read(offsetBytes, lengthBytes),
    preallocate: (sizeBytes) => handle.preallocate(sizeBytes),
    datasync: () => Promise.resolve(),
    sync: () => Promise.resolve(),
    truncate: (sizeBytes) => handle.truncate(sizeBytes),
    sizeBytes: () => handle.sizeBytes(),
    close: () => handle.close(),
  };
}

export function noFsyncFileSystem(inner: FileSystem): FileSystem {
  return {
    ...inner,
    open: (path, mode) => withoutSync(inner.open(path, mode)),
    fsyncDir: () => Promise.resolve(),
  };
}
