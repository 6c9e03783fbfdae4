// crash-sim/sim-query.ts: the questions a checker may ask of a simulator's state, so that nothing
// outside crash-sim reads its maps; and an image loads one way, whether a crash or fromImage puts it there.
import { describe, expect, it } from 'vitest';
import { crashSpace } from '../../crash-sim/crash-states.js';
import { bytesOf, filesIn, inodeAt, isDirectory, nameOf, namesIn, nextInode, sizeOf } from '../../crash-sim/sim-query.js';
import { SimFileSystem } from '../../crash-sim/sim-fs.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('the simulator query API', () => {
  it('answers for the live namespace: inode at a path, its name after a rename, its size and bytes', () => {
    const sim = new SimFileSystem();
    sim.mkdirp('/d');
    const handle = sim.open('/d/a', 'create-exclusive');
    handle.write(bytes('hello world'), 0);
    const inode = inodeAt(sim.state, '/d/a');
    expect(inode).not.toBeNull();
    if (inode === null) return;
    expect(sizeOf(sim.state, inode)).toBe(11);
    expect(text(bytesOf(sim.state, inode))).toBe('hello world');
    expect(text(bytesOf(sim.state, inode, 6, 100))).toBe('world');
    expect([text(bytesOf(sim.state, inode, 0, 5)), text(bytesOf(sim.state, inode, 2, 3))]).toEqual(['hello', 'llo']);
    expect(text(bytesOf(sim.state, inode, 20, 5))).toBe('');
    sim.rename('/d/a', '/d/b');
    expect(inodeAt(sim.state, '/d/a')).toBeNull();
    expect(nameOf(sim.state, inode)).toBe('/d/b');
    sim.unlink('/d/b');
    expect(nameOf(sim.state, inode)).toBeNull();
    expect(nextInode(sim.state)).toBe(inode + 1);
  });

  it('names each inode by its own path among many files and directories, and none once unlinked', () => {
    const sim = new SimFileSystem();
    const paths = ['/a', '/d/b', '/d/c', '/e/f/g'];
    sim.mkdirp('/d');
    sim.mkdirp('/e/f');
    for (const path of paths) sim.open(path, 'create-exclusive').write(bytes(path), 0);
    const inodes = paths.map((path) => inodeAt(sim.state, path));
    expect(new Set(inodes).size).toBe(paths.length);
    paths.forEach((path, i) => expect(nameOf(sim.state, inodes[i]!)).toBe(path));
    sim.unlink('/a');
    expect(nameOf(sim.state, inodes[0]!)).toBeNull();
    expect(nameOf(sim.state, inodes[3]!)).toBe('/e/f/g');
  });

  it('lists a directory: filesIn sorted by name with copies of their bytes, namesIn as readdir does', () => {
    const sim = SimFileSystem.fromImage(new SimFileSystem().knobs, new Map([['/w/2', bytes('two')], ['/w/1', bytes('one')]]), ['/w/sub']);
    expect(filesIn(sim.state, '/w').map((f) => [f.name, text(f.bytes)])).toEqual([['1', 'one'], ['2', 'two']]);
    expect(namesIn(sim.state, '/w')?.sort()).toEqual(['1', '2', 'sub']);
    expect(namesIn(sim.state, '/w/1')).toBeNull();
    expect(isDirectory(sim.state, '/w/sub')).toBe(true);
    const first = filesIn(sim.state, '/w')[0];
    if (first !== undefined) first.bytes[0] = 0;
    expect(text(sim.readFile('/w/1'))).toBe('one');
  });

  it('sorts filesIn by name whatever order the files were made in', () => {
    const names = ['m', 'b', 'x', 'a', 'k', 'c', 'z', 'e', 'q', 'd', 'y', 'f'];
    const sim = SimFileSystem.fromImage(new SimFileSystem().knobs, new Map(names.map((n) => [`/w/${n}`, bytes(n)] as const)));
    expect(filesIn(sim.state, '/w').map((f) => f.name)).toEqual([...names].sort());
  });

  it('an image is the same state whether fromImage or a crash loads it: every file durable, one crash state', () => {
    const files = new Map([['/wal/x', bytes('abc')], ['/other/y', bytes('de')]]);
    const loaded = SimFileSystem.fromImage(new SimFileSystem().knobs, files, ['/empty']);
    const crashed = new SimFileSystem();
    crashed.mkdirp('/gone');
    crashed.crashTo(files, ['/empty'], 'a crash');
    for (const sim of [loaded, crashed]) {
      expect(filesIn(sim.state, '/wal').map((f) => text(f.bytes))).toEqual(['abc']);
      expect(filesIn(sim.state, '/other').map((f) => text(f.bytes))).toEqual(['de']);
      expect(isDirectory(sim.state, '/empty')).toBe(true);
      expect(crashSpace(sim.state).total).toBe(1);
    }
    expect(isDirectory(crashed.state, '/gone')).toBe(false);
  });
});
