// The directory lock of the node:fs adapter (src/fs/node-fs.ts), checked directly on the real
// disk in both I/O modes. The lock file names its holder (pid, the kernel's start time of that
// process, host, a token); a later opener takes it over only when that holder is provably dead: no
// such process, or a process of that pid that started at another time (a recycled pid). A holder
// on another host, one whose start time is unknown, a live one, and a lock file that cannot be
// read (it may be being written this instant) all keep the lock held. release() removes only the
// lock file that is still its own, once, and the directory can be locked again after it or after
// a refused attempt.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { LOCK_FILE_NAME } from '../../../src/core/format.js';
import { blockingNodeFileSystem, nodeFileSystem } from '../../../src/fs/node-fs.js';
import { openDescriptors, tempDir } from '../helpers.js';

/** Field 22 of /proc/<pid>/stat, the process's start time in clock ticks. */
function startTicks(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
}

/** A pid that no process holds: a child that has exited. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid!;

const lockFile = (dir: string): string => join(dir, LOCK_FILE_NAME);
const owner = (dir: string): { pid: number; startTicks: string | null; host: string; token: string } => JSON.parse(readFileSync(lockFile(dir), 'utf8'));

for (const [io, fileSystem] of [
  ['non-blocking', nodeFileSystem],
  ['blocking', blockingNodeFileSystem],
] as const) {
  describe(`the node file system's directory lock (io ${io})`, () => {
    it('writes a lock file naming this process, leaves no other file, and refuses a second lock in the same process', async () => {
      const dir = tempDir('lock');
      const lock = await fileSystem.lockDirectory(dir);
      expect(lock.dir).toBe(dir);
      expect(readdirSync(dir)).toEqual([LOCK_FILE_NAME]);
      // The lock is the file, not a descriptor held open.
      expect(openDescriptors((target) => target.startsWith(`${dir}/`))).toBe(0);
      const held = owner(dir);
      expect(held).toMatchObject({ pid: process.pid, startTicks: startTicks(process.pid), host: hostname() });
      expect(held.token).toMatch(new RegExp(`^${process.pid}-\\d+-[0-9a-z]+$`));
      await expect(fileSystem.lockDirectory(dir)).rejects.toMatchObject({ errno: 'ELOCKED', op: 'lock', message: `${dir} is locked by this process` });
      lock.release();
      expect(existsSync(lockFile(dir))).toBe(false);
      // Released twice: the second does nothing, even when the directory is locked again meanwhile.
      const again = await fileSystem.lockDirectory(dir);
      lock.release();
      expect(owner(dir).token).not.toBe(held.token);
      expect(existsSync(lockFile(dir))).toBe(true);
      await expect(fileSystem.lockDirectory(dir)).rejects.toMatchObject({ errno: 'ELOCKED', message: `${dir} is locked by this process` });
      again.release();
      expect(existsSync(lockFile(dir))).toBe(false);
    });

    it('takes over the lock of a holder that is provably dead: no such process, or its pid recycled', async () => {
      for (const holder of [
        { pid: deadPid(), startTicks: '12345', host: hostname(), token: 'gone' },
        { pid: 1, startTicks: `${startTicks(1)}0`, host: hostname(), token: 'recycled' },
        // A lock file without a host was written on this one.
        { pid: deadPid(), token: 'no host' },
      ]) {
        const dir = tempDir('lock-dead');
        writeFileSync(lockFile(dir), JSON.stringify(holder));
        const lock = await fileSystem.lockDirectory(dir);
        expect(owner(dir)).toMatchObject({ pid: process.pid });
        expect(readdirSync(dir)).toEqual([LOCK_FILE_NAME]);
        lock.release();
      }
    });

    it('keeps the lock held for a live holder, one on another host, one whose start time is unknown, and a lock file it cannot read', async () => {
      const alive = { pid: 1, startTicks: startTicks(1), host: hostname(), token: 'alive' };
      const contents = [
        JSON.stringify(alive),
        JSON.stringify({ ...alive, startTicks: null }),
        JSON.stringify({ pid: 1, token: 'no start time, no host' }),
        JSON.stringify({ pid: deadPid(), startTicks: '1', host: 'another-machine', token: 'remote' }),
        '',
        '{"pid": 1, "tok',
        'null',
        '7',
        JSON.stringify({ pid: '1', token: 'pid as text' }),
        JSON.stringify({ pid: 'not a pid', token: 'pid as words' }),
        JSON.stringify({ pid: deadPid(), token: 42 }),
      ];
      for (const content of contents) {
        const dir = tempDir('lock-held');
        writeFileSync(lockFile(dir), content);
        await expect(fileSystem.lockDirectory(dir), content).rejects.toMatchObject({ errno: 'ELOCKED', op: 'lock', path: dir, message: `${dir} is locked by another live writer` });
        // Refused: the file is as it was, nothing else is left, and the directory can be locked once the file is gone.
        expect(readFileSync(lockFile(dir), 'utf8')).toBe(content);
        expect(readdirSync(dir)).toEqual([LOCK_FILE_NAME]);
        writeFileSync(lockFile(dir), JSON.stringify({ pid: deadPid(), startTicks: '1', host: hostname(), token: 'gone' }));
        (await fileSystem.lockDirectory(dir)).release();
      }
    });

    it('keeps the lock of a holder it may not signal or whose start time it cannot read, and takes it over from one the kernel says is gone', async () => {
      // process.kill answers for a made-up pid above Linux's largest (so /proc has no entry for
      // it): EPERM is a live process of another user, ESRCH none at all.
      const pid = 4_194_304 + 7;
      const signal = process.kill.bind(process);
      const fail = (code: string) => () => {
        throw Object.assign(new Error(`kill ${pid}: ${code}`), { code });
      };
      for (const { answer, held } of [
        { answer: fail('EPERM'), held: true },
        { answer: (): true => true, held: true },
        { answer: fail('ESRCH'), held: false },
        { answer: fail('EINVAL'), held: false },
      ]) {
        const kill = vi.spyOn(process, 'kill').mockImplementation((target, code) => (target === pid ? answer() : signal(target, code)));
        try {
          const dir = tempDir('lock-signal');
          writeFileSync(lockFile(dir), JSON.stringify({ pid, startTicks: '1', host: hostname(), token: 'probed' }));
          if (held) {
            await expect(fileSystem.lockDirectory(dir)).rejects.toMatchObject({ errno: 'ELOCKED', message: `${dir} is locked by another live writer` });
          } else {
            (await fileSystem.lockDirectory(dir)).release();
            expect(existsSync(lockFile(dir))).toBe(false);
          }
          expect(kill).toHaveBeenCalledWith(pid, 0);
        } finally {
          kill.mockRestore();
        }
      }
    });

    it('does not remove a lock file that is no longer its own when released', async () => {
      const dir = tempDir('lock-replaced');
      const lock = await fileSystem.lockDirectory(dir);
      const other = JSON.stringify({ pid: 1, startTicks: startTicks(1), host: hostname(), token: 'someone-else' });
      writeFileSync(lockFile(dir), other);
      lock.release();
      expect(readFileSync(lockFile(dir), 'utf8')).toBe(other);
    });

    it('reports a lock it cannot write as the I/O error, not as a lock held', async () => {
      // A path so long that the lock file's name fits and its private twin's does not.
      let dir = tempDir('lock-long');
      while (dir.length < 4000) dir = join(dir, 'd'.repeat(200));
      mkdirSync(dir, { recursive: true });
      await expect(fileSystem.lockDirectory(dir)).rejects.toMatchObject({ errno: 'ENAMETOOLONG', op: 'lock' });
      expect(readdirSync(dir)).toEqual([]);
    });

    it('reports a directory that does not exist as the realpath failure', async () => {
      const dir = join(tempDir('lock-missing'), 'absent');
      await expect(fileSystem.lockDirectory(dir)).rejects.toMatchObject({ errno: 'ENOENT', op: 'realpath', path: dir });
    });
  });
}
