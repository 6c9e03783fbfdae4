// Two openers that take over the same dead holder's lock at once (src/fs/node-fs.ts): each links
// its own lock file in place, and the one whose file was replaced by the other's between its link
// and its re-read must not think it holds the lock. The race is made deterministic by a node:fs
// whose linkSync, for the lock file of one directory, lets the rival's file take its place right
// after the link; by one whose unlinkSync lets a dead holder's file come back at once; and by one
// whose readdirSync (the take-over's look for claims) or claim link lets a rival act first.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { LOCK_FILE_NAME } from '../../../src/core/format.js';
import { blockingNodeFileSystem, nodeFileSystem } from '../../../src/fs/node-fs.js';
import { tempDir } from '../helpers.js';

const race = vi.hoisted(() => ({
  lockPath: null as string | null,
  rival: '',
  stubbornPath: null as string | null,
  stubborn: '',
  takeOvers: 0,
  /** The directory whose take-over look for claims lets the rival's lock replace the dead one first. */
  takenOverIn: null as string | null,
  /** The directory whose next take-over claim the rival makes first. */
  claimedIn: null as string | null,
  /** The directory whose take-over claim cannot be linked, and the error code its link fails with. */
  claimFailsIn: null as { dir: string; code: string } | null,
  /** Files whose unlink fails: with ENOENT after a rival removed them first, or with another code. */
  unlinkFails: new Map<string, string>(),
}));

const failure = (code: string, syscall: string, path: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: ${syscall} '${path}'`), { code, syscall, path });

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return {
    ...real,
    unlinkSync: (path: string) => {
      const code = race.unlinkFails.get(path);
      if (code === 'ENOENT') real.unlinkSync(path);
      if (code !== undefined) throw failure(code, 'unlink', path);
      real.unlinkSync(path);
      if (path === race.stubbornPath) {
        // A dead holder's lock file that comes back as soon as it is taken over.
        race.takeOvers += 1;
        real.writeFileSync(path, race.stubborn);
      }
    },
    readdirSync: (dir: string) => {
      if (dir === race.takenOverIn) {
        // A rival found the same holder dead, took its lock over and holds it, just before this look.
        real.unlinkSync(`${dir}/walref.lock`);
        real.writeFileSync(`${dir}/walref.lock`, race.rival);
        race.takenOverIn = null;
      }
      return real.readdirSync(dir);
    },
    linkSync: (from: string, to: string) => {
      if (race.claimFailsIn !== null && to.startsWith(`${race.claimFailsIn.dir}/walref.lock.claim-`)) throw failure(race.claimFailsIn.code, 'link', to);
      if (race.claimedIn !== null && to.startsWith(`${race.claimedIn}/walref.lock.claim-`)) real.writeFileSync(to, race.rival);
      real.linkSync(from, to);
      if (to === race.lockPath) {
        // The rival removed this file and linked its own in its place.
        real.unlinkSync(to);
        real.writeFileSync(to, race.rival);
      }
    },
  };
});

/** A lock file whose holder is provably dead (no process has that pid), and one a live process (init) holds. */
const deadHolder = JSON.stringify({ pid: 2 ** 22 + 4321, startTicks: '1', host: hostname(), token: 'dead' });
const liveRival = JSON.stringify({ pid: 1, startTicks: null, host: hostname(), token: 'rival' });
/** The lock file of an earlier claimer that died too (a pid no process has). */
const deadClaimer = (n: number): string => JSON.stringify({ pid: 2 ** 22 + 4322 + n, startTicks: '1', host: hostname(), token: `claimer ${n}` });

describe("the node file system's lock, taken over by two openers at once", () => {
  for (const [io, fileSystem] of [
    ['non-blocking', nodeFileSystem],
    ['blocking', blockingNodeFileSystem],
  ] as const) {
    it(`is held by the one whose file is in place, not by the one that linked first (io ${io})`, async () => {
      const dir = tempDir('lock-race');
      const lockPath = join(dir, LOCK_FILE_NAME);
      writeFileSync(lockPath, deadHolder);
      race.lockPath = lockPath;
      race.rival = liveRival;
      try {
        await expect(fileSystem.lockDirectory(dir)).rejects.toMatchObject({ errno: 'ELOCKED', message: `${dir} is locked by another live writer` });
      } finally {
        race.lockPath = null;
      }
      expect(readFileSync(lockPath, 'utf8')).toBe(race.rival);
      // The refused attempt left no claim behind: once the rival's file is a dead holder's, the lock is taken.
      writeFileSync(lockPath, deadHolder);
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
      race.stubborn = deadHolder;
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

/** The name of a take-over claim of the holder whose token is `token` (docs/format.md). */
const claimName = (token: string, n: number): string => `${LOCK_FILE_NAME}.claim-${createHash('sha256').update(token).digest('hex').slice(0, 16)}-${n}`;

describe("the node file system's lock, when another opener found the same holder dead", () => {
  for (const [io, fileSystem] of [
    ['non-blocking', nodeFileSystem],
    ['blocking', blockingNodeFileSystem],
  ] as const) {
    it(`never removes the lock the faster opener put in the dead holder's place (io ${io})`, async () => {
      const dir = tempDir('lock-slower');
      const lockPath = join(dir, LOCK_FILE_NAME);
      writeFileSync(lockPath, deadHolder);
      race.takenOverIn = dir;
      race.rival = liveRival;
      try {
        await expect(fileSystem.lockDirectory(dir)).rejects.toMatchObject({ errno: 'ELOCKED', message: `${dir} is locked by another live writer` });
      } finally {
        race.takenOverIn = null;
      }
      expect(readFileSync(lockPath, 'utf8')).toBe(liveRival);
      expect(readdirSync(dir)).toEqual([LOCK_FILE_NAME]);
    });

    it(`leaves the take-over to a live opener's claim, and to a rival that makes the same claim first (io ${io})`, async () => {
      const dir = tempDir('lock-claimed');
      const lockPath = join(dir, LOCK_FILE_NAME);
      writeFileSync(lockPath, deadHolder);
      writeFileSync(join(dir, claimName('dead', 0)), liveRival);
      await expect(fileSystem.lockDirectory(dir)).rejects.toMatchObject({ errno: 'ELOCKED' });
      expect(readdirSync(dir).sort()).toEqual([LOCK_FILE_NAME, claimName('dead', 0)]);
      // The live claim gone, the rival makes the next claim first.
      writeFileSync(join(dir, claimName('dead', 0)), deadHolder);
      race.claimedIn = dir;
      race.rival = liveRival;
      try {
        await expect(fileSystem.lockDirectory(dir)).rejects.toMatchObject({ errno: 'ELOCKED' });
      } finally {
        race.claimedIn = null;
      }
      expect(readFileSync(lockPath, 'utf8')).toBe(deadHolder);
      expect(readdirSync(dir).sort()).toEqual([LOCK_FILE_NAME, claimName('dead', 0), claimName('dead', 1)]);
    });

    it(`reports a claim it cannot publish (ENOSPC) with the claim's name, and takes nothing over (io ${io})`, async () => {
      const dir = tempDir('lock-claim-fails');
      const lockPath = join(dir, LOCK_FILE_NAME);
      writeFileSync(lockPath, deadHolder);
      race.claimFailsIn = { dir, code: 'ENOSPC' };
      try {
        await expect(fileSystem.lockDirectory(dir)).rejects.toMatchObject({ name: 'FsError', errno: 'ENOSPC', op: 'lock', path: join(dir, claimName('dead', 0)) });
      } finally {
        race.claimFailsIn = null;
      }
      expect(readdirSync(dir)).toEqual([LOCK_FILE_NAME]);
      expect(readFileSync(lockPath, 'utf8')).toBe(deadHolder);
    });

    it(`takes over when a dead claimer's claim cannot be removed (a rival removed it first, or EACCES), which later claims pass over (io ${io})`, async () => {
      for (const code of ['ENOENT', 'EACCES']) {
        const dir = tempDir(`lock-claim-unlink-${code}`);
        writeFileSync(join(dir, LOCK_FILE_NAME), deadHolder);
        const stale = join(dir, claimName('dead', 0));
        writeFileSync(stale, deadClaimer(0));
        race.unlinkFails.set(stale, code);
        try {
          const lock = await fileSystem.lockDirectory(dir);
          expect(JSON.parse(readFileSync(join(dir, LOCK_FILE_NAME), 'utf8'))).toMatchObject({ pid: process.pid });
          // This opener's own claim is gone; only the claim that could not be removed stays.
          expect(readdirSync(dir).sort()).toEqual(code === 'ENOENT' ? [LOCK_FILE_NAME] : [LOCK_FILE_NAME, claimName('dead', 0)]);
          lock.release();
        } finally {
          race.unlinkFails.clear();
        }
      }
    });

    it(`takes over when its own claim was removed before it got to it (ENOENT) (io ${io})`, async () => {
      const dir = tempDir('lock-own-claim-gone');
      writeFileSync(join(dir, LOCK_FILE_NAME), deadHolder);
      race.unlinkFails.set(join(dir, claimName('dead', 0)), 'ENOENT');
      try {
        (await fileSystem.lockDirectory(dir)).release();
      } finally {
        race.unlinkFails.clear();
      }
      expect(readdirSync(dir)).toEqual([]);
    });

    it(`reports its own claim when it cannot remove it (EIO), naming it (io ${io})`, async () => {
      const dir = tempDir('lock-own-claim-eio');
      writeFileSync(join(dir, LOCK_FILE_NAME), deadHolder);
      const own = join(dir, claimName('dead', 0));
      race.unlinkFails.set(own, 'EIO');
      try {
        await expect(fileSystem.lockDirectory(dir)).rejects.toMatchObject({ name: 'FsError', errno: 'EIO', op: 'unlink', path: own });
      } finally {
        race.unlinkFails.clear();
      }
      // A rival removed it since: the next open takes the directory (its holder's file is gone).
      rmSync(own);
      (await fileSystem.lockDirectory(dir)).release();
    });

    it(`takes over from a holder whose earlier claimers died too, and leaves no claim behind (io ${io})`, async () => {
      const dir = tempDir('lock-dead-claims');
      writeFileSync(join(dir, LOCK_FILE_NAME), deadHolder);
      for (const n of [0, 3]) writeFileSync(join(dir, claimName('dead', n)), deadClaimer(n));
      const lock = await fileSystem.lockDirectory(dir);
      expect(JSON.parse(readFileSync(join(dir, LOCK_FILE_NAME), 'utf8'))).toMatchObject({ pid: process.pid });
      expect(readdirSync(dir)).toEqual([LOCK_FILE_NAME]);
      lock.release();
      expect(existsSync(join(dir, LOCK_FILE_NAME))).toBe(false);
    });
  }
});
