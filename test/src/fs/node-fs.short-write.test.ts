// Preallocation on a disk that takes no more bytes (src/fs/node-fs.ts): a write of zeros that
// writes nothing, without an error, ends the preallocation with a SHORT_WRITE FsError naming the
// file and the offset, in both io modes, instead of trying again for ever. For this file only,
// node:fs's writes write nothing to files whose name ends in `.full`.
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { blockingNodeFileSystem, nodeFileSystem } from '../../../src/fs/node-fs.js';
import { tempDir } from '../helpers.js';

const full = vi.hoisted(() => new Set<number>());

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  type WriteCallback = (error: NodeJS.ErrnoException | null, written: number) => void;
  return {
    ...real,
    openSync: (path: string, flags: string) => {
      const fd = real.openSync(path, flags);
      if (String(path).endsWith('.full')) full.add(fd);
      return fd;
    },
    closeSync: (fd: number) => {
      full.delete(fd);
      real.closeSync(fd);
    },
    writeSync: (fd: number, ...rest: unknown[]) => (full.has(fd) ? 0 : (real.writeSync as (...args: unknown[]) => number)(fd, ...rest)),
    write: (fd: number, ...rest: unknown[]) => {
      if (!full.has(fd)) return (real.write as (...args: unknown[]) => void)(fd, ...rest);
      const callback = rest.at(-1) as WriteCallback;
      setImmediate(() => callback(null, 0));
    },
  };
});

describe('preallocation on a disk that takes no more bytes', () => {
  for (const [io, fileSystem] of [
    ['non-blocking', nodeFileSystem],
    ['blocking', blockingNodeFileSystem],
  ] as const) {
    it(`fails with SHORT_WRITE naming the file and the offset (io ${io})`, async () => {
      const dir = tempDir('short-write');
      const path = join(dir, 'f.full');
      const handle = fileSystem.open(path, 'create-exclusive');
      try {
        await expect(handle.preallocate(4096)).rejects.toMatchObject({ errno: 'SHORT_WRITE', op: 'write', path, message: 'nothing written while preallocating at 0' });
      } finally {
        handle.close();
      }
      // Other files are written as usual.
      const other = fileSystem.open(join(dir, 'g'), 'create-exclusive');
      await other.preallocate(4096);
      expect(other.sizeBytes()).toBe(4096);
      other.close();
    });
  }
});
