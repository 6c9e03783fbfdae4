// `npx tsx bench/probe-per-commit.ts [durationMs] [non-blocking|blocking]`: where a durable commit's
// time goes. Runs the raw append + fdatasync loop and walref's per-commit recorder loop with the
// given `io` mode (each for durationMs, in this one process, raw first), timing the write and the
// fdatasync system calls directly around the FileSystem port, and prints per commit: total,
// write, fdatasync (in blocking mode with its one event-loop turn), and the rest (JavaScript). A
// CPU profile attributes blocking native calls loosely; this measures them.

import { closeSync, fdatasyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { blockingNodeFileSystem, nodeFileSystem } from '../src/fs/node-fs.js';
import type { FileHandle, FileSystem } from '../src/fs/port.js';
import { openWal } from '../src/index.js';
import { makeEvent } from './lib/payload.js';

const durationMs = Number(process.argv[2] ?? 3000);
const io = process.argv[3] ?? 'non-blocking';
if (io !== 'non-blocking' && io !== 'blocking') throw new Error(`io must be non-blocking or blocking, got ${io}`);
const adapter = io === 'blocking' ? blockingNodeFileSystem : nodeFileSystem;
const dir = join('bench', 'data', `probe-${process.pid}`);
mkdirSync(dir, { recursive: true });

interface Split {
  commits: number;
  totalMs: number;
  writeMs: number;
  syncMs: number;
}

function report(name: string, split: Split): void {
  const per = (ms: number): string => ((ms * 1000) / split.commits).toFixed(1).padStart(6);
  const rest = split.totalMs - split.writeMs - split.syncMs;
  process.stdout.write(
    `${name.padEnd(18)} ${String(split.commits).padStart(7)} commits  µs per commit: total ${per(split.totalMs)}` +
      `  write ${per(split.writeMs)}  fdatasync ${per(split.syncMs)}  rest ${per(rest)}\n`,
  );
}

function rawLoop(): Split {
  const fd = openSync(join(dir, 'raw.log'), 'w');
  const record = makeEvent(1);
  const split: Split = { commits: 0, totalMs: 0, writeMs: 0, syncMs: 0 };
  const start = performance.now();
  while (performance.now() - start < durationMs) {
    const a = performance.now();
    writeSync(fd, record);
    const b = performance.now();
    fdatasyncSync(fd);
    split.syncMs += performance.now() - b;
    split.writeMs += b - a;
    split.commits += 1;
  }
  split.totalMs = performance.now() - start;
  closeSync(fd);
  return split;
}

/** The node adapter with its write and datasync timed into `split`. */
function timedFileSystem(split: Split): FileSystem {
  const timed = (handle: FileHandle): FileHandle => ({
    path: handle.path,
    write: (data, offsetBytes) => {
      const a = performance.now();
      const written = handle.write(data, offsetBytes);
      split.writeMs += performance.now() - a;
      return written;
    },
    read: (offsetBytes, lengthBytes) => handle.read(offsetBytes, lengthBytes),
    preallocate: (sizeBytes) => handle.preallocate(sizeBytes),
    datasync: async () => {
      const a = performance.now();
      await handle.datasync();
      split.syncMs += performance.now() - a;
    },
    sync: () => handle.sync(),
    truncate: (sizeBytes) => handle.truncate(sizeBytes),
    sizeBytes: () => handle.sizeBytes(),
    close: () => handle.close(),
  });
  return { ...adapter, open: (path, mode) => timed(adapter.open(path, mode)) };
}

async function walrefLoop(): Promise<Split> {
  const split: Split = { commits: 0, totalMs: 0, writeMs: 0, syncMs: 0 };
  const { wal } = await openWal(join(dir, 'wal'), { sync: { mode: 'per-commit' }, fs: timedFileSystem(split) });
  const recorder = wal.recorder();
  const event = makeEvent(2);
  split.writeMs = 0;
  split.syncMs = 0;
  const start = performance.now();
  while (performance.now() - start < durationMs) {
    recorder.arm();
    recorder.record(event);
    await recorder.commit();
    await recorder.flush();
    split.commits += 1;
  }
  split.totalMs = performance.now() - start;
  await wal.close();
  return split;
}

try {
  report('raw append', rawLoop());
  report(`walref ${io}`, await walrefLoop());
} finally {
  rmSync(dir, { recursive: true, force: true });
}
