// Which entry changes a directory fsync makes durable, under --dir-sync (the default): a create,
// a rename and an unlink in three directories (--dir itself, sub, sub/deep), then an fsync of one
// of them, reached by every way a program opens a directory. In every crash state after it, the
// changes in the fsynced directory are there; the changes in each other directory may each be
// lost; an fsync of a file makes no entry durable; without --dir-sync every change is durable at once.
import { describe, expect, it } from 'vitest';
import { stateAfter } from '../../../crash-sim/apply-op.js';
import { crashSpace, enumerateCrashStates } from '../../../crash-sim/crash-states.js';
import { resolveKnobs } from '../../../crash-sim/knobs.js';
import { buildSyscallHistory } from '../../../oracle/crash-test/syscall-history.js';
import { parseTrace } from '../../../oracle/crash-test/strace-parse.js';

const DIRS = ['', 'sub', 'sub/deep'] as const;
const at = (dir: string, name: string): string => (dir === '' ? name : `${dir}/${name}`);
const real = (dir: string): string => (dir === '' ? '/d' : `/d/${dir}`);

/** In every directory: a file it held (durable) renamed, another unlinked, a new one created. */
const CHANGES = DIRS.flatMap((dir) => [
  `1  openat(AT_FDCWD</w>, "${real(dir)}/f", O_WRONLY|O_CREAT, 0644) = 7<${real(dir)}/f>`,
  `1  close(7<${real(dir)}/f>) = 0`,
  `1  rename("${real(dir)}/old", "${real(dir)}/new") = 0`,
  `1  unlink("${real(dir)}/gone") = 0`,
]);

/** Ways to open a directory for its fsync: the fd is 9 in each. */
const OPENS: Readonly<Record<string, (dir: string) => string[]>> = {
  'openat(AT_FDCWD, path, O_DIRECTORY)': (dir) => [`1  openat(AT_FDCWD</w>, "${real(dir)}", O_RDONLY|O_DIRECTORY) = 9<${real(dir)}>`],
  'open(path, O_RDONLY)': (dir) => [`1  open("${real(dir)}", O_RDONLY) = 9<${real(dir)}>`],
  'openat relative to a dirfd of --dir': (dir) => [
    '1  openat(AT_FDCWD</w>, "/d", O_RDONLY|O_DIRECTORY) = 8</d>',
    `1  openat(8</d>, "${dir === '' ? '.' : dir}", O_RDONLY|O_DIRECTORY|O_CLOEXEC) = 9<${real(dir)}>`,
  ],
  'openat relative to the cwd after chdir': (dir) => ['1  chdir("/d") = 0', `1  openat(AT_FDCWD</d>, "${dir === '' ? '.' : dir}", O_RDONLY|O_DIRECTORY) = 9<${real(dir)}>`],
};

/** The sets of paths a crash after the last call may leave, and whether each path is in all, some or none of them. */
function fates(lines: readonly string[], dirSync: boolean): (path: string) => 'always' | 'sometimes' | 'never' {
  const knobs = resolveKnobs({ dirSync });
  const files = new Map(DIRS.flatMap((dir) => ['old', 'gone'].map((name) => [at(dir, name), new TextEncoder().encode(name)] as const)));
  const { calls, unparsed } = parseTrace(lines.join('\n'), { stdoutPath: '/t/out' });
  expect(unparsed).toEqual([]);
  const h = buildSyscallHistory(calls, { dataDir: '/d', stdoutPath: '/t/out', cwd: '/w', knobs, initial: { files, dirs: ['sub', 'sub/deep'] } });
  expect(h.unmodelled).toEqual([]);
  const result = enumerateCrashStates(crashSpace(stateAfter(knobs, h.ops, h.ops.length)), { maxStates: 100_000, seed: 1 });
  expect(result.exhaustive).toBe(true);
  const images = result.states.map((s) => new Set(s.files.keys()));
  return (path) => {
    const count = images.filter((image) => image.has(`/${path}`)).length;
    return count === images.length ? 'always' : count === 0 ? 'never' : 'sometimes';
  };
}

describe('a directory fsync makes the entry changes in that directory durable, and no others', () => {
  for (const [how, open] of Object.entries(OPENS)) {
    it.each(DIRS.map((d) => [d === '' ? '--dir itself' : d, d]))(`fsync of %s, opened by ${how}`, (_name, synced) => {
      const fate = fates([...CHANGES, ...open(synced), `1  fsync(9<${real(synced)}>) = 0`], true);
      for (const dir of DIRS) {
        const expected = dir === synced ? { f: 'always', new: 'always', old: 'never', gone: 'never' } : { f: 'sometimes', new: 'sometimes', old: 'sometimes', gone: 'sometimes' };
        expect({ dir, f: fate(at(dir, 'f')), new: fate(at(dir, 'new')), old: fate(at(dir, 'old')), gone: fate(at(dir, 'gone')) }).toEqual({ dir, ...expected });
      }
    });
  }

  it('an fsync or fdatasync of a file makes no entry change durable, not even its own create', () => {
    for (const call of ['fsync', 'fdatasync']) {
      const fate = fates([...CHANGES, '1  openat(AT_FDCWD</w>, "/d/sub/f", O_WRONLY) = 9</d/sub/f>', `1  ${call}(9</d/sub/f>) = 0`], true);
      for (const dir of DIRS) for (const name of ['f', 'new', 'old', 'gone']) expect([call, at(dir, name), fate(at(dir, name))]).toEqual([call, at(dir, name), 'sometimes']);
    }
  });

  it('a failed directory fsync makes nothing durable', () => {
    const fate = fates([...CHANGES, ...(OPENS['open(path, O_RDONLY)'] as (d: string) => string[])('sub'), '1  fsync(9</d/sub>) = -1 EIO (Input/output error)'], true);
    for (const name of ['f', 'new', 'old', 'gone']) expect([name, fate(at('sub', name))]).toEqual([name, 'sometimes']);
  });

  it('without --dir-sync every entry change is durable at once', () => {
    const fate = fates(CHANGES, false);
    for (const dir of DIRS) expect([fate(at(dir, 'f')), fate(at(dir, 'new')), fate(at(dir, 'old')), fate(at(dir, 'gone'))]).toEqual(['always', 'always', 'never', 'never']);
  });
});
