// A preallocated file as the raw overwrite loops want it: real zeros written and synced (not
// fallocate: its unwritten extents would need a metadata change on first write, which is exactly
// the cost these loops leave out), as walref's own preallocation does.

import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';

export function preallocateSynced(path: string, fileBytes: number): void {
  const fd = openSync(path, 'w');
  const chunk = new Uint8Array(1024 * 1024);
  for (let written = 0; written < fileBytes; written += chunk.length) writeSync(fd, chunk, 0, Math.min(chunk.length, fileBytes - written));
  fsyncSync(fd);
  closeSync(fd);
}
