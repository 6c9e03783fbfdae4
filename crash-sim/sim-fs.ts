// SimFileSystem: the FileSystem port in memory, recording every operation so that crash states can
// be enumerated afterwards (crash-states.ts) and orderings checked (an acknowledgement never
// precedes the fsync that covers it).
//
// Faults it injects when a test schedules them, one at a time:
//   - fsync EIO: the next file fsync throws EIO. As on Linux, the dirty pages are marked clean:
//     reads still see the data, it may or may not be on disk, and a later fsync returns OK
//     without ever writing it again ("fsyncgate"). The crash enumeration keeps such writes
//     undecided forever ('limbo' in sim-state.ts).
//   - ENOSPC: the next write throws ENOSPC, optionally after writing part of its data.
//   - short write: the next write returns fewer bytes than asked, without an error.
//   - bit flips: reads of a chosen byte range of a file return those bytes inverted, as a medium
//     error on synced data would. The stored bytes are unchanged; only what reads return is.
// Everything else follows sim-state.ts: writes land in the page cache (a preallocation grows the
// file with zeros, as one operation that persists whole or not at all), fsync makes them durable,
// and with `dirSync` on, entry changes become durable only when their directory is fsynced.
//
// The port's waiting calls (fsync, directory fsync, read) are asynchronous; the simulator performs
// and records each one when it is called and returns a promise that is already settled, so the op
// log is the order of the calls and the same workload always gives the same log.

import { FsError, type DirectoryLock, type FileHandle, type FileSystem, type OpenMode } from '../src/fs/port.js';
import { resolveKnobs, type SimKnobs } from './knobs.js';
import { applyOp, emptyState, ensureDir, isMutatingOp, normalizePath, splitPath, type SimOp, type SimState } from './sim-state.js';

/** How much of the data a faulty write writes before it fails or returns short. */
export type PartialBytes = number | 'half' | 'none';

interface BitFlip {
  readonly inode: number;
  readonly offsetBytes: number;
  readonly lengthBytes: number;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type OpInput = DistributiveOmit<SimOp, 'index' | 'durableLsnProbe'>;

/** Runs `action` now (recording its op now) and hands its outcome back as a settled promise. */
function settled<T>(action: () => T): Promise<T> {
  try {
    return Promise.resolve(action());
  } catch (error) {
    return Promise.reject(error);
  }
}

function partialCount(partial: PartialBytes, length: number): number {
  if (partial === 'half') return Math.floor(length / 2);
  if (partial === 'none') return 0;
  return Math.max(0, Math.min(length, Math.floor(partial)));
}

export class SimFileSystem implements FileSystem {
  readonly knobs: SimKnobs;
  /** The live state; crash-states.ts reads it (never writes it). */
  readonly state: SimState;
  readonly #log: SimOp[] = [];
  readonly #locks = new Set<string>();
  #probe: (() => number | null) | null = null;
  #fsyncFault: string | null = null;
  #writeFault: { errno: string | null; partial: PartialBytes } | null = null;
  #flips: BitFlip[] = [];
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
  static fromImage(knobs: SimKnobs, files: ReadonlyMap<string, Uint8Array>, dirs: readonly string[] = []): SimFileSystem {
    const sim = new SimFileSystem(knobs);
    for (const dir of dirs) ensureDir(sim.state, dir);
    for (const [path, bytes] of files) {
      const { dir, name } = splitPath(path);
      ensureDir(sim.state, dir);
      const inode = sim.state.nextInode++;
      sim.state.files.set(inode, { inode, base: bytes.slice(), ops: [], cache: bytes.slice() });
      const entry = sim.state.dirs.get(dir);
      entry?.live.set(name, inode);
      entry?.durable.set(name, inode);
    }
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
    this.#fsyncFault = errno;
  }

  /** The next write writes `partial` bytes, then throws `errno` (ENOSPC by default). */
  failNextWrite(errno = 'ENOSPC', partial: PartialBytes = 'none'): void {
    this.#writeFault = { errno, partial };
  }

  /** The next write writes `partial` bytes and returns that count without an error. */
  shortNextWrite(partial: PartialBytes = 'half'): void {
    this.#writeFault = { errno: null, partial };
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
    return { fsync: this.#fsyncFault !== null, write: this.#writeFault !== null };
  }

  clearFaults(): void {
    this.#fsyncFault = null;
    this.#writeFault = null;
  }

  /** Reads of [offsetBytes, offsetBytes + lengthBytes) of `path` return inverted bytes from now on. */
  flipBitsOnRead(path: string, offsetBytes: number, lengthBytes: number): void {
    this.#flips.push({ inode: this.#inodeOf(path, 'flipBitsOnRead'), offsetBytes, lengthBytes });
  }

  /**
   * Power loss in the middle of the run: the simulator now holds exactly `files` (a crash state's
   * image), all durable; locks, scheduled faults and bit flips are gone, and handles opened
   * before the crash fail with EIO (they belong to the process that died).
   */
  crashTo(files: ReadonlyMap<string, Uint8Array>, dirs: readonly string[], description: string): void {
    this.#locks.clear();
    this.clearFaults();
    this.#powerLeft = null;
    this.#flips = [];
    this.#generation++;
    this.#record({ kind: 'crash', files: [...files].map(([path, bytes]) => [path, bytes.slice()] as const), dirs: [...dirs], description });
  }

  /** The page-cache bytes of a file: what a read returns now. */
  cacheBytes(path: string): Uint8Array {
    return this.#fileOf(this.#inodeOf(path, 'read')).cache.slice();
  }

  // --- the FileSystem port -----------------------------------------------------------------

  mkdirp(path: string): void {
    const normal = normalizePath(path);
    if (this.state.dirs.has(normal)) return;
    if (this.#liveInode(normal) !== null) throw new FsError('EEXIST', 'mkdir', path);
    this.#record({ kind: 'mkdir', path: normal });
  }

  exists(path: string): boolean {
    return this.state.dirs.has(normalizePath(path)) || this.#liveInode(path) !== null;
  }

  isDirectory(path: string): boolean {
    return this.state.dirs.has(normalizePath(path));
  }

  readdir(path: string): string[] {
    const normal = normalizePath(path);
    const dir = this.state.dirs.get(normal);
    if (dir === undefined) throw new FsError(this.#liveInode(normal) === null ? 'ENOENT' : 'ENOTDIR', 'readdir', path);
    const children = [...this.state.dirs.keys()].filter((d) => d !== normal && splitPath(d).dir === normal).map((d) => splitPath(d).name);
    return [...dir.live.keys(), ...children];
  }

  open(path: string, mode: OpenMode): FileHandle {
    const normal = normalizePath(path);
    if (this.state.dirs.has(normal)) throw new FsError('EISDIR', 'open', path);
    let inode = this.#liveInode(normal);
    if (mode === 'create-exclusive') {
      if (inode !== null) throw new FsError('EEXIST', 'open', path);
      if (!this.state.dirs.has(splitPath(normal).dir)) throw new FsError('ENOENT', 'open', path);
      inode = this.state.nextInode;
      this.#record({ kind: 'create', path: normal, inode });
    } else if (inode === null) {
      throw new FsError('ENOENT', 'open', path);
    }
    return this.#handle(normal, inode, mode === 'read');
  }

  readFile(path: string): Uint8Array {
    const inode = this.#inodeOf(path, 'readFile');
    const file = this.#fileOf(inode);
    return this.#flipped(inode, 0, file.cache.slice());
  }

  rename(from: string, to: string): void {
    const inode = this.#inodeOf(from, 'rename');
    if (!this.state.dirs.has(splitPath(to).dir)) throw new FsError('ENOENT', 'rename', to);
    this.#record({ kind: 'rename', from: normalizePath(from), to: normalizePath(to), inode });
  }

  unlink(path: string): void {
    const inode = this.#inodeOf(path, 'unlink');
    this.#record({ kind: 'unlink', path: normalizePath(path), inode });
  }

  fsyncDir(path: string): Promise<void> {
    return settled(() => {
      const normal = normalizePath(path);
      if (!this.state.dirs.has(normal)) throw new FsError('ENOENT', 'fsyncDir', path);
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

  #record(input: OpInput): SimOp {
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

  #liveInode(path: string): number | null {
    const { dir, name } = splitPath(path);
    return this.state.dirs.get(dir)?.live.get(name) ?? null;
  }

  #inodeOf(path: string, op: string): number {
    const inode = this.#liveInode(path);
    if (inode === null) throw new FsError('ENOENT', op, path);
    return inode;
  }

  #fileOf(inode: number): NonNullable<ReturnType<SimState['files']['get']>> {
    const file = this.state.files.get(inode);
    if (file === undefined) throw new Error(`crash-sim: no inode ${inode}`);
    return file;
  }

  #flipped(inode: number, offsetBytes: number, bytes: Uint8Array): Uint8Array {
    for (const flip of this.#flips) {
      if (flip.inode !== inode) continue;
      const start = Math.max(flip.offsetBytes, offsetBytes);
      const end = Math.min(flip.offsetBytes + flip.lengthBytes, offsetBytes + bytes.length);
      for (let at = start; at < end; at++) bytes[at - offsetBytes] = (bytes[at - offsetBytes] ?? 0) ^ 0xff;
    }
    return bytes;
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
        const fault = this.#writeFault;
        this.#writeFault = null;
        const writtenBytes = fault === null ? data.length : partialCount(fault.partial, data.length);
        const errno = fault?.errno ?? null;
        this.#record({ kind: 'write', path, inode, offsetBytes, data: data.slice(), writtenBytes, errno });
        if (errno !== null) throw new FsError(errno, 'write', path);
        return writtenBytes;
      },
      read: (offsetBytes, lengthBytes) =>
        settled(() => {
          check('read', false);
          const cache = this.#fileOf(inode).cache;
          const end = Math.min(cache.length, offsetBytes + lengthBytes);
          return this.#flipped(inode, offsetBytes, cache.slice(Math.min(offsetBytes, end), end));
        }),
      preallocate: (sizeBytes) =>
        settled(() => {
          check('preallocate', true);
          if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0) throw new FsError('EINVAL', 'preallocate', path);
          this.#record({ kind: 'preallocate', path, inode, sizeBytes });
        }),
      datasync: () => settled(() => this.#fsyncFile(path, inode, check)),
      sync: () => settled(() => this.#fsyncFile(path, inode, check)),
      truncate: (sizeBytes) => {
        check('truncate', true);
        this.#record({ kind: 'truncate', path, inode, sizeBytes });
      },
      sizeBytes: () => {
        check('size', false);
        return this.#fileOf(inode).cache.length;
      },
      close: () => {
        open = false;
      },
    };
  }

  #fsyncFile(path: string, inode: number, check: (op: string, writing: boolean) => void): void {
    check('fsync', false);
    const errno = this.#fsyncFault;
    this.#fsyncFault = null;
    this.#record({ kind: 'fsync', path, inode, errno });
    if (errno !== null) throw new FsError(errno, 'fsync', path);
  }
}
