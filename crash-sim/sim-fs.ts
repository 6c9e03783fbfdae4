// SimFileSystem: the FileSystem port in memory, recording every operation so that crash states can
// be enumerated afterwards (crash-states.ts) and orderings checked (an acknowledgement never
// precedes the fsync that covers it).
//
// Runtime faults (fsync EIO, ENOSPC, a short write, bit flips on read) strike when a test or a
// workload schedules them, one at a time: sim-faults.ts lists them and keeps the schedule.
// Everything else follows sim-state.ts: writes land in the page cache, fsync makes them durable,
// and with `dirSync` on, entry changes become durable only when their directory is fsynced.
//
// The port's waiting calls (fsync, directory fsync, read) are asynchronous; the simulator performs
// and records each one when it is called and returns a promise that is already settled, so the op
// log is the order of the calls and the same workload always gives the same log.

import { FsError, type DirectoryLock, type FileHandle, type FileSystem, type OpenMode } from '../src/fs/port.js';
import { resolveKnobs, type SimKnobs } from './knobs.js';
import { SimFaults, type PartialBytes } from './sim-faults.js';
import { normalizePath, splitPath } from './sim-paths.js';
import { bytesOf, inodeAt, isDirectory, namesIn, sizeOf } from './sim-query.js';
import { applyOp } from './apply-op.js';
import { emptyState, isMutatingOp, loadImage, type ImageBytes, type SimOp, type SimOpInput, type SimState } from './sim-state.js';

export type { PartialBytes } from './sim-faults.js';

/** Runs `action` now (recording its op now) and hands its outcome back as a settled promise. */
function settled<T>(action: () => T): Promise<T> {
  try {
    return Promise.resolve(action());
  } catch (error) {
    return Promise.reject(error);
  }
}

export class SimFileSystem implements FileSystem {
  readonly knobs: SimKnobs;
  /** The live state; crash-states.ts reads it (never writes it). */
  readonly state: SimState;
  readonly #log: SimOp[] = [];
  readonly #locks = new Set<string>();
  #probe: (() => number | null) | null = null;
  readonly #faults = new SimFaults();
  /** Bumped by a crash: handles opened before it belong to a dead process and fail with EIO. */
  #generation = 0;
  /** Disk-changing operations still allowed before the power goes out (null: no power loss due). */
  #powerLeft: number | null = null;

  constructor(knobs: Partial<SimKnobs> = {}) {
    this.knobs = resolveKnobs(knobs);
    this.state = emptyState(this.knobs);
  }

  /**
   * A file system holding exactly `files` (path -> bytes), all of it durable: the disk a crash
   * left behind, ready for a fresh openWal. `dirs` lists directories that must exist even empty.
   */
  static fromImage(knobs: SimKnobs, files: ReadonlyMap<string, ImageBytes>, dirs: readonly string[] = []): SimFileSystem {
    const sim = new SimFileSystem(knobs);
    loadImage(sim.state, [...files].map(([path, bytes]) => [path, bytes instanceof Uint8Array ? bytes.slice() : bytes] as const), dirs);
    return sim;
  }

  // --- what tests and the explorer use ------------------------------------------------------
  /** Every operation so far, in order. */
  get opLog(): readonly SimOp[] {
    return this.#log;
  }

  /** Called at every operation; its value is stored in the op as `durableLsnProbe`. */
  setProbe(probe: (() => number | null) | null): void {
    this.#probe = probe;
  }

  /** Adds a non-mutating marker to the op log (the workload runner's step boundaries). */
  mark(label: string, data: unknown = null): void {
    this.#record({ kind: 'mark', label, data });
  }

  /** The next file fsync fails with `errno` and leaves its dirty pages undecided forever. */
  failNextFsync(errno = 'EIO'): void {
    this.#faults.failNextFsync(errno);
  }

  /** The next write writes `partial` bytes, then throws `errno` (ENOSPC by default). */
  failNextWrite(errno = 'ENOSPC', partial: PartialBytes = 'none'): void {
    this.#faults.failNextWrite(errno, partial);
  }

  /** The next write writes `partial` bytes and returns that count without an error. */
  shortNextWrite(partial: PartialBytes = 'half'): void {
    this.#faults.failNextWrite(null, partial);
  }

  /**
   * Power loss in the middle of whatever runs next: the next `count` operations that change what
   * a crash could leave (isMutatingOp) happen, and the one after fails with EPOWER, as does every
   * later one, until crashTo. The workload runner uses it to interrupt a recovery; the disk is
   * then left as those `count` operations made it, for pickCrashState to choose from.
   */
  losePowerAfter(count: number): void {
    this.#powerLeft = Math.max(0, Math.floor(count));
  }

  /** Whether a power loss scheduled by losePowerAfter has struck. */
  powerLost(): boolean {
    return this.#powerLeft === 0;
  }

  /** Whether a scheduled fault is still waiting for its operation. */
  pendingFaults(): { fsync: boolean; write: boolean } {
    return this.#faults.pending();
  }

  clearFaults(): void {
    this.#faults.clear();
  }

  /** Reads of [offsetBytes, offsetBytes + lengthBytes) of `path` return inverted bytes from now on. */
  flipBitsOnRead(path: string, offsetBytes: number, lengthBytes: number): void {
    this.#faults.flipBitsOnRead(this.#inodeOf(path, 'flipBitsOnRead'), offsetBytes, lengthBytes);
  }

  /**
   * Power loss in the middle of the run: the simulator now holds exactly `files` (a crash state's
   * image), all durable; locks, scheduled faults and bit flips are gone, and handles opened
   * before the crash fail with EIO (they belong to the process that died).
   */
  crashTo(files: ReadonlyMap<string, ImageBytes>, dirs: readonly string[], description: string): void {
    this.#locks.clear();
    this.#faults.reset();
    this.#powerLeft = null;
    // Stryker disable next-line UpdateOperator: any change of the generation ends the handles opened before it; only inequality is ever tested
    this.#generation++;
    this.#record({ kind: 'crash', files: [...files].map(([path, bytes]) => [path, bytes instanceof Uint8Array ? bytes.slice() : bytes] as const), dirs: [...dirs], description });
  }

  /** The page-cache bytes of a file: what a read returns now. */
  cacheBytes(path: string): Uint8Array {
    return bytesOf(this.state, this.#inodeOf(path, 'read'));
  }

  // --- the FileSystem port -----------------------------------------------------------------
  mkdirp(path: string): void {
    const normal = normalizePath(path);
    if (isDirectory(this.state, normal)) return;
    if (inodeAt(this.state, normal) !== null) throw new FsError('EEXIST', 'mkdir', path);
    this.#record({ kind: 'mkdir', path: normal });
  }

  exists(path: string): boolean {
    return isDirectory(this.state, path) || inodeAt(this.state, path) !== null;
  }

  isDirectory(path: string): boolean {
    return isDirectory(this.state, path);
  }

  readdir(path: string): string[] {
    const names = namesIn(this.state, path);
    if (names === null) throw new FsError(inodeAt(this.state, path) === null ? 'ENOENT' : 'ENOTDIR', 'readdir', path);
    return names;
  }

  open(path: string, mode: OpenMode): FileHandle {
    const normal = normalizePath(path);
    if (isDirectory(this.state, normal)) throw new FsError('EISDIR', 'open', path);
    let inode = inodeAt(this.state, normal);
    if (mode === 'create-exclusive') {
      if (inode !== null) throw new FsError('EEXIST', 'open', path);
      if (!isDirectory(this.state, splitPath(normal).dir)) throw new FsError('ENOENT', 'open', path);
      inode = this.state.nextInode;
      this.#record({ kind: 'create', path: normal, inode });
    } else if (inode === null) {
      throw new FsError('ENOENT', 'open', path);
    }
    return this.#handle(normal, inode, mode === 'read');
  }

  readFile(path: string): Uint8Array {
    const inode = this.#inodeOf(path, 'readFile');
    return this.#faults.flipped(inode, 0, bytesOf(this.state, inode));
  }

  rename(from: string, to: string): void {
    const inode = this.#inodeOf(from, 'rename');
    if (!isDirectory(this.state, splitPath(to).dir)) throw new FsError('ENOENT', 'rename', to);
    this.#record({ kind: 'rename', from: normalizePath(from), to: normalizePath(to), inode });
  }

  unlink(path: string): void {
    const inode = this.#inodeOf(path, 'unlink');
    this.#record({ kind: 'unlink', path: normalizePath(path), inode });
  }

  fsyncDir(path: string): Promise<void> {
    return settled(() => {
      const normal = normalizePath(path);
      if (!isDirectory(this.state, normal)) throw new FsError('ENOENT', 'fsyncDir', path);
      this.#record({ kind: 'fsyncDir', path: normal, errno: null });
    });
  }

  lockDirectory(dir: string): Promise<DirectoryLock> {
    return settled(() => this.#lock(dir));
  }

  #lock(dir: string): DirectoryLock {
    const normal = normalizePath(dir);
    if (this.#locks.has(normal)) throw new FsError('ELOCKED', 'lock', dir, `${dir} is locked by a live writer`);
    this.#locks.add(normal);
    let held = true;
    return {
      dir: normal,
      release: () => {
        if (!held) return;
        held = false;
        this.#locks.delete(normal);
      },
    };
  }

  join(...parts: string[]): string {
    return normalizePath(parts.join('/'));
  }

  yieldTurn(): Promise<void> {
    return Promise.resolve();
  }

  // --- internals ---------------------------------------------------------------------------
  #record(input: SimOpInput): SimOp {
    if (this.#powerLeft !== null && isMutatingOp(input)) {
      if (this.#powerLeft === 0) {
        const path = 'path' in input ? input.path : 'from' in input ? input.from : '/';
        throw new FsError('EPOWER', input.kind, path, `${input.kind} ${path}: the power is out (a scheduled power loss struck)`);
      }
      this.#powerLeft--;
    }
    const op = { ...input, index: this.#log.length, durableLsnProbe: this.#probe === null ? null : this.#probe() } as SimOp;
    this.#log.push(op);
    applyOp(this.state, op);
    return op;
  }

  #inodeOf(path: string, op: string): number {
    const inode = inodeAt(this.state, path);
    if (inode === null) throw new FsError('ENOENT', op, path);
    return inode;
  }

  #handle(path: string, inode: number, readOnly: boolean): FileHandle {
    let open = true;
    const generation = this.#generation;
    const check = (op: string, writing: boolean): void => {
      if (!open) throw new FsError('EBADF', op, path);
      if (generation !== this.#generation) throw new FsError('EIO', op, path, `${path}: the handle was opened before a crash`);
      if (writing && readOnly) throw new FsError('EBADF', op, path, `${path} was opened read-only`);
    };
    return {
      path,
      write: (data, offsetBytes) => {
        check('write', true);
        const { writtenBytes, errno } = this.#faults.takeWrite(data.length);
        this.#record({ kind: 'write', path, inode, offsetBytes, data: data.slice(), writtenBytes, errno });
        if (errno !== null) throw new FsError(errno, 'write', path);
        return writtenBytes;
      },
      read: (offsetBytes, lengthBytes) =>
        settled(() => {
          check('read', false);
          return this.#faults.flipped(inode, offsetBytes, bytesOf(this.state, inode, offsetBytes, lengthBytes));
        }),
      preallocate: (sizeBytes) =>
        settled(() => {
          check('preallocate', true);
          this.#record({ kind: 'fallocate', path, inode, offsetBytes: 0, lengthBytes: sizeBytes, keepSize: false });
        }),
      datasync: () => settled(() => this.#fsyncFile(path, inode, check)),
      sync: () => settled(() => this.#fsyncFile(path, inode, check)),
      truncate: (sizeBytes) => {
        check('truncate', true);
        this.#record({ kind: 'truncate', path, inode, sizeBytes });
      },
      sizeBytes: () => {
        check('size', false);
        return sizeOf(this.state, inode);
      },
      close: () => {
        open = false;
      },
    };
  }

  #fsyncFile(path: string, inode: number, check: (op: string, writing: boolean) => void): void {
    check('fsync', false);
    const errno = this.#faults.takeFsync();
    this.#record({ kind: 'fsync', path, inode, errno });
    if (errno !== null) throw new FsError(errno, 'fsync', path);
  }
}
