// The non-blocking rule on the real disk (src/fs/node-fs.ts): under the default io, nothing waits
// for the disk on the main thread. Every fsync, fdatasync and segment read of a WAL's life (the
// lock, open and replay, commits under each policy, rotations into prepared segments, a
// checkpoint, truncateUpTo, close) goes to the thread pool; only io 'blocking' makes the
// synchronous calls. node:fs is wrapped, for this file only, to count them.
import { describe, expect, it, vi } from 'vitest';
import { blockingNodeFileSystem, nodeFileSystem } from '../../../src/fs/node-fs.js';
import type { FileSystem } from '../../../src/fs/port.js';
import { openWal, type WalOptions } from '../../../src/index.js';
import { commitTx, ev, tempDir } from '../helpers.js';

const counts = vi.hoisted(() => ({ fsyncSync: 0, fdatasyncSync: 0, readSync: 0 }));

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const counted = <K extends keyof typeof counts>(name: K, call: (...args: never[]) => unknown) =>
    (...args: never[]) => {
      counts[name] += 1;
      return call(...args);
    };
  return {
    ...real,
    fsyncSync: counted('fsyncSync', real.fsyncSync as (...args: never[]) => unknown),
    fdatasyncSync: counted('fdatasyncSync', real.fdatasyncSync as (...args: never[]) => unknown),
    readSync: counted('readSync', real.readSync as (...args: never[]) => unknown),
  };
});

/** A WAL's whole life under `options`: every call that reaches the disk. */
async function life(options: WalOptions): Promise<void> {
  const dir = tempDir('no-sync-waits');
  const first = await openWal(dir, { ...options, segmentTargetBytes: 4096 });
  let last = 0;
  for (let i = 0; i < 40; i++) last = await commitTx(first.wal, [`${'e'.repeat(200)}${i}`]);
  await first.wal.forceFsync();
  await first.wal.checkpoint({ lsn: last, snapshot: ev('snapshot') });
  await first.wal.truncateUpTo(last);
  await commitTx(first.wal, ['after the checkpoint']);
  await first.wal.close();
  const second = await openWal(dir, { ...options, segmentTargetBytes: 4096 });
  expect(second.replay.transactions).toHaveLength(1);
  await second.wal.close();
}

const total = (): number => counts.fsyncSync + counts.fdatasyncSync + counts.readSync;

describe('the default io', () => {
  for (const sync of [{ mode: 'per-commit' }, { mode: 'group', intervalMs: 2 }, { mode: 'none' }] as const) {
    it(`makes no synchronous fsync, fdatasync or read in a WAL's life (sync ${sync.mode})`, async () => {
      const before = { ...counts };
      await life({ sync });
      expect(counts).toEqual(before);
    });
  }

  it("is what makes the difference: io 'blocking' makes them on the calling thread", async () => {
    const before = total();
    await life({ io: 'blocking' });
    expect(counts.fsyncSync + counts.fdatasyncSync).toBeGreaterThan(0);
    expect(total()).toBeGreaterThan(before);
  });
});

/** Every call of the port that waits for the disk, once each: read, preallocate, datasync, sync, fsyncDir. */
async function everyWaitingCall(fileSystem: FileSystem): Promise<void> {
  const dir = tempDir('port-waits');
  const handle = fileSystem.open(fileSystem.join(dir, 'f'), 'create-exclusive');
  handle.write(ev('bytes'), 0);
  await handle.preallocate(8192);
  expect(await handle.read(0, 5)).toEqual(ev('bytes'));
  await handle.datasync();
  await handle.sync();
  handle.close();
  await fileSystem.fsyncDir(dir);
}

describe("the port's waiting calls", () => {
  it('go to the thread pool on the default file system, and are made on the calling thread by the blocking one', async () => {
    const before = { ...counts };
    await everyWaitingCall(nodeFileSystem);
    expect(counts).toEqual(before);
    await everyWaitingCall(blockingNodeFileSystem);
    expect(counts).toEqual({ fsyncSync: before.fsyncSync + 2, fdatasyncSync: before.fdatasyncSync + 1, readSync: before.readSync + 1 });
    // The lock file is synced before it is linked in place: on the pool, or on the calling thread.
    (await nodeFileSystem.lockDirectory(tempDir('lock-pooled'))).release();
    expect(counts.fsyncSync).toBe(before.fsyncSync + 2);
    (await blockingNodeFileSystem.lockDirectory(tempDir('lock-blocking'))).release();
    expect(counts.fsyncSync).toBe(before.fsyncSync + 3);
  });
});
