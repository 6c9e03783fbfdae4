// Two openers that take over the same dead holder's lock at once (src/fs/node-fs.ts): each links
// its own lock file in place, and the one whose file was replaced by the other's between its link
// and its re-read must not think it holds the lock. The race is made deterministic by a node:fs
// whose linkSync, for the lock file of one directory, lets the rival's file take its place right
// after the link; and by one whose unlinkSync lets a dead holder's file come back at once.
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { LOCK_FILE_NAME } from '../../../src/core/format.js';
import { blockingNodeFileSystem, nodeFileSystem } from '../../../src/fs/node-fs.js';
import { tempDir } from '../helpers.js';

const race = vi.hoisted(() => ({ lockPath: null as string | null, rival: '', stubbornPath: null as string | null, stubborn: '', takeOvers: 0 }));

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return {
    ...real,
    unlinkSync: (path: string) => {
      real.unlinkSync(path);
      if (path === race.stubbornPath) {
        // A dead holder's lock file that comes back as soon as it is taken over.
        race.takeOvers += 1;
        real.writeFileSync(path, race.stubborn);
      }
    },
    linkSync: (from: string, to: string) => {
      real.linkSync(from, to);
      if (to === race.lockPath) {
        // The rival removed this file and linked its own in its place.
        real.unlinkSync(to);
        real.writeFileSync(to, race.rival);
      }
    },
  };
});

describe("the node file system's lock, taken over by two openers at once", () => {
  for (const [io, fileSystem] of [
    ['non-blocking', nodeFileSystem],
    ['blocking', blockingNodeFileSystem],
  ] as const) {
    it(`is held by the one whose file is in place, not by the one that linked first (io ${io})`, async () => {
      const dir = tempDir('lock-race');
      const lockPath = join(dir, LOCK_FILE_NAME);
      writeFileSync(lockPath, JSON.stringify({ pid: 2 ** 22 + 4321, startTicks: '1', host: hostname(), token: 'dead' }));
      race.lockPath = lockPath;
      race.rival = JSON.stringify({ pid: 1, startTicks: null, host: hostname(), token: 'rival' });
      try {
        await expect(fileSystem.lockDirectory(dir)).rejects.toMatchObject({ errno: 'ELOCKED', message: `${dir} is locked by another live writer` });
      } finally {
        race.lockPath = null;
      }
      expect(readFileSync(lockPath, 'utf8')).toBe(race.rival);
      // The refused attempt left no claim behind: once the rival's file is a dead holder's, the lock is taken.
      writeFileSync(lockPath, JSON.stringify({ pid: 2 ** 22 + 4321, startTicks: '1', host: hostname(), token: 'dead' }));
      (await fileSystem.lockDirectory(dir)).release();
    });
  }
});

describe("the node file system's lock, when the dead holder's file keeps coming back", () => {
  for (const [io, fileSystem] of [
    ['non-blocking', nodeFileSystem],
    ['blocking', blockingNodeFileSystem],
  ] as const) {
    it(`takes it over twice at most, then reports it held (io ${io})`, async () => {
      const dir = tempDir('lock-stubborn');
      const lockPath = join(dir, LOCK_FILE_NAME);
      race.stubborn = JSON.stringify({ pid: 2 ** 22 + 4321, startTicks: '1', host: hostname(), token: 'dead' });
      writeFileSync(lockPath, race.stubborn);
      race.stubbornPath = lockPath;
      race.takeOvers = 0;
      try {
        await expect(fileSystem.lockDirectory(dir)).rejects.toMatchObject({ errno: 'ELOCKED', message: `${dir} is locked by another live writer` });
      } finally {
        race.stubbornPath = null;
      }
      expect(race.takeOvers).toBe(2);
    });
  }
});
