// crash-sim/dir-ops.ts: where a path goes when a directory above it is renamed, and what a rename
// of a directory does to the entries and the directories that exist (the crash-time replay of it).
import { describe, expect, it } from 'vitest';
import { applyDirOp, movedPath, rebaseDirOp } from '../../crash-sim/dir-ops.js';

describe('directory-entry changes', () => {
  it('a rename of a directory moves the directory itself and every path under it, and nothing else', () => {
    expect(movedPath('/a', '/a', '/b')).toBe('/b');
    expect(movedPath('/a/f', '/a', '/b')).toBe('/b/f');
    expect(movedPath('/a/x/y', '/a', '/m/n')).toBe('/m/n/x/y');
    // A sibling whose name starts with the same letters, a parent, and a path ending in the name are not under it.
    expect(movedPath('/ab/f', '/a', '/b')).toBeNull();
    expect(movedPath('/', '/a', '/b')).toBeNull();
    expect(movedPath('/x/a', '/a', '/b')).toBeNull();
  });

  it('applying a directory rename carries the entries of the directory and of those below it to their new paths', () => {
    const dirs = new Map<string, Map<string, number>>([
      ['/', new Map([['a', 0]])],
      ['/a', new Map([['f', 1]])],
      ['/a/sub', new Map([['g', 2]])],
      ['/ab', new Map([['h', 3]])],
    ]);
    const existing = new Set(['/', '/a', '/a/sub', '/ab']);
    applyDirOp(dirs, { seq: 1, kind: 'renameDir', fromDir: '/', fromName: 'a', toDir: '/', toName: 'z', from: '/a', to: '/z' }, existing);
    const entries = Object.fromEntries([...dirs].filter(([, names]) => names.size > 0).map(([dir, names]) => [dir, Object.fromEntries(names)]));
    expect(entries).toMatchObject({ '/z': { f: 1 }, '/z/sub': { g: 2 }, '/ab': { h: 3 } });
    expect(entries).not.toHaveProperty('/a');
    expect(entries).not.toHaveProperty('/a/sub');
    expect([...existing].sort()).toEqual(['/', '/ab', '/z', '/z/sub']);
  });

  it('an undecided mkdir or rmdir follows a rename of a directory above it: the renamed directory takes the new name, one below it keeps its own', () => {
    const mkdir = (path: string, dir: string, name: string) => ({ seq: 1, kind: 'mkdir' as const, dir, name, path });
    expect(rebaseDirOp(mkdir('/a', '/', 'a'), '/a', '/z')).toEqual(mkdir('/z', '/', 'z'));
    expect(rebaseDirOp(mkdir('/a/sub', '/a', 'sub'), '/a', '/z')).toEqual(mkdir('/z/sub', '/z', 'sub'));
    expect(rebaseDirOp({ ...mkdir('/a/sub', '/a', 'sub'), kind: 'rmdir' }, '/a', '/z')).toEqual({ ...mkdir('/z/sub', '/z', 'sub'), kind: 'rmdir' });
    expect(rebaseDirOp(mkdir('/b', '/', 'b'), '/a', '/z')).toEqual(mkdir('/b', '/', 'b'));
  });
});
