// A FileSystem that forwards to another one and keeps a log of every open, and of every read and
// write through its handles, for the tests of the shell's chunked copies (repair-active-segment,
// quarantine-cut): what they must produce is not only the bytes, which an in-place rewrite leaves
// as they were, but which ranges were read and written, each once, a chunk at a time.

import type { FileHandle, FileSystem, OpenMode } from '../../src/fs/port.js';
import { READ_CHUNK_BYTES } from '../../src/log-reader.js';

/**
 * Lengths at and around the read chunk's boundaries, each with the chunks (offset from the copy's
 * start, length) a chunked copy of that many bytes reads and writes, in order.
 */
export function chunkBoundaryCases(): [string, number, [number, number][]][] {
  const C = READ_CHUNK_BYTES;
  return [
    ['one byte', 1, [[0, 1]]],
    ['one byte short of a chunk', C - 1, [[0, C - 1]]],
    ['exactly one chunk', C, [[0, C]]],
    ['one byte past a chunk', C + 1, [[0, C], [C, 1]]],
    ['exactly two chunks', 2 * C, [[0, C], [C, C]]],
    ['two chunks and a byte', 2 * C + 1, [[0, C], [C, C], [2 * C, 1]]],
  ];
}

export type IoCall =
  | { readonly op: 'open'; readonly path: string; readonly mode: OpenMode }
  | {
      readonly op: 'read' | 'write';
      /** The path the handle was opened with. */
      readonly path: string;
      readonly offsetBytes: number;
      /** Asked for by a read (which may return fewer at end of file); handed over by a write. */
      readonly lengthBytes: number;
    };

export function loggingFs(fs: FileSystem): { fs: FileSystem; log: IoCall[] } {
  const log: IoCall[] = [];
  const wrapHandle = (handle: FileHandle): FileHandle => ({
    path: handle.path,
    write: (data, offsetBytes) => {
      log.push({ op: 'write', path: handle.path, offsetBytes, lengthBytes: data.length });
      return handle.write(data, offsetBytes);
    },
    read: (offsetBytes, lengthBytes, into) => {
      log.push({ op: 'read', path: handle.path, offsetBytes, lengthBytes });
      return handle.read(offsetBytes, lengthBytes, into);
    },
    preallocate: (sizeBytes) => handle.preallocate(sizeBytes),
    datasync: () => handle.datasync(),
    sync: () => handle.sync(),
    truncate: (sizeBytes) => handle.truncate(sizeBytes),
    sizeBytes: () => handle.sizeBytes(),
    close: () => handle.close(),
  });
  return {
    log,
    fs: {
      mkdirp: (path) => fs.mkdirp(path),
      exists: (path) => fs.exists(path),
      isDirectory: (path) => fs.isDirectory(path),
      readdir: (path) => fs.readdir(path),
      open: (path, mode) => {
        log.push({ op: 'open', path, mode });
        return wrapHandle(fs.open(path, mode));
      },
      readFile: (path) => fs.readFile(path),
      rename: (from, to) => fs.rename(from, to),
      unlink: (path) => fs.unlink(path),
      fsyncDir: (path) => fs.fsyncDir(path),
      lockDirectory: (dir) => fs.lockDirectory(dir),
      join: (...parts) => fs.join(...parts),
      yieldTurn: () => fs.yieldTurn(),
    },
  };
}

/** Byte-for-byte equality of two arrays of megabytes (expect's toEqual walks them element by element, slowly). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
