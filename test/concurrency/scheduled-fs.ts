// The async port under fast-check's scheduler: a FileSystem that forwards to crash-sim's
// simulator, except that every call that waits for the disk (fdatasync, fsync, the directory
// fsync, a read) stays in flight until the scheduler releases it, and only then happens in the
// simulator (its op is recorded at release: what the disk did, it did when the call returned).
// Everything the WAL does meanwhile (buffering, writes, other calls queueing) interleaves with it
// in the order the scheduler picks. One chosen fsync can fail with EIO instead.

import type fc from 'fast-check';
import type { SimFileSystem } from '../../crash-sim/sim-fs.js';
import type { FileHandle, FileSystem } from '../../src/fs/port.js';

export interface ScheduledFs {
  readonly fs: FileSystem;
  /** From now on, waits are released by the scheduler (before: at once, as the simulator does). */
  schedule(scheduler: fc.Scheduler): void;
  /** The n-th file fsync from now (0-based) fails with EIO. */
  failFsync(n: number): void;
  /** How many file fsyncs the simulator ran since schedule(). */
  fsyncs(): number;
  /**
   * The directory fsync in flight, if any: its number (counting from 1 since schedule()), or 0.
   * While a rotation or a truncation waits for it, the writer lane is held.
   */
  dirSyncInFlight(): number;
  /** Calls `listener` synchronously whenever the WAL starts a directory fsync (its number from 1). */
  onDirSync(listener: (number: number) => void): void;
}

export function scheduledFs(sim: SimFileSystem): ScheduledFs {
  let scheduler: fc.Scheduler | null = null;
  let fsyncCount = 0;
  let failAt: number | null = null;
  let dirSyncs = 0;
  let dirSyncInFlight = 0;
  let dirSyncListener: ((number: number) => void) | null = null;
  const later = <T>(label: string, run: () => Promise<T>): Promise<T> =>
    scheduler === null ? run() : scheduler.schedule(Promise.resolve(label), label).then(run);
  const fsync = (handle: FileHandle, kind: 'datasync' | 'sync'): Promise<void> =>
    later(`${kind} ${handle.path}`, () => {
      if (scheduler !== null) {
        if (fsyncCount === failAt) sim.failNextFsync('EIO');
        fsyncCount += 1;
      }
      return kind === 'datasync' ? handle.datasync() : handle.sync();
    });
  const wrap = (handle: FileHandle): FileHandle => ({
    path: handle.path,
    write: (data, offsetBytes) => handle.write(data, offsetBytes),
    read: (offsetBytes, lengthBytes) => later(`read ${handle.path}@${offsetBytes}`, () => handle.read(offsetBytes, lengthBytes)),
    datasync: () => fsync(handle, 'datasync'),
    sync: () => fsync(handle, 'sync'),
    truncate: (sizeBytes) => handle.truncate(sizeBytes),
    sizeBytes: () => handle.sizeBytes(),
    close: () => handle.close(),
  });
  const fs: FileSystem = {
    mkdirp: (path) => sim.mkdirp(path),
    exists: (path) => sim.exists(path),
    isDirectory: (path) => sim.isDirectory(path),
    readdir: (path) => sim.readdir(path),
    open: (path, mode) => wrap(sim.open(path, mode)),
    readFile: (path) => sim.readFile(path),
    rename: (from, to) => sim.rename(from, to),
    unlink: (path) => sim.unlink(path),
    fsyncDir: (path) => {
      const number = ++dirSyncs;
      dirSyncInFlight = number;
      dirSyncListener?.(number);
      return later(`fsyncDir ${path}`, () => {
        if (dirSyncInFlight === number) dirSyncInFlight = 0;
        return sim.fsyncDir(path);
      });
    },
    lockDirectory: (dir) => sim.lockDirectory(dir),
    join: (...parts) => sim.join(...parts),
    yieldTurn: () => sim.yieldTurn(),
  };
  return {
    fs,
    schedule: (s) => {
      scheduler = s;
      fsyncCount = 0;
      dirSyncs = 0;
      dirSyncInFlight = 0;
    },
    failFsync: (n) => {
      failAt = n;
    },
    fsyncs: () => fsyncCount,
    dirSyncInFlight: () => dirSyncInFlight,
    onDirSync: (listener) => {
      dirSyncListener = listener;
    },
  };
}
