// crash-sim/sim-state.ts: the empty state, directories made on demand (durable at once, or with
// mkdirSync an entry change of their parent), a directory made again after an rmdir, and an image
// loaded as durable files with fresh inodes.
import { describe, expect, it } from 'vitest';
import { FileContent } from '../../crash-sim/file-content.js';
import { DEFAULT_KNOBS, resolveKnobs } from '../../crash-sim/knobs.js';
import { emptyState, ensureDir, isMutatingOp, loadImage } from '../../crash-sim/sim-state.js';

describe('emptyState', () => {
  it('holds only the root, durable, and hands out inodes from 1', () => {
    const state = emptyState(DEFAULT_KNOBS);
    expect([...state.dirs.keys()]).toEqual(['/']);
    expect([...state.durableDirs]).toEqual(['/']);
    expect(state.files.size).toBe(0);
    expect(state.pendingDirOps).toEqual([]);
    expect(state.nextInode).toBe(1);
    expect(state.removedDirs.size).toBe(0);
    expect(state.knobs).toBe(DEFAULT_KNOBS);
  });
});

describe('ensureDir', () => {
  it('makes every missing parent, under its normal path, durable at once by default', () => {
    const state = emptyState(DEFAULT_KNOBS);
    ensureDir(state, 'a//b/./c/', 3);
    expect([...state.dirs.keys()].sort()).toEqual(['/', '/a', '/a/b', '/a/b/c']);
    expect([...state.durableDirs].sort()).toEqual(['/', '/a', '/a/b', '/a/b/c']);
    expect(state.pendingDirOps).toEqual([]);
  });

  it('with mkdirSync, makes each new directory a pending entry change of its parent', () => {
    const state = emptyState(resolveKnobs({ mkdirSync: true }));
    ensureDir(state, '/a/b', 5);
    expect(state.pendingDirOps).toEqual([
      { seq: 5, kind: 'mkdir', dir: '/', name: 'a', path: '/a' },
      { seq: 5, kind: 'mkdir', dir: '/a', name: 'b', path: '/a/b' },
    ]);
    expect([...state.durableDirs]).toEqual(['/']);
  });

  it('with mkdirSync, still makes a directory durable at once when no op made it (an image being loaded)', () => {
    const state = emptyState(resolveKnobs({ mkdirSync: true }));
    ensureDir(state, '/a');
    expect(state.pendingDirOps).toEqual([]);
    expect(state.durableDirs.has('/a')).toBe(true);
  });

  it('leaves an existing directory as it is', () => {
    const state = emptyState(DEFAULT_KNOBS);
    ensureDir(state, '/a', 0);
    const dir = state.dirs.get('/a');
    dir?.live.set('x', 9);
    ensureDir(state, '/a', 1);
    expect(state.dirs.get('/a')).toBe(dir);
    expect(state.dirs.get('/a')?.live.get('x')).toBe(9);
  });

  it('gives a directory made again the durable entries of the removed one, and no live ones', () => {
    const state = emptyState(DEFAULT_KNOBS);
    state.removedDirs.set('/a', { live: new Map([['old', 4]]), durable: new Map([['old', 4]]) });
    ensureDir(state, '/a', 2);
    expect(state.removedDirs.has('/a')).toBe(false);
    expect([...(state.dirs.get('/a')?.durable ?? [])]).toEqual([['old', 4]]);
    expect(state.dirs.get('/a')?.live.size).toBe(0);
  });
});

describe('loadImage', () => {
  it('loads each file as a new inode, durable and cached alike, with its directories and the listed empty ones', () => {
    const state = emptyState(DEFAULT_KNOBS);
    const second = FileContent.of(new Uint8Array([4, 5]));
    loadImage(state, [['/w/a', new Uint8Array([1, 2, 3])], ['/w/sub/b', second]], ['/empty']);
    expect([...state.dirs.keys()].sort()).toEqual(['/', '/empty', '/w', '/w/sub']);
    expect(state.nextInode).toBe(3);
    expect([...(state.dirs.get('/w')?.live ?? [])]).toEqual([['a', 1]]);
    expect([...(state.dirs.get('/w')?.durable ?? [])]).toEqual([['a', 1]]);
    expect([...(state.dirs.get('/w/sub')?.durable ?? [])]).toEqual([['b', 2]]);
    const a = state.files.get(1);
    expect([...(a?.base.toBytes() ?? [])]).toEqual([1, 2, 3]);
    expect(a?.cache).toBe(a?.base);
    expect(a?.pieces).toEqual([]);
    expect(a?.version).toBe(0);
    // A content is taken as it is, not copied.
    expect(state.files.get(2)?.base).toBe(second);
  });
});

describe('isMutatingOp', () => {
  it('counts every op but a mark', () => {
    expect(isMutatingOp({ kind: 'mark' })).toBe(false);
    for (const kind of ['write', 'fsync', 'create', 'crash', 'syncAll'] as const) expect(isMutatingOp({ kind })).toBe(true);
  });
});
