// The node adapter's directory fsync (src/fs/node-fs.ts) really fsyncs the directory, in both I/O
// modes: creates, renames and unlinks are durable only once it returns (DESIGN.md, dirSync). No
// test of a power loss can see a missing directory fsync on the real disk, so the test watches
// node:fs: every fsync call the adapter makes is recorded with the inode its descriptor names.
import fs, { mkdirSync, statSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeFileSystem } from '../../../src/fs/node-fs.js';
import { openWal } from '../../../src/index.js';
import { ev, openDescriptors, tempDir } from '../helpers.js';

const realFsync = fs.fsync;
const realFsyncSync = fs.fsyncSync;

/** An fsync that fails as a device would (EIO). */
const eio = (): NodeJS.ErrnoException => Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO', errno: -5, syscall: 'fsync' });

/**
 * Records the inode of every descriptor fsync'd through node:fs until the returned stop() is
 * called; with `fail`, each of those fsyncs then fails with EIO instead of running.
 */
function watchFsyncs(fail = false): { inodes: number[]; stop: () => void } {
  const inodes: number[] = [];
  const note = (fd: number): void => {
    inodes.push(fs.fstatSync(fd).ino);
  };
  fs.fsync = ((fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
    note(fd);
    if (fail) process.nextTick(() => callback(eio()));
    else realFsync(fd, callback);
  }) as typeof fs.fsync;
  fs.fsyncSync = (fd: number) => {
    note(fd);
    if (fail) throw eio();
    realFsyncSync(fd);
  };
  syncBuiltinESMExports();
  return {
    inodes,
    stop: () => {
      fs.fsync = realFsync;
      fs.fsyncSync = realFsyncSync;
      syncBuiltinESMExports();
    },
  };
}

describe('the node adapter fsyncs the directory', () => {
  let stop: (() => void) | null = null;
  afterEach(() => {
    stop?.();
    stop = null;
  });

  for (const io of ['non-blocking', 'blocking'] as const) {
    it(`fsyncDir fsyncs a descriptor of that directory (io ${io})`, async () => {
      const dir = tempDir('dirsync');
      const sub = join(dir, 'sub');
      mkdirSync(sub);
      const watched = watchFsyncs();
      stop = watched.stop;
      const port = createNodeFileSystem(io);
      for (const target of [dir, sub, dir]) {
        const before = watched.inodes.length;
        await port.fsyncDir(target);
        expect(watched.inodes.slice(before), `fsyncDir(${target})`).toEqual([statSync(target).ino]);
      }
      // Each descriptor it opened on a directory is closed again.
      expect(openDescriptors((target) => target === dir || target === sub)).toBe(0);
    });

    it(`a failed directory fsync is that fsync's error, naming the directory, and still closes its descriptor (io ${io})`, async () => {
      const dir = tempDir('dirsync-eio');
      const watched = watchFsyncs(true);
      stop = watched.stop;
      await expect(createNodeFileSystem(io).fsyncDir(dir)).rejects.toMatchObject({ errno: 'EIO', op: 'fsync', path: dir });
      expect(watched.inodes).toEqual([statSync(dir).ino]);
      expect(openDescriptors((target) => target === dir)).toBe(0);
    });

    it(`a WAL that rotates and truncates fsyncs its directory after each of them (io ${io})`, async () => {
      const dir = tempDir('dirsync-wal');
      const { wal } = await openWal(dir, { io, segmentTargetBytes: 64, preallocate: false });
      const watched = watchFsyncs();
      stop = watched.stop;
      const dirInode = statSync(dir).ino;
      let last = 0;
      for (let i = 0; i < 4; i++) {
        const before = watched.inodes.filter((ino) => ino === dirInode).length;
        last = (await wal.writeTransaction([ev(`event ${i}`)])).commitLsn;
        await wal.flush();
        const rotated = wal.segments().length > i + 1 ? 1 : 0;
        expect(watched.inodes.filter((ino) => ino === dirInode).length - before, `transaction ${i} created a segment`).toBeGreaterThanOrEqual(rotated);
      }
      const before = watched.inodes.filter((ino) => ino === dirInode).length;
      await wal.truncateUpTo(last);
      expect(watched.inodes.filter((ino) => ino === dirInode).length - before, 'truncateUpTo fsyncs the directory').toBe(1);
      await wal.close();
    });
  }
});
