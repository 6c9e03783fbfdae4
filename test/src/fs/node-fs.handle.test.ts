// The node:fs adapter's file handles and directory calls (src/fs/node-fs.ts), checked directly on
// the real disk in both I/O modes: reads return what the file holds up to its end, into the
// caller's buffer when it is long enough and into a new one otherwise; a blocking read gives the
// event loop a turn before it settles; preallocation extends a file with zeros and leaves a
// longer one as it is; and every failure is an FsError naming the call and the path.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockingNodeFileSystem, nodeFileSystem } from '../../../src/fs/node-fs.js';
import { ev, openDescriptors, tempDir } from '../helpers.js';

for (const [io, fileSystem] of [
  ['non-blocking', nodeFileSystem],
  ['blocking', blockingNodeFileSystem],
] as const) {
  describe(`the node file system's handles (io ${io})`, () => {
    const fileOf = (content: string): string => {
      const path = join(tempDir('handle'), 'f');
      writeFileSync(path, content);
      return path;
    };

    it('reads up to the end of the file, into the buffer offered when it is long enough, else into a new one', async () => {
      const handle = fileSystem.open(fileOf('0123456789'), 'read');
      expect(await handle.read(2, 5)).toEqual(ev('23456'));
      // Past the end: what there is, then nothing.
      expect(await handle.read(7, 100)).toEqual(ev('789'));
      expect(await handle.read(10, 4)).toEqual(new Uint8Array(0));
      const exact = new Uint8Array(4);
      const intoExact = await handle.read(0, 4, exact);
      expect(intoExact).toEqual(ev('0123'));
      expect(intoExact.buffer).toBe(exact.buffer);
      const longer = new Uint8Array(16).fill(0xee);
      const intoLonger = await handle.read(4, 3, longer);
      expect(intoLonger).toEqual(ev('456'));
      expect(intoLonger.buffer).toBe(longer.buffer);
      const short = new Uint8Array(2);
      const intoNew = await handle.read(0, 6, short);
      expect(intoNew).toEqual(ev('012345'));
      expect(intoNew.buffer).not.toBe(short.buffer);
      expect(short).toEqual(new Uint8Array(2));
      expect(openDescriptors((target) => target === handle.path)).toBe(1);
      handle.close();
      expect(openDescriptors((target) => target === handle.path)).toBe(0);
      // A second close is harmless.
      handle.close();
    });

    it(`${io === 'blocking' ? 'gives' : 'needs not give'} the event loop a turn before a read settles`, async () => {
      const handle = fileSystem.open(fileOf('abc'), 'read');
      const order: string[] = [];
      setImmediate(() => order.push('turn'));
      await handle.read(0, 3).then(() => order.push('read'));
      await new Promise((resolve) => setImmediate(resolve));
      handle.close();
      if (io === 'blocking') expect(order).toEqual(['turn', 'read']);
      else expect(order.sort()).toEqual(['read', 'turn']);
    });

    it('preallocates with zeros up to the size, and leaves a longer file as it is', async () => {
      const path = fileOf('head');
      const handle = fileSystem.open(path, 'read-write');
      const order: string[] = [];
      setImmediate(() => order.push('turn'));
      await handle.preallocate(3 * 1024 * 1024 + 5).then(() => order.push('preallocated'));
      // Blocking: the zeros are written on the calling thread, then the event loop gets its turn.
      if (io === 'blocking') expect(order).toEqual(['turn', 'preallocated']);
      expect(handle.sizeBytes()).toBe(3 * 1024 * 1024 + 5);
      const bytes = readFileSync(path);
      expect(bytes.subarray(0, 4).toString()).toBe('head');
      expect(bytes.subarray(4).every((b) => b === 0)).toBe(true);
      await handle.preallocate(10);
      expect(handle.sizeBytes()).toBe(3 * 1024 * 1024 + 5);
      handle.truncate(2);
      expect(handle.sizeBytes()).toBe(2);
      handle.close();
    });

    it('fails with an FsError naming the call and the path', async () => {
      const dir = tempDir('handle-errors');
      const path = join(dir, 'f');
      expect(() => fileSystem.open(path, 'read')).toThrow(expect.objectContaining({ errno: 'ENOENT', op: 'open', path }) as Error);
      expect(() => fileSystem.open(path, 'read-write')).toThrow(expect.objectContaining({ errno: 'ENOENT', op: 'open', path }) as Error);
      fileSystem.open(path, 'create-exclusive').close();
      expect(() => fileSystem.open(path, 'create-exclusive')).toThrow(expect.objectContaining({ errno: 'EEXIST', op: 'open', path }) as Error);
      const readOnly = fileSystem.open(path, 'read');
      expect(() => readOnly.write(ev('x'), 0)).toThrow(expect.objectContaining({ errno: 'EBADF', op: 'write', path }) as Error);
      expect(() => readOnly.truncate(0)).toThrow(expect.objectContaining({ op: 'truncate', path }) as Error);
      await expect(readOnly.preallocate(100)).rejects.toMatchObject({ errno: 'EBADF', op: 'write', path });
      readOnly.close();
      // A closed handle: every call fails with EBADF naming it (a rejection for the calls that wait), never a stack trace from Node's argument checks.
      const closed = (op: string) => expect.objectContaining({ errno: 'EBADF', op, path, message: `${op} ${path}: the handle is closed` }) as Error;
      expect(() => readOnly.sizeBytes()).toThrow(closed('fstat'));
      expect(() => readOnly.write(ev('x'), 0)).toThrow(closed('write'));
      expect(() => readOnly.truncate(0)).toThrow(closed('truncate'));
      const waiting: [string, () => Promise<unknown>][] = [
        ['fdatasync', () => readOnly.datasync()],
        ['fsync', () => readOnly.sync()],
        ['read', () => readOnly.read(0, 1)],
        ['fstat', () => readOnly.preallocate(1 << 20)],
      ];
      for (const [op, call] of waiting) {
        let pending: Promise<unknown> = Promise.resolve();
        expect(() => (pending = call())).not.toThrow();
        await expect(pending).rejects.toEqual(closed(op));
      }
      // A device cannot be synced: the failure names the call the adapter made.
      const device = fileSystem.open('/dev/null', 'read');
      await expect(device.datasync()).rejects.toMatchObject({ errno: 'EINVAL', op: 'fdatasync', path: '/dev/null' });
      await expect(device.sync()).rejects.toMatchObject({ errno: 'EINVAL', op: 'fsync', path: '/dev/null' });
      device.close();
      const absent = join(dir, 'absent');
      expect(() => fileSystem.readdir(absent)).toThrow(expect.objectContaining({ errno: 'ENOENT', op: 'readdir', path: absent }) as Error);
      expect(() => fileSystem.readFile(absent)).toThrow(expect.objectContaining({ errno: 'ENOENT', op: 'read', path: absent }) as Error);
      expect(() => fileSystem.rename(absent, path)).toThrow(expect.objectContaining({ errno: 'ENOENT', op: 'rename', path: absent }) as Error);
      expect(() => fileSystem.unlink(absent)).toThrow(expect.objectContaining({ errno: 'ENOENT', op: 'unlink', path: absent }) as Error);
      expect(() => fileSystem.mkdirp(join(path, 'sub'))).toThrow(expect.objectContaining({ errno: 'ENOTDIR', op: 'mkdir', path: join(path, 'sub') }) as Error);
      await expect(fileSystem.fsyncDir(absent)).rejects.toMatchObject({ errno: 'ENOENT', op: 'fsync', path: absent });
    });

    it('answers the directory questions and moves files', () => {
      const dir = tempDir('dir-calls');
      const sub = join(dir, 'a', 'b');
      fileSystem.mkdirp(sub);
      fileSystem.mkdirp(sub);
      expect(fileSystem.isDirectory(sub)).toBe(true);
      expect(fileSystem.isDirectory(join(dir, 'none'))).toBe(false);
      writeFileSync(join(dir, 'f'), 'content');
      expect(fileSystem.isDirectory(join(dir, 'f'))).toBe(false);
      expect(fileSystem.exists(join(dir, 'f'))).toBe(true);
      expect(fileSystem.exists(join(dir, 'none'))).toBe(false);
      fileSystem.rename(join(dir, 'f'), join(dir, 'g'));
      expect(fileSystem.readdir(dir).sort()).toEqual(['a', 'g']);
      expect(fileSystem.readFile(join(dir, 'g'))).toEqual(ev('content'));
      fileSystem.unlink(join(dir, 'g'));
      expect(fileSystem.readdir(dir)).toEqual(['a']);
      expect(fileSystem.join('x', 'y', '..', 'z')).toBe(join('x', 'z'));
    });
  });
}
