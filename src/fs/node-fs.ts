// The node:fs adapter: the FileSystem port on the real disk, and the only module of walref that
// imports node:fs. Every call is synchronous (see port.ts for why). Node's errors are rethrown as
// FsError carrying the POSIX code, so the shell never has to know what a Node error looks like.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FsError, type DirectoryLock, type FileHandle, type FileSystem, type OpenMode } from './port.js';
import { LOCK_FILE_NAME } from '../core/format.js';

function rethrow(error: unknown, op: string, target: string): never {
  if (error instanceof FsError) throw error;
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : 'EIO';
  throw new FsError(code, op, target, error instanceof Error ? error.message : undefined);
}

function guarded<T>(op: string, target: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    return rethrow(error, op, target);
  }
}

const OPEN_FLAGS: Record<OpenMode, string> = { read: 'r', 'read-write': 'r+', 'create-exclusive': 'wx+' };

class NodeFileHandle implements FileHandle {
  readonly path: string;
  private fd: number;

  constructor(filePath: string, fd: number) {
    this.path = filePath;
    this.fd = fd;
  }

  write(data: Uint8Array, offsetBytes: number): number {
    return guarded('write', this.path, () => fs.writeSync(this.fd, data, 0, data.length, offsetBytes));
  }

  read(offsetBytes: number, lengthBytes: number): Uint8Array {
    return guarded('read', this.path, () => {
      const out = new Uint8Array(lengthBytes);
      let filled = 0;
      while (filled < lengthBytes) {
        const n = fs.readSync(this.fd, out, filled, lengthBytes - filled, offsetBytes + filled);
        if (n === 0) break;
        filled += n;
      }
      return filled === lengthBytes ? out : out.subarray(0, filled);
    });
  }

  datasync(): void {
    guarded('fdatasync', this.path, () => fs.fdatasyncSync(this.fd));
  }

  sync(): void {
    guarded('fsync', this.path, () => fs.fsyncSync(this.fd));
  }

  truncate(sizeBytes: number): void {
    guarded('truncate', this.path, () => fs.ftruncateSync(this.fd, sizeBytes));
  }

  sizeBytes(): number {
    return guarded('fstat', this.path, () => fs.fstatSync(this.fd).size);
  }

  close(): void {
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    guarded('close', this.path, () => fs.closeSync(fd));
  }
}

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
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return null;
    const p = parsed as Record<string, unknown>;
    if (typeof p['pid'] !== 'number' || typeof p['token'] !== 'string') return null;
    return {
      pid: p['pid'],
      startTicks: typeof p['startTicks'] === 'string' ? p['startTicks'] : null,
      host: typeof p['host'] === 'string' ? p['host'] : os.hostname(),
      token: p['token'],
    };
  } catch {
    return null;
  }
}

/** Directories locked by this process: a second open in the same process must fail too. */
const heldInProcess = new Set<string>();

function lockDirectory(dir: string): DirectoryLock {
  const key = guarded('realpath', dir, () => fs.realpathSync(dir));
  if (heldInProcess.has(key)) throw new FsError('ELOCKED', 'lock', dir, `${dir} is locked by this process`);
  const lockPath = path.join(key, LOCK_FILE_NAME);
  const me: LockOwner = {
    pid: process.pid,
    startTicks: processStartTicks(process.pid),
    host: os.hostname(),
    token: `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
  };
  const body = JSON.stringify(me);
  // Two attempts: the second only after removing a lock whose holder is provably dead.
  // The lock file appears with its whole content or not at all: the owner is written and fsynced
  // under a private name, then hard-linked to the lock's name (link fails with EEXIST when it is
  // taken). Creating the lock file and then writing it would let a crash in between leave an
  // empty lock file, which no later open could ever tell from one being written this instant
  // (walref crash-test found that: docs/oracle.md).
  const privatePath = `${lockPath}.${me.token}`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(privatePath, 'wx');
      try {
        fs.writeSync(fd, body);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      try {
        fs.linkSync(privatePath, lockPath);
      } finally {
        fs.unlinkSync(privatePath);
      }
      // Re-read: if two processes raced to take over the same dead holder's lock, only the one
      // whose token is in the file holds it.
      if (readOwner(lockPath)?.token !== me.token) break;
      heldInProcess.add(key);
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
      guarded('unlink', lockPath, () => fs.unlinkSync(lockPath));
    }
  }
  throw new FsError('ELOCKED', 'lock', dir, `${dir} is locked by another live writer`);
}

export const nodeFileSystem: FileSystem = {
  mkdirp: (dir) => void guarded('mkdir', dir, () => fs.mkdirSync(dir, { recursive: true })),
  exists: (target) => fs.existsSync(target),
  isDirectory: (target) => {
    try {
      return fs.statSync(target).isDirectory();
    } catch {
      return false;
    }
  },
  readdir: (dir) => guarded('readdir', dir, () => fs.readdirSync(dir)),
  open: (filePath, mode) => new NodeFileHandle(filePath, guarded('open', filePath, () => fs.openSync(filePath, OPEN_FLAGS[mode]))),
  readFile: (filePath) => guarded('read', filePath, () => new Uint8Array(fs.readFileSync(filePath))),
  rename: (from, to) => guarded('rename', from, () => fs.renameSync(from, to)),
  unlink: (filePath) => guarded('unlink', filePath, () => fs.unlinkSync(filePath)),
  fsyncDir: (dir) =>
    guarded('fsync', dir, () => {
      const fd = fs.openSync(dir, 'r');
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    }),
  lockDirectory,
  join: (...parts) => path.join(...parts),
};
