import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { blockingNodeFileSystem, FsError, nodeFileSystem, openWal, WalError, type FileHandle, type FileSystem, type Wal } from '../../src/index.js';
import { seededRandom } from '../../crash-sim/prng.js';
import type { OpenMode } from '../../src/fs/port.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The WalError `promise` rejects with, checked to carry `code`; the test fails if it resolves. */
export async function expectWalError(promise: Promise<unknown>, code: string): Promise<WalError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WalError);
  expect((error as WalError).code).toBe(code);
  return error as WalError;
}

/** A fresh directory under the OS temp dir, removed after the test. */
export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `walref-${label}-`));
  made.push(dir);
  return dir;
}

export const ev = (text: string): Uint8Array => new TextEncoder().encode(text);

/** One transaction of these events through the low-level API, then a flush; returns its commit LSN. */
export async function commitTx(wal: Wal, events: readonly string[]): Promise<number> {
  const begin = await wal.begin();
  for (const e of events) await wal.append(begin, ev(e));
  const commitLsn = await wal.commit(begin);
  await wal.flush();
  return commitLsn;
}

/** Resolves after every queued microtask and promise callback has run (a turn of the event loop). */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Whether `waiting` settles within `turns` turns of the event loop (counted, never timed). */
export async function settlesWithin(waiting: Promise<unknown>, turns: number): Promise<boolean> {
  let settled = false;
  void waiting.then(() => (settled = true));
  for (let i = 0; i < turns && !settled; i++) await nextTurn();
  return settled;
}
export const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** The port `fs` with its `open` replaced (given the real one): to count opens, or to hand out handles that misbehave. */
export function withOpen(fs: FileSystem, open: (path: string, mode: OpenMode, real: FileSystem['open']) => FileHandle): FileSystem {
  return new Proxy(fs, {
    get(target, key) {
      if (key === 'open') return (path: string, mode: OpenMode) => open(path, mode, target.open.bind(target));
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export type FaultPlan = { write?: 'ENOSPC' | 'short'; fsync?: 'EIO' };

/**
 * The node adapter with faults the test arms one at a time, and a count of every fdatasync: what a
 * test needs to see poisoning and shared fsyncs on the real disk.
 */
export function faultyNodeFs(): { fs: FileSystem; arm: (plan: FaultPlan) => void; datasyncs: () => number } {
  let plan: FaultPlan = {};
  let datasyncs = 0;
  const wrap = (handle: FileHandle): FileHandle => ({
    path: handle.path,
    write: (data, offset) => {
      if (plan.write === 'ENOSPC') {
        // Like a full disk: part of the data lands, then the call fails.
        delete plan.write;
        handle.write(data.subarray(0, Math.floor(data.length / 2)), offset);
        throw new FsError('ENOSPC', 'write', handle.path);
      }
      if (plan.write === 'short') {
        delete plan.write;
        return handle.write(data.subarray(0, Math.floor(data.length / 2)), offset);
      }
      return handle.write(data, offset);
    },
    read: (o, l) => handle.read(o, l),
    preallocate: (n) => handle.preallocate(n),
    datasync: async () => {
      if (plan.fsync === 'EIO') {
        delete plan.fsync;
        throw new FsError('EIO', 'fdatasync', handle.path);
      }
      datasyncs++;
      await handle.datasync();
    },
    sync: () => handle.sync(),
    truncate: (n) => handle.truncate(n),
    sizeBytes: () => handle.sizeBytes(),
    close: () => handle.close(),
  });
  const fs: FileSystem = { ...nodeFileSystem, open: (p, mode) => wrap(nodeFileSystem.open(p, mode)) };
  return { fs, arm: (p) => (plan = { ...p }), datasyncs: () => datasyncs };
}

/**
 * Writes interleaved transactions, some held open across many chunks (one from the first record
 * to the last), over segments of `segmentTargetBytes`: the log the reuse-buffers tests replay both
 * ways. Seeded, so a failure names the same log every run.
 */
export async function writeInterleavedLog(
  dir: string,
  seed: number,
  shape: { readonly segmentTargetBytes: number; readonly steps: number; readonly maxEventBytes: number; readonly preallocate?: boolean },
): Promise<void> {
  const random = seededRandom(seed);
  const { wal } = await openWal(dir, { sync: { mode: 'none' }, segmentTargetBytes: shape.segmentTargetBytes, preallocate: shape.preallocate ?? true });
  const open: number[] = [];
  const longLived = await wal.begin();
  await wal.append(longLived, ev('begun first, committed last'));
  for (let step = 0; step < shape.steps; step++) {
    const roll = random();
    if (open.length < 4 && roll < 0.3) open.push(await wal.begin());
    else if (open.length > 0 && roll < 0.85) {
      const tx = open[Math.floor(random() * open.length)]!;
      const size = Math.floor(random() * shape.maxEventBytes);
      await wal.append(tx, ev(`${tx}:${step}:`.padEnd(size, String.fromCharCode(97 + (step % 26)))));
    } else if (open.length > 0) {
      const tx = open.splice(Math.floor(random() * open.length), 1)[0]!;
      await (random() < 0.8 ? wal.commit(tx) : wal.abort(tx));
    }
    if (step === Math.floor(shape.steps / 2)) await wal.append(longLived, ev('appended halfway'));
  }
  await wal.commit(longLived);
  await wal.close();
}


/** Each way a caller may choose the io mode (undefined: the default), with the node file system it must get and the one it must not. */
export const IO_CHOICES = [
  ['blocking', blockingNodeFileSystem, nodeFileSystem],
  ['non-blocking', nodeFileSystem, blockingNodeFileSystem],
  [undefined, nodeFileSystem, blockingNodeFileSystem],
] as const;

/** How many of this process's file descriptors are open on a file whose path `matches` (a deleted one's reads "<path> (deleted)"). */
export function openDescriptors(matches: (target: string) => boolean): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return matches(readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      return false;
    }
  }).length;
}
