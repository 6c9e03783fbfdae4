// The FileSystem port: everything the shell needs from a file system, and nothing more. Two
// implementations exist: node-fs.ts (the real disk, the only module that imports node:fs) and
// crash-sim's simulated file system.
//
// The calls that wait for the disk are asynchronous: fdatasync, fsync, the directory fsync, reads
// (replay) and preallocation (megabytes of zeros). The node adapter runs them off the main thread (on libuv's pool), so the host's
// event loop keeps turning while the disk works. Writes stay synchronous: a write hands bytes to
// the page cache and returns in microseconds, and a synchronous write keeps the segment's bytes
// in LSN order without a queue. docs/performance.md ("Choosing the non-blocking adapter") has the
// measurements behind this split. The simulator settles every promise at once, in call order, so
// the same workload gives the same operation log, and fast-check's scheduler can reorder the
// settlements to explore interleavings (test/concurrency).
//
// Failures are thrown as FsError with a POSIX-style code (EIO, ENOSPC, ENOENT, EEXIST, ...). A
// short write is not an error: `write` returns how many bytes it wrote and the caller decides.

export class FsError extends Error {
  readonly errno: string;
  readonly path: string;
  readonly op: string;

  constructor(errno: string, op: string, path: string, message?: string) {
    super(message ?? `${op} ${path}: ${errno}`);
    this.name = 'FsError';
    this.errno = errno;
    this.op = op;
    this.path = path;
  }
}

export type OpenMode =
  | 'read' // existing file, read only
  | 'read-write' // existing file, read and write
  | 'create-exclusive'; // new file, read and write; EEXIST if it exists

export interface FileHandle {
  readonly path: string;
  /** Writes at `offsetBytes`; returns the number of bytes written, which may be short. */
  write(data: Uint8Array, offsetBytes: number): number;
  /**
   * Reads up to `lengthBytes` at `offsetBytes`; returns fewer at end of file. The buffer is new
   * and the caller's: replay hands out events as views into it instead of copying them. Given
   * `into` (at least `lengthBytes` long), an adapter may read into it instead and return a view of
   * it, for a caller that reuses its buffers (replayBatches' `reuseBuffers`); one that ignores it
   * still returns a new buffer, which is always safe.
   */
  read(offsetBytes: number, lengthBytes: number, into?: Uint8Array): Promise<Uint8Array>;
  /**
   * Makes the file at least `sizeBytes` long, every new byte a zero that is really written (not a
   * hole, not an unwritten extent), so later overwrites change neither its size nor its allocation.
   * A file already that long is left as it is. Asynchronous: it may write many megabytes. Durable
   * once the file is fsynced.
   */
  preallocate(sizeBytes: number): Promise<void>;
  /** fdatasync: data, and the metadata needed to read it (the size), reach stable storage. */
  datasync(): Promise<void>;
  /** fsync: data and all metadata reach stable storage. */
  sync(): Promise<void>;
  truncate(sizeBytes: number): void;
  sizeBytes(): number;
  close(): void;
}

export interface DirectoryLock {
  readonly dir: string;
  release(): void;
}

export interface FileSystem {
  /** Creates the directory and its parents; no error when it exists. */
  mkdirp(path: string): void;
  exists(path: string): boolean;
  isDirectory(path: string): boolean;
  /** Entry names (not paths), in any order. */
  readdir(path: string): string[];
  open(path: string, mode: OpenMode): FileHandle;
  /** The whole file; convenient for small files and tests. */
  readFile(path: string): Uint8Array;
  rename(from: string, to: string): void;
  unlink(path: string): void;
  /** fsync of a directory, so that entry changes inside it are durable. */
  fsyncDir(path: string): Promise<void>;
  /**
   * Takes the directory's exclusive writer lock. Rejects with FsError errno 'ELOCKED' when a live
   * writer (in this process or another) holds it. A lock left by a process that died does not
   * block: the implementation detects that its holder is gone and takes it over. Asynchronous:
   * the lock file is fsynced (one that a power loss left empty would look held forever).
   */
  lockDirectory(dir: string): Promise<DirectoryLock>;
  /** Joins path segments with the platform separator. */
  join(...parts: string[]): string;
  /**
   * Gives the host's event loop a turn (setImmediate on the real disk). The shell calls it when it
   * has run for a while on already-settled promises only, so that a loop of awaited WAL calls
   * never starves timers and I/O. The simulator resolves it at once: determinism over realism.
   */
  yieldTurn(): Promise<void>;
}
