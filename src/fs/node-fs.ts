// The node:fs adapter: the FileSystem port on the real disk, and the only module of walref that
// imports node:fs. Node's errors are rethrown as FsError carrying the POSIX code, so the shell
// never has to know what a Node error looks like.
//
// Two I/O modes (WalOptions.io):
//   - 'non-blocking' (the default): fdatasync, fsync, the directory fsync and reads run on libuv's
//     thread pool (node:fs callbacks); the main thread only issues them. Writes are synchronous
//     page-cache writes (port.ts says why).
//   - 'blocking': every call is synchronous, as better-sqlite3 does it, for a process that does
//     nothing else; each fsync and read is followed by a setImmediate turn, so that even then a
//     loop of commits lets timers and I/O callbacks run between commits.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { FsError, type FileHandle, type FileSystem, type OpenMode } from './port.js';
import { lockDirectory } from './directory-lock.js';
import { blockingThenTurn, guarded, pooled, turn, type IoMode } from './node-calls.js';

export type { IoMode } from './node-calls.js';

const OPEN_FLAGS: Record<OpenMode, string> = { read: 'r', 'read-write': 'r+', 'create-exclusive': 'wx+' };

/** The zeros preallocation writes, a chunk at a time (never written to). */
const ZEROS = new Uint8Array(1 << 20);

class NodeFileHandle implements FileHandle {
  readonly path: string;
  #fd: number;
  readonly #io: IoMode;

  constructor(filePath: string, fd: number, io: IoMode) {
    this.path = filePath;
    this.#fd = fd;
    this.#io = io;
  }

  /**
   * The descriptor, or an EBADF that names the call once the handle is closed (Node would only say
   * that -1 is out of range). Thrown inside the call's guard or promise, so it is that call's failure.
   */
  #liveFd(op: string): number {
    if (this.#fd < 0) throw new FsError('EBADF', op, this.path, `${op} ${this.path}: the handle is closed`);
    return this.#fd;
  }

  write(data: Uint8Array, offsetBytes: number): number {
    const op = 'write';
    return guarded(op, this.path, () => fs.writeSync(this.#liveFd(op), data, 0, data.length, offsetBytes));
  }

  async read(offsetBytes: number, lengthBytes: number, into?: Uint8Array): Promise<Uint8Array> {
    // Not zero-filled first: only bytes read are handed out (replay's events stay views of them).
    const out = into !== undefined && into.length >= lengthBytes ? into.subarray(0, lengthBytes) : new Uint8Array(Buffer.allocUnsafeSlow(lengthBytes).buffer, 0, lengthBytes);
    let filled = 0;
    while (filled < lengthBytes) {
      const n = await this.#transfer('read', out, filled, lengthBytes - filled, offsetBytes + filled);
      if (n === 0) break; // the end of the file
      filled += n;
    }
    if (this.#io === 'blocking') await turn();
    return out.subarray(0, filled);
  }

  async preallocate(sizeBytes: number): Promise<void> {
    // Written zeros, not fallocate (Node has none, and fallocate's unwritten extents would need a
    // metadata change at their first write: the cost preallocation is there to avoid).
    for (let at = this.sizeBytes(); at < sizeBytes; ) {
      const written = await this.#transfer('write', ZEROS, 0, Math.min(ZEROS.length, sizeBytes - at), at);
      if (written === 0) throw new FsError('SHORT_WRITE', 'write', this.path, `nothing written while preallocating at ${at}`);
      at += written;
    }
    if (this.#io === 'blocking') await turn();
  }

  /** Reads or writes `buffer[at..at + length)` at file offset `position`: synchronously when blocking, else on the thread pool. */
  async #transfer(op: 'read' | 'write', buffer: Uint8Array, at: number, length: number, position: number): Promise<number> {
    const fd = this.#liveFd(op);
    if (this.#io === 'blocking') return guarded(op, this.path, () => (op === 'read' ? fs.readSync(fd, buffer, at, length, position) : fs.writeSync(fd, buffer, at, length, position)));
    return pooled<number>(op, this.path, (done) => (op === 'read' ? fs.read(fd, buffer, at, length, position, done) : fs.write(fd, buffer, at, length, position, done)));
  }

  datasync(): Promise<void> {
    const op = 'fdatasync';
    if (this.#io === 'blocking') return blockingThenTurn(op, this.path, () => fs.fdatasyncSync(this.#liveFd(op)));
    return pooled<void>(op, this.path, (done) => fs.fdatasync(this.#liveFd(op), (error) => done(error, undefined)));
  }

  sync(): Promise<void> {
    const op = 'fsync';
    if (this.#io === 'blocking') return blockingThenTurn(op, this.path, () => fs.fsyncSync(this.#liveFd(op)));
    return pooled<void>(op, this.path, (done) => fs.fsync(this.#liveFd(op), (error) => done(error, undefined)));
  }

  truncate(sizeBytes: number): void {
    const op = 'truncate';
    guarded(op, this.path, () => fs.ftruncateSync(this.#liveFd(op), sizeBytes));
  }

  sizeBytes(): number {
    const op = 'fstat';
    return guarded(op, this.path, () => fs.fstatSync(this.#liveFd(op)).size);
  }

  close(): void {
    if (this.#fd < 0) return;
    const fd = this.#fd;
    this.#fd = -1;
    guarded('close', this.path, () => fs.closeSync(fd));
  }
}

/** fsync of a directory: open it read-only, fsync, close; on the pool unless `io` is blocking. */
async function fsyncDir(dir: string, io: IoMode): Promise<void> {
  if (io === 'blocking') {
    return blockingThenTurn('fsync', dir, () => {
      const fd = fs.openSync(dir, 'r');
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    });
  }
  const fd = await pooled<number>('fsync', dir, (done) => fs.open(dir, 'r', done));
  try {
    await pooled<void>('fsync', dir, (done) => fs.fsync(fd, (error) => done(error, undefined)));
  } finally {
    await pooled<void>('close', dir, (done) => fs.close(fd, (error) => done(error, undefined)));
  }
}

/** The FileSystem port on the real disk, in the given I/O mode. */
export function createNodeFileSystem(io: IoMode): FileSystem {
  return {
    mkdirp: (dir) => void guarded('mkdir', dir, () => fs.mkdirSync(dir, { recursive: true })),
    exists: (target) => fs.existsSync(target),
    isDirectory: (target) => {
      try {
        return fs.statSync(target).isDirectory();
      } catch {
        return false;
      }
    },
    readdir: (dir) => guarded('readdir', dir, () => fs.readdirSync(dir)),
    open: (filePath, mode) => new NodeFileHandle(filePath, guarded('open', filePath, () => fs.openSync(filePath, OPEN_FLAGS[mode])), io),
    readFile: (filePath) => guarded('read', filePath, () => new Uint8Array(fs.readFileSync(filePath))),
    rename: (from, to) => guarded('rename', from, () => fs.renameSync(from, to)),
    unlink: (filePath) => guarded('unlink', filePath, () => fs.unlinkSync(filePath)),
    fsyncDir: (dir) => fsyncDir(dir, io),
    lockDirectory: (dir) => lockDirectory(dir, io),
    join: (...parts) => path.join(...parts),
    yieldTurn: turn,
  };
}

/** The default adapter: waits (fsyncs, reads) run off the main thread. */
export const nodeFileSystem: FileSystem = createNodeFileSystem('non-blocking');

/** The synchronous adapter (`io: 'blocking'`), yielding one turn after every call that waits. */
export const blockingNodeFileSystem: FileSystem = createNodeFileSystem('blocking');
