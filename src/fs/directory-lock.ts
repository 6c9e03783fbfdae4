// The directory lock of the node:fs adapter (FileSystem.lockDirectory): one writer per WAL
// directory, across processes and within one. The lock is a file, `walref.lock`, naming its holder
// (pid, the kernel's start time of that process, host, a token), so a later opener can take over
// the lock of a holder that is provably dead (docs/format.md). Every file it makes appears with
// its whole content or not at all, and two openers that find the same holder dead cannot both
// take its lock over (removeDeadLock).

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FsError, type DirectoryLock } from './port.js';
import { LOCK_FILE_NAME } from '../core/format.js';
import { guarded, pooled, rethrow, type IoMode } from './node-calls.js';

/** What a lock file says about its holder, so a later opener can tell whether it is still alive. */
interface LockOwner {
  readonly pid: number;
  readonly startTicks: string | null;
  readonly host: string;
  readonly token: string;
}

/** The kernel's start time of a process (Linux), so a recycled PID is not mistaken for the holder. */
function processStartTicks(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime) comes after the command name, which is parenthesised and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(owner: LockOwner): boolean {
  if (owner.host !== os.hostname()) return true; // Another machine's process cannot be probed: assume alive.
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as { code?: string }).code !== 'EPERM') return false;
  }
  const ticks = processStartTicks(owner.pid);
  return owner.startTicks === null || ticks === null || ticks === owner.startTicks;
}

function readOwner(lockPath: string): LockOwner | null {
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
  } catch {
    // Unreadable or no JSON: no owner can be told, as for JSON's null.
  }
  // null has no fields to read; any other value without the fields fails the tests below.
  if (parsed === null) return null;
  const p = parsed as Record<string, unknown>;
  if (typeof p['pid'] !== 'number' || typeof p['token'] !== 'string') return null;
  return {
    pid: p['pid'],
    startTicks: typeof p['startTicks'] === 'string' ? p['startTicks'] : null,
    // A lock file without a host was written on this one.
    host: typeof p['host'] === 'string' ? p['host'] : os.hostname(),
    token: p['token'],
  };
}

/** Directories locked by this process: a second open in the same process must fail too. */
const heldInProcess = new Set<string>();

/** Takes the lock; the in-process claim is made before the first await, so two opens cannot race. */
export async function lockDirectory(dir: string, io: IoMode): Promise<DirectoryLock> {
  const key = guarded('realpath', dir, () => fs.realpathSync(dir));
  if (heldInProcess.has(key)) throw new FsError('ELOCKED', 'lock', dir, `${dir} is locked by this process`);
  heldInProcess.add(key);
  try {
    return await lockDirectoryFile(dir, key, io);
  } catch (error) {
    heldInProcess.delete(key);
    throw error;
  }
}

async function lockDirectoryFile(dir: string, key: string, io: IoMode): Promise<DirectoryLock> {
  const lockPath = path.join(key, LOCK_FILE_NAME);
  const me: LockOwner = {
    pid: process.pid,
    startTicks: processStartTicks(process.pid),
    host: os.hostname(),
    token: `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
  };
  const body = JSON.stringify(me);
  // Two attempts: the second only after removing a lock whose holder is provably dead.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await publish(`${lockPath}.${me.token}`, lockPath, body, io);
      // Re-read: the lock is held only by the one whose token is in the file. Since take-overs are
      // claimed (removeDeadLock), nothing should replace a live holder's file after its link; if
      // anything did, this opener must not think it holds the lock.
      if (readOwner(lockPath)?.token !== me.token) break;
      let released = false;
      return {
        dir,
        release: () => {
          if (released) return;
          released = true;
          heldInProcess.delete(key);
          if (readOwner(lockPath)?.token === me.token) guarded('unlink', lockPath, () => fs.unlinkSync(lockPath));
        },
      };
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') rethrow(error, 'lock', lockPath);
      const owner = readOwner(lockPath);
      // An unreadable lock file may be one being written this instant: treat it as held.
      if (owner === null || isAlive(owner)) break;
      if (!(await removeDeadLock(lockPath, owner, me, io))) break;
    }
  }
  throw new FsError('ELOCKED', 'lock', dir, `${dir} is locked by another live writer`);
}

/**
 * Makes `target` appear with `body` as its whole content, or fails with EEXIST when it exists:
 * the body is written and fsynced under a private name, then hard-linked to the target's name.
 * Creating the target and then writing it would let a crash in between leave an empty file, which
 * no later open could ever tell from one being written this instant (walref crash-test found that
 * for the lock file: docs/oracle.md).
 */
async function publish(privatePath: string, target: string, body: string, io: IoMode): Promise<void> {
  const fd = fs.openSync(privatePath, 'wx');
  try {
    fs.writeSync(fd, body);
    if (io === 'blocking') fs.fsyncSync(fd);
    else await pooled<void>('fsync', target, (done) => fs.fsync(fd, (error) => done(error, undefined)));
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(privatePath, target);
  } finally {
    fs.unlinkSync(privatePath);
  }
}

/**
 * Removes the lock file of `dead`, a holder found provably dead, unless another opener is taking it
 * over; true when the lock may be tried again. Removing it on sight is not safe: two openers that
 * both found the holder dead would both remove a file, the slower one the lock the faster one had
 * just put in its place, and both would hold the directory. So only the opener that makes the
 * next take-over claim for that holder (`walref.lock.claim-<digest of its token>-<n>`, published
 * as the lock is) removes it, and only after reading again that the file is still that holder's.
 * Nothing else can remove it meanwhile: the makers of the earlier claims are provably dead, and a
 * later claim is made only once this one's maker is dead. A live claim, or a claim lost to a rival
 * making the same one, leaves the take-over to that rival. The claims are removed afterwards: any
 * opener that claims later finds the holder's file gone, and removes nothing.
 */
async function removeDeadLock(lockPath: string, dead: LockOwner, me: LockOwner, io: IoMode): Promise<boolean> {
  const dir = path.dirname(lockPath);
  const prefix = `${path.basename(lockPath)}.claim-${createHash('sha256').update(dead.token).digest('hex').slice(0, 16)}-`;
  const claims = guarded('readdir', dir, () => fs.readdirSync(dir)).filter((name) => name.startsWith(prefix));
  let next = 0;
  for (const name of claims) {
    const maker = readOwner(path.join(dir, name));
    if (maker === null || isAlive(maker)) return false;
    next = Math.max(next, Number(name.slice(prefix.length)) + 1);
  }
  const claim = path.join(dir, `${prefix}${Number.isSafeInteger(next) ? next : 0}`);
  try {
    await publish(`${lockPath}.${me.token}.claim`, claim, JSON.stringify(me), io);
  } catch (error) {
    if ((error as { code?: string }).code === 'EEXIST') return false;
    rethrow(error, 'lock', claim);
  }
  try {
    if (readOwner(lockPath)?.token === dead.token) guarded('unlink', lockPath, () => fs.unlinkSync(lockPath));
  } finally {
    // The earlier claims are dead makers': one that cannot be removed (a sticky directory, say) is
    // passed over by every later claim, as it was by this one, so it must not fail the open.
    for (const name of claims) removeStaleClaim(path.join(dir, name));
    // This opener's own claim, left behind, would stop every later take-over while it lives.
    removeIfThere(claim);
  }
  return true;
}

function removeIfThere(target: string): void {
  try {
    fs.unlinkSync(target);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') rethrow(error, 'unlink', target);
  }
}

function removeStaleClaim(target: string): void {
  try {
    fs.unlinkSync(target);
  } catch {
    // Passed over (above).
  }
}
