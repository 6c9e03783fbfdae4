// src/effect-runner.ts: the core's effects run through the port with one handle per file, opened
// once; a short write is an error that names the file and the counts; the effects that wait for the
// disk go only through run(), whose failures (synchronous ones included) come back as rejections;
// a rename or a remove closes the file's handle first; and closeAll closes every handle, collecting
// errors instead of stopping at the first.
import { describe, expect, it } from 'vitest';
import { SimFileSystem } from '../../crash-sim/sim-fs.js';
import { EffectRunner } from '../../src/effect-runner.js';
import { FsError, type FileSystem } from '../../src/fs/port.js';
import { withOpen } from './helpers.js';

function setup(): { sim: SimFileSystem; runner: EffectRunner; opens: string[] } {
  const sim = new SimFileSystem();
  sim.mkdirp('/wal');
  const opens: string[] = [];
  // Counts the opens the runner makes, on the simulator underneath.
  const counting = withOpen(sim, (path, mode, open) => (opens.push(`${mode} ${path}`), open(path, mode)));
  return { sim, runner: new EffectRunner(counting, '/wal'), opens };
}

describe('EffectRunner', () => {
  it('creates a file, then writes, truncates and fsyncs it through the one handle', async () => {
    const { sim, runner, opens } = setup();
    runner.runNow({ kind: 'create', file: 'a' });
    runner.runNow({ kind: 'write', file: 'a', offsetBytes: 0, data: Uint8Array.of(1, 2, 3, 4) });
    runner.runNow({ kind: 'truncate', file: 'a', sizeBytes: 3 });
    await runner.run({ kind: 'fsync', file: 'a' });
    await runner.run({ kind: 'write', file: 'a', offsetBytes: 3, data: Uint8Array.of(9) });
    expect(opens).toEqual(['create-exclusive /wal/a']);
    expect([...sim.readFile('/wal/a')]).toEqual([1, 2, 3, 9]);
    expect(sim.opLog.map((op) => op.kind)).toEqual(['mkdir', 'create', 'write', 'truncate', 'fsync', 'write']);
    expect(runner.path('a')).toBe('/wal/a');
  });

  it('opens a file it did not create once, read-write, and again only after its handle was released', () => {
    const { sim, runner, opens } = setup();
    sim.open('/wal/b', 'create-exclusive');
    runner.runNow({ kind: 'write', file: 'b', offsetBytes: 0, data: Uint8Array.of(1) });
    runner.runNow({ kind: 'write', file: 'b', offsetBytes: 1, data: Uint8Array.of(2) });
    runner.release('b');
    runner.release('b');
    runner.runNow({ kind: 'write', file: 'b', offsetBytes: 2, data: Uint8Array.of(3) });
    expect(opens).toEqual(['read-write /wal/b', 'read-write /wal/b']);
  });

  it('treats a short write as a failed one, naming the file and the counts', () => {
    const { sim, runner } = setup();
    runner.runNow({ kind: 'create', file: 'a' });
    sim.shortNextWrite('half');
    expect(() => runner.runNow({ kind: 'write', file: 'a', offsetBytes: 0, data: new Uint8Array(10) })).toThrow(
      expect.objectContaining({ name: 'FsError', errno: 'SHORT_WRITE', op: 'write', path: '/wal/a', message: 'short write: 5 of 10 bytes' }),
    );
  });

  it('refuses to run an effect that waits for the disk synchronously, and says which', () => {
    const { runner } = setup();
    runner.runNow({ kind: 'create', file: 'a' });
    expect(() => runner.runNow({ kind: 'fsync', file: 'a' })).toThrow('effect-runner: fsync waits for the disk; run it with run()');
    expect(() => runner.runNow({ kind: 'fsyncDir' })).toThrow('effect-runner: fsyncDir waits for the disk');
    expect(() => runner.runNow({ kind: 'preallocate', file: 'a', sizeBytes: 10 })).toThrow('effect-runner: preallocate waits for the disk');
    expect(EffectRunner.waits({ kind: 'fsync', file: 'a' })).toBe(true);
    expect(EffectRunner.waits({ kind: 'fsyncDir' })).toBe(true);
    expect(EffectRunner.waits({ kind: 'preallocate', file: 'a', sizeBytes: 1 })).toBe(true);
    expect(EffectRunner.waits({ kind: 'write', file: 'a', offsetBytes: 0, data: new Uint8Array(0) })).toBe(false);
    expect(EffectRunner.waits({ kind: 'rename', from: 'a', to: 'b' })).toBe(false);
  });

  it('runs an fsync of the directory and a preallocation through run()', async () => {
    const { sim, runner } = setup();
    runner.runNow({ kind: 'create', file: 'a' });
    await runner.run({ kind: 'fsyncDir' });
    await runner.run({ kind: 'preallocate', file: 'a', sizeBytes: 4096 });
    expect(sim.opLog.slice(-2).map(({ index, durableLsnProbe, ...op }) => op)).toEqual([
      { kind: 'fsyncDir', path: '/wal', errno: null },
      { kind: 'fallocate', path: '/wal/a', inode: 1, offsetBytes: 0, lengthBytes: 4096, keepSize: false },
    ]);
  });

  it('hands back failures of run() as rejections, synchronous ones included', async () => {
    const { sim, runner } = setup();
    runner.runNow({ kind: 'create', file: 'a' });
    sim.failNextFsync('EIO');
    await expect(runner.run({ kind: 'fsync', file: 'a' })).rejects.toThrow(expect.objectContaining({ errno: 'EIO', op: 'fsync' }));
    // No such file: the open throws synchronously, and run() rejects.
    const missing = runner.run({ kind: 'fsync', file: 'missing' });
    expect(missing).toBeInstanceOf(Promise);
    await expect(missing).rejects.toThrow(FsError);
    await expect(runner.run({ kind: 'create', file: 'a' })).rejects.toThrow(expect.objectContaining({ errno: 'EEXIST' }));
  });

  it('closes a file\'s handle before renaming or removing it, so a later effect opens the new name afresh', () => {
    const { sim, runner, opens } = setup();
    runner.runNow({ kind: 'create', file: 'a' });
    runner.runNow({ kind: 'rename', from: 'a', to: 'b' });
    runner.runNow({ kind: 'write', file: 'b', offsetBytes: 0, data: Uint8Array.of(7) });
    runner.runNow({ kind: 'remove', file: 'b' });
    expect(opens).toEqual(['create-exclusive /wal/a', 'read-write /wal/b']);
    expect(sim.exists('/wal/a')).toBe(false);
    // A new file under the old name gets a handle of its own, not the renamed file's.
    runner.runNow({ kind: 'create', file: 'x' });
    runner.runNow({ kind: 'rename', from: 'x', to: 'y' });
    sim.open('/wal/x', 'create-exclusive');
    runner.runNow({ kind: 'write', file: 'x', offsetBytes: 0, data: Uint8Array.of(8) });
    expect([...sim.readFile('/wal/x')]).toEqual([8]);
    expect([...sim.readFile('/wal/y')]).toEqual([]);
    opens.splice(2);
    expect(sim.exists('/wal/b')).toBe(false);
    // The same after a remove: a new file under the name is written through a new handle.
    runner.runNow({ kind: 'create', file: 'z' });
    runner.runNow({ kind: 'remove', file: 'z' });
    sim.open('/wal/z', 'create-exclusive');
    runner.runNow({ kind: 'write', file: 'z', offsetBytes: 0, data: Uint8Array.of(6) });
    expect([...sim.readFile('/wal/z')]).toEqual([6]);
    opens.splice(2);
    // A remove of a file it never opened opens nothing.
    sim.open('/wal/c', 'create-exclusive');
    runner.runNow({ kind: 'remove', file: 'c' });
    expect(opens).toHaveLength(2);
  });

  it('closes every handle at closeAll, collecting each failure and going on', () => {
    const closed: string[] = [];
    const handle = (path: string, fails: boolean) => ({
      path,
      close: () => {
        closed.push(path);
        if (fails) throw new Error(`close ${path} failed`);
      },
    });
    const fs = { join: (...parts: string[]) => parts.join('/'), open: (path: string) => handle(path, path.endsWith('a') || path.endsWith('c')) } as unknown as FileSystem;
    const runner = new EffectRunner(fs, '/wal');
    for (const file of ['a', 'b', 'c']) runner.handle(file);
    const errors = runner.closeAll();
    expect(closed).toEqual(['/wal/a', '/wal/b', '/wal/c']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['close /wal/a failed', 'close /wal/c failed']);
    // Every handle is gone: nothing is closed twice.
    expect(runner.closeAll()).toEqual([]);
    expect(closed).toHaveLength(3);
  });
});
