// A description of the machine a run happened on, so a table is never read without its context.

import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';

export interface MachineInfo {
  readonly cpuModel: string;
  readonly nproc: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly kernel: string;
  /** File system type, source device and mount options of the data directory. */
  readonly fileSystem: string;
  /** The data directory's block device as lsblk describes it (rotational flag, size, model). */
  readonly disk: string;
  readonly loadAverage1m: number;
}

function tryRun(command: string, args: readonly string[]): string | null {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** The file system type of the directory (e.g. "ext4"), or null when findmnt is missing. */
export function fileSystemType(dir: string): string | null {
  return tryRun('findmnt', ['-n', '-o', 'FSTYPE', '-T', dir]);
}

export function describeMachine(dataDir: string): MachineInfo {
  const mount = tryRun('findmnt', ['-n', '-o', 'FSTYPE,SOURCE,OPTIONS', '-T', dataDir]) ?? 'unknown';
  const source = mount.split(/\s+/)[1] ?? '';
  const disk = source.startsWith('/dev/')
    ? (tryRun('lsblk', ['-d', '-n', '-o', 'NAME,ROTA,SIZE,MODEL', source]) ?? 'unknown')
    : 'unknown';
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    nproc: cpus().length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    kernel: release(),
    fileSystem: mount.replace(/\s+/g, ' '),
    disk: disk.replace(/\s+/g, ' '),
    loadAverage1m: loadavg()[0] ?? Number.NaN,
  };
}
