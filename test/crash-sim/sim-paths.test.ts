// crash-sim/sim-paths.ts: every spelling of a simulated path names one entry. normalizePath agrees
// with POSIX resolution from '/' (node:path's posix.resolve), on its fast path and its slow one;
// splitPath and joinPath are inverses, and '/' is its own parent.
import { posix } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { joinPath, normalizePath, parentOf, splitPath } from '../../crash-sim/sim-paths.js';

// Segments that exercise every rule: empty (a doubled or trailing '/'), '.', '..', and names that
// start with a dot without being '.' or '..'.
const segment = fc.constantFrom('', '.', '..', 'a', 'b', '...', '.a', 'wal');
const path = fc.tuple(fc.boolean(), fc.array(segment, { maxLength: 6 })).map(([absolute, parts]) => (absolute ? '/' : '') + parts.join('/'));

describe('normalizePath', () => {
  it('agrees with POSIX resolution from the root, and a normal path is its own normal form', () => {
    fc.assert(
      fc.property(path, (p) => {
        const normal = normalizePath(p);
        expect(normal).toBe(posix.resolve('/', p));
        expect(normalizePath(normal)).toBe(normal);
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['/', '/'],
    ['', '/'],
    ['/wal', '/wal'],
    ['/wal/', '/wal'],
    ['wal/x', '/wal/x'],
    ['/wal//x', '/wal/x'],
    ['/wal/./x', '/wal/x'],
    ['/wal/../x', '/x'],
    ['/..', '/'],
    ['/../..', '/'],
    ['/wal/.hidden', '/wal/.hidden'],
    ['/wal/...', '/wal/...'],
  ])('%j is %j', (input, normal) => {
    expect(normalizePath(input)).toBe(normal);
  });
});

describe('splitPath, joinPath and parentOf', () => {
  it.each([
    ['/wal/x', '/wal', 'x'],
    ['/x', '/', 'x'],
    ['/a/b/c', '/a/b', 'c'],
    ['a//b/', '/a', 'b'],
  ])('%j splits into %j and %j', (input, dir, name) => {
    expect(splitPath(input)).toEqual({ dir, name });
  });

  it('joins a directory and a name back into the normal path they came from', () => {
    fc.assert(
      fc.property(path, (p) => {
        const normal = normalizePath(p);
        if (normal === '/') return;
        const { dir, name } = splitPath(normal);
        expect(joinPath(dir, name)).toBe(normal);
        expect(parentOf(normal)).toBe(dir);
      }),
      { numRuns: 300 },
    );
  });

  it('joins a name into the root without doubling the slash', () => {
    expect(joinPath('/', 'x')).toBe('/x');
    expect(joinPath('/wal', 'x')).toBe('/wal/x');
  });

  it('makes the root its own parent', () => {
    expect(parentOf('/')).toBe('/');
    expect(splitPath('/')).toEqual({ dir: '/', name: '' });
  });
});
