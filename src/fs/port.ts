// The FileSystem port: everything the shell needs from a file system, and nothing more. Two
// implementations exist: node-fs.ts (the real disk, the only module that imports node:fs) and
// crash-sim's simulated file system. Calls are synchronous on purpose: the WAL's hot path is
// append + fdatasync, and a synchronous port keeps that path free of thread-pool hops and makes
// the simulator deterministic. The async API of the WAL sits above it.
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
   * and the caller's: replay hands out events as views into it instead of copying them.
   */
  read(offsetBytes: number, lengthBytes: number): Uint8Array;
  /** fdatasync: data, and the metadata needed to read it (the size), reach stable storage. */
  datasync(): void;
  /** fsync: data and all metadata reach stable storage. */
  sync(): void;
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
  fsyncDir(path: string): void;
  /**
   * Takes the directory's exclusive writer lock. Throws FsError with errno 'ELOCKED' when a live
   * writer (in this process or another) holds it. A lock left by a process that died does not
   * block: the implementation detects that its holder is gone and takes it over.
   */
  lockDirectory(dir: string): DirectoryLock;
  /** Joins path segments with the platform separator. */
  join(...parts: string[]): string;
}
