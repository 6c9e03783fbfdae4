// The concurrency harness: what every concurrency property in test/concurrency/ shares.
//   - scheduledFs: the async port under fast-check's scheduler. A FileSystem that forwards to
//     crash-sim's simulator, except that every call that waits for the disk (fdatasync, fsync, the
//     directory fsync, a read) stays in flight until the scheduler releases it, and only then
//     happens in the simulator (its op is recorded at release: what the disk did, it did when the
//     call returned). Everything the WAL does meanwhile (buffering, writes, other calls queueing)
//     interleaves with it in the order the scheduler picks. One chosen fsync can fail with EIO.
//     With syncAt 'call' an fsync happens in the simulator when it is called and only its answer
//     waits for the scheduler. It counts the fsyncs (file and directory) in flight at once.
//   - the checks on a finished run's op log: the durable LSN sampled at every operation never
//     goes backwards, and every acknowledged commit was on stable storage when it was acknowledged
//     (an acknowledgement never precedes the fsync that covers it);
//   - expectCrashKeepsAcknowledged: a crash at a point keeps every commit acknowledged before it
//     and replays only committed transactions, with exactly their events.
import type fc from 'fast-check';
import { expect } from 'vitest';
import { crashSpaceAt, enumerateCrashStates } from '../../crash-sim/crash-states.js';
import type { SimFileSystem } from '../../crash-sim/sim-fs.js';
import { survivingRecords } from '../../oracle/explore/survivors.js';
import type { FileHandle, FileSystem } from '../../src/fs/port.js';
import { openWal, type SyncOption } from '../../src/index.js';
import { replayedAsModel, syncOption } from '../model-based/world.js';

/** The WAL directory every concurrency property uses, and the group flusher's interval. */
export const DIR = '/wal';
/** The group flusher's interval under the scheduler (the timers are fake: one tick per advance). */
export const INTERVAL_MS = 1_000;

/** A committed transaction as the properties track it (events as strings, as the model has them). */
export interface Tx {
  readonly beginLsn: number;
  readonly commitLsn: number;
  readonly events: string[];
}

/** The sync option of a policy, with the harness's flusher interval (model-based/world.ts's mapping). */
export function syncOptionFor(policy: 'per-commit' | 'group' | 'none'): SyncOption {
  return syncOption(policy, INTERVAL_MS);
}

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
  /** The most fsyncs (file or directory) that were ever in flight at once since schedule(), and the labels of the first such moment. */
  mostFsyncsInFlight(): { readonly count: number; readonly labels: readonly string[] };
}

/**
 * When a scheduled fsync happens in the simulator: when the scheduler releases it (the default:
 * what the disk did, it did when the call returned), or when the WAL calls it, its answer held
 * back until the release (the disk made the data durable at once and the answer is late: an
 * fsync covers what was written before it was called, and nothing written while it is in flight).
 */
export type SyncAt = 'release' | 'call';

export function scheduledFs(sim: SimFileSystem, syncAt: SyncAt = 'release'): ScheduledFs {
  let scheduler: fc.Scheduler | null = null;
  let fsyncCount = 0;
  const inFlight = new Set<string>();
  let most: { count: number; labels: readonly string[] } = { count: 0, labels: [] };
  let flightNumber = 0;
  /** Counts `label` in flight from now until `wait` settles. */
  const inFlightUntil = <T>(label: string, wait: () => Promise<T>): Promise<T> => {
    const key = `${label} #${flightNumber++}`;
    inFlight.add(key);
    if (scheduler !== null && inFlight.size > most.count) most = { count: inFlight.size, labels: [...inFlight] };
    return wait().finally(() => inFlight.delete(key));
  };
  /** Runs `run` (an fsync) at the release, or at the call with its outcome held until the release (syncAt). */
  const syncLater = (label: string, run: () => Promise<void>): Promise<void> => {
    if (scheduler === null || syncAt === 'release') return later(label, run);
    const outcome = run().then(
      () => null,
      (error: unknown) => ({ error }),
    );
    return later(label, async () => {
      const failed = await outcome;
      if (failed !== null) throw failed.error;
    });
  };
  let failAt: number | null = null;
  let dirSyncs = 0;
  let dirSyncInFlight = 0;
  let dirSyncListener: ((number: number) => void) | null = null;
  const later = <T>(label: string, run: () => Promise<T>): Promise<T> =>
    scheduler === null ? run() : scheduler.schedule(Promise.resolve(label), label).then(run);
  const fsync = (handle: FileHandle, kind: 'datasync' | 'sync'): Promise<void> =>
    inFlightUntil(`${kind} ${handle.path}`, () =>
      syncLater(`${kind} ${handle.path}`, () => {
        if (scheduler !== null) {
          if (fsyncCount === failAt) sim.failNextFsync('EIO');
          fsyncCount += 1;
        }
        return kind === 'datasync' ? handle.datasync() : handle.sync();
      }),
    );
  const wrap = (handle: FileHandle): FileHandle => ({
    path: handle.path,
    write: (data, offsetBytes) => handle.write(data, offsetBytes),
    read: (offsetBytes, lengthBytes, into) => later(`read ${handle.path}@${offsetBytes}`, () => handle.read(offsetBytes, lengthBytes, into)),
    preallocate: (sizeBytes) => handle.preallocate(sizeBytes),
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
      return inFlightUntil(`fsyncDir ${path}`, () =>
        syncLater(`fsyncDir ${path}`, () => sim.fsyncDir(path)).finally(() => {
          if (dirSyncInFlight === number) dirSyncInFlight = 0;
        }),
      );
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
      most = { count: inFlight.size, labels: [...inFlight] };
    },
    failFsync: (n) => {
      failAt = n;
    },
    fsyncs: () => fsyncCount,
    dirSyncInFlight: () => dirSyncInFlight,
    onDirSync: (listener) => {
      dirSyncListener = listener;
    },
    mostFsyncsInFlight: () => most,
  };
}

export interface Acknowledgement {
  readonly tx: { readonly commitLsn: number };
  /** The op-log length when the commit was acknowledged. */
  readonly atOp: number;
}

export function expectDurableLsnNeverRegresses(sim: SimFileSystem): void {
  const probes = sim.opLog.map((op) => op.durableLsnProbe).filter((lsn): lsn is number => lsn !== null);
  expect(probes.every((lsn, i) => i === 0 || (probes[i - 1] ?? 0) <= lsn), `durable LSN samples ${probes.join(',')}`).toBe(true);
}

export function expectAcknowledgedOnStableStorage(sim: SimFileSystem, dir: string, acks: readonly Acknowledgement[], context = ''): void {
  for (const ack of acks) {
    const space = crashSpaceAt(sim.knobs, sim.opLog, ack.atOp);
    const onlySynced = space.build(space.axes.map(() => 0));
    const intact = survivingRecords(onlySynced, dir, sim.opLog).intactLsns;
    expect(intact, `commit ${ack.tx.commitLsn} acknowledged at op ${ack.atOp} is on stable storage${context === '' ? '' : `; ${context}`}`).toContain(ack.tx.commitLsn);
  }
}

export interface CrashCheck {
  readonly sim: SimFileSystem;
  /** The op-log length the crash happens at. */
  readonly point: number;
  /** Commits the crash must keep: those acknowledged before it (above the checkpoint LSN). */
  readonly owed: readonly Tx[];
  /** Every transaction some commit returned: the only ones a replay may hold. */
  readonly committed: readonly Tx[];
  readonly maxStates: number;
  readonly seed: number;
  readonly policy: 'per-commit' | 'group';
  readonly segmentTargetBytes: number;
  readonly checkpointLsn?: number;
  /** Said in every failure message. */
  readonly context?: string;
}

/** Returns how many crash states it recovered and checked. */
export async function expectCrashKeepsAcknowledged(check: CrashCheck): Promise<number> {
  const { sim, point } = check;
  const { states } = enumerateCrashStates(crashSpaceAt(sim.knobs, sim.opLog, point), { maxStates: check.maxStates, seed: check.seed });
  for (const crash of states) {
    const checkpoint = check.checkpointLsn === undefined || check.checkpointLsn === 0 ? {} : { checkpointLsn: check.checkpointLsn };
    const reopened = await openWal(DIR, { sync: syncOptionFor(check.policy), segmentTargetBytes: check.segmentTargetBytes, ...checkpoint, fs: crash.image() });
    const replayed = replayedAsModel(reopened.replay);
    await reopened.wal.close();
    const context = `crash at op ${point}\n${crash.describe()}${check.context === undefined ? '' : `; ${check.context}`}`;
    for (const tx of check.owed) expect(replayed, `acknowledged commit ${tx.commitLsn} survives the ${context}`).toContainEqual(tx);
    for (const tx of replayed) expect(check.committed, `replayed transaction was committed, ${context}`).toContainEqual(tx);
  }
  return states.length;
}
