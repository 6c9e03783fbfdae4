// crash-sim/sim-fs.ts as the FileSystem port: every call that names something missing, of the
// wrong kind, or through a handle that may no longer be used fails with the errno a real file
// system gives (and names the call and the path); a scheduled power loss lets exactly the asked
// number of disk-changing calls through; and each port call records the op crash states are made of.
import { describe, expect, it } from 'vitest';
import { SimFileSystem } from '../../crash-sim/sim-fs.js';
import { FsError } from '../../src/fs/port.js';

const fails = (errno: string, op: string, path: string) => expect.objectContaining({ name: 'FsError', errno, op, path });

function simWithFile(): SimFileSystem {
  const sim = new SimFileSystem();
  sim.mkdirp('/d');
  sim.open('/d/f', 'create-exclusive').write(Uint8Array.of(1, 2, 3), 0);
  return sim;
}

describe('SimFileSystem refuses what a real file system refuses', () => {
  it('names the missing entry, the entry of the wrong kind, and the call', async () => {
    const sim = simWithFile();
    expect(() => sim.mkdirp('/d/f')).toThrow(fails('EEXIST', 'mkdir', '/d/f'));
    expect(() => sim.readdir('/nope')).toThrow(fails('ENOENT', 'readdir', '/nope'));
    expect(() => sim.readdir('/d/f')).toThrow(fails('ENOTDIR', 'readdir', '/d/f'));
    expect(() => sim.open('/d', 'read')).toThrow(fails('EISDIR', 'open', '/d'));
    expect(() => sim.open('/d/f', 'create-exclusive')).toThrow(fails('EEXIST', 'open', '/d/f'));
    expect(() => sim.open('/nope/g', 'create-exclusive')).toThrow(fails('ENOENT', 'open', '/nope/g'));
    expect(() => sim.readFile('/d/g')).toThrow(fails('ENOENT', 'readFile', '/d/g'));
    expect(() => sim.rename('/d/g', '/d/h')).toThrow(fails('ENOENT', 'rename', '/d/g'));
    expect(() => sim.rename('/d/f', '/nope/h')).toThrow(fails('ENOENT', 'rename', '/nope/h'));
    expect(() => sim.unlink('/d/g')).toThrow(fails('ENOENT', 'unlink', '/d/g'));
    expect(() => sim.cacheBytes('/d/g')).toThrow(fails('ENOENT', 'read', '/d/g'));
    expect(() => sim.flipBitsOnRead('/d/g', 0, 1)).toThrow(fails('ENOENT', 'flipBitsOnRead', '/d/g'));
    await expect(sim.fsyncDir('/nope')).rejects.toThrow(fails('ENOENT', 'fsyncDir', '/nope'));
    await expect(sim.fsyncDir('/d/f')).rejects.toThrow(fails('ENOENT', 'fsyncDir', '/d/f'));
  });

  it('makes an existing directory again without recording anything', () => {
    const sim = simWithFile();
    const before = sim.opLog.length;
    sim.mkdirp('/d/');
    expect(sim.opLog.length).toBe(before);
  });

  it('refuses a closed handle (EBADF), a write through a read-only one (EBADF), and a handle opened before a crash (EIO)', async () => {
    const sim = simWithFile();
    const closed = sim.open('/d/f', 'read');
    closed.close();
    expect(() => closed.sizeBytes()).toThrow(fails('EBADF', 'size', '/d/f'));
    await expect(closed.read(0, 1)).rejects.toThrow(fails('EBADF', 'read', '/d/f'));

    const reader = sim.open('/d/f', 'read');
    expect([...(await reader.read(0, 10))]).toEqual([1, 2, 3]);
    expect(() => reader.write(Uint8Array.of(9), 0)).toThrow(fails('EBADF', 'write', '/d/f'));
    expect(() => reader.truncate(0)).toThrow(fails('EBADF', 'truncate', '/d/f'));
    await expect(reader.preallocate(4096)).rejects.toThrow(fails('EBADF', 'preallocate', '/d/f'));
    // A read-only handle may still fsync (as fsync(2) on an O_RDONLY fd does).
    await expect(reader.datasync()).resolves.toBeUndefined();

    const writer = sim.open('/d/f', 'read-write');
    sim.crashTo(new Map([['/d/f', Uint8Array.of(1)]]), [], 'test crash');
    expect(() => writer.write(Uint8Array.of(9), 0)).toThrow(fails('EIO', 'write', '/d/f'));
    await expect(writer.sync()).rejects.toThrow(fails('EIO', 'fsync', '/d/f'));
    expect(() => writer.sizeBytes()).toThrow(FsError);
    // A handle opened after the crash works, on the crash's image.
    expect(sim.open('/d/f', 'read').sizeBytes()).toBe(1);
  });

  it('locks a directory once at a time: ELOCKED names the lock, a release frees it once, and a second release frees nobody else\'s', async () => {
    const sim = simWithFile();
    const first = await sim.lockDirectory('/d');
    await expect(sim.lockDirectory('/d/.')).rejects.toThrow(expect.objectContaining({ errno: 'ELOCKED', op: 'lock', path: '/d/.', message: '/d/. is locked by a live writer' }));
    first.release();
    const second = await sim.lockDirectory('/d');
    first.release();
    await expect(sim.lockDirectory('/d')).rejects.toThrow(fails('ELOCKED', 'lock', '/d'));
    second.release();
    await expect(sim.lockDirectory('/d')).resolves.toMatchObject({ dir: '/d' });
  });

  it('frees every lock at a crash', async () => {
    const sim = simWithFile();
    await sim.lockDirectory('/d');
    sim.crashTo(new Map(), ['/d'], 'test crash');
    const again = await sim.lockDirectory('/d/');
    expect(again.dir).toBe('/d');
  });
});

describe('SimFileSystem power loss', () => {
  it('lets exactly `count` disk-changing calls through, then fails each later one with EPOWER, marks included', async () => {
    const sim = simWithFile();
    const h = sim.open('/d/f', 'read-write');
    sim.losePowerAfter(2.7);
    expect(sim.powerLost()).toBe(false);
    h.write(Uint8Array.of(4), 3);
    sim.mark('a mark changes nothing on disk');
    expect(sim.powerLost()).toBe(false);
    await h.datasync();
    expect(sim.powerLost()).toBe(true);
    expect(() => h.write(Uint8Array.of(5), 4)).toThrow(fails('EPOWER', 'write', '/d/f'));
    expect(() => sim.rename('/d/f', '/d/g')).toThrow(fails('EPOWER', 'rename', '/d/f'));
    expect(() => h.write(Uint8Array.of(5), 4)).toThrow('write /d/f: the power is out (a scheduled power loss struck)');
    // Reads still work: the power loss stops changes, not the caller's view.
    expect([...(await h.read(0, 10))]).toEqual([1, 2, 3, 4]);
    sim.crashTo(new Map(), [], 'power back');
    expect(sim.powerLost()).toBe(false);
    sim.mkdirp('/e');
  });

  it('treats a negative count as no call at all', () => {
    const sim = simWithFile();
    sim.losePowerAfter(-3);
    expect(sim.powerLost()).toBe(true);
    expect(() => sim.mkdirp('/e')).toThrow(fails('EPOWER', 'mkdir', '/e'));
  });
});

describe('SimFileSystem records each port call as its op', () => {
  it('records preallocate as a fallocate from 0, truncate, rename, unlink and a directory fsync, each with the normal path', async () => {
    const sim = simWithFile();
    const h = sim.open('/d//f', 'read-write');
    const start = sim.opLog.length;
    await h.preallocate(4096);
    h.truncate(10);
    await sim.fsyncDir('/d/.');
    sim.rename('/d/f', '/d/./g');
    sim.unlink('/d/g');
    expect(sim.opLog.slice(start).map(({ index, durableLsnProbe, ...op }) => op)).toEqual([
      { kind: 'fallocate', path: '/d/f', inode: 1, offsetBytes: 0, lengthBytes: 4096, keepSize: false },
      { kind: 'truncate', path: '/d/f', inode: 1, sizeBytes: 10 },
      { kind: 'fsyncDir', path: '/d', errno: null },
      { kind: 'rename', from: '/d/f', to: '/d/g', inode: 1 },
      { kind: 'unlink', path: '/d/g', inode: 1 },
    ]);
    expect(sim.exists('/d/g')).toBe(false);
    expect(sim.exists('/d')).toBe(true);
    expect(sim.exists('/d/f')).toBe(false);
    sim.open('/d/h', 'create-exclusive');
    expect(sim.exists('/d/h')).toBe(true);
    expect(sim.isDirectory('/d')).toBe(true);
    expect(sim.isDirectory('/d/f')).toBe(false);
  });

  it('copies the bytes a write was given, so a caller reusing its buffer changes no op', () => {
    const sim = simWithFile();
    const h = sim.open('/d/f', 'read-write');
    const buffer = Uint8Array.of(7, 7);
    h.write(buffer, 0);
    buffer.fill(0);
    const last = sim.opLog[sim.opLog.length - 1];
    expect(last?.kind === 'write' ? [...last.data] : null).toEqual([7, 7]);
    expect([...sim.cacheBytes('/d/f')]).toEqual([7, 7, 3]);
  });

  it('joins parts into one normal path', () => {
    expect(new SimFileSystem().join('/d', 'x/', '../y')).toBe('/d/y');
  });

  it('fails a scheduled write with ENOSPC unless told otherwise, writing none of it', () => {
    const sim = simWithFile();
    const h = sim.open('/d/f', 'read-write');
    sim.failNextWrite();
    expect(() => h.write(Uint8Array.of(9, 9), 3)).toThrow(fails('ENOSPC', 'write', '/d/f'));
    expect([...sim.cacheBytes('/d/f')]).toEqual([1, 2, 3]);
  });

  it('reports and clears the faults still waiting', () => {
    const sim = simWithFile();
    expect(sim.pendingFaults()).toEqual({ fsync: false, write: false });
    sim.failNextFsync();
    sim.shortNextWrite();
    expect(sim.pendingFaults()).toEqual({ fsync: true, write: true });
    sim.clearFaults();
    expect(sim.pendingFaults()).toEqual({ fsync: false, write: false });
  });

  it('loads an image as copies of the bytes it was given', () => {
    const bytes = Uint8Array.of(1, 2);
    const sim = SimFileSystem.fromImage(new SimFileSystem().knobs, new Map([['/w/a', bytes]]));
    bytes.fill(0);
    expect([...sim.readFile('/w/a')]).toEqual([1, 2]);
  });
});
