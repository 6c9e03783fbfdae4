// Planted bugs: test-only variants of the WAL, built by wrapping the FileSystem it runs on (or,
// in planted-replay-bugs.test.ts, by mocking a core module). Each must turn the oracle red with a
// readable counterexample; the same workloads pass on the real WAL (scenarios.test.ts).
import { describe, expect, it } from 'vitest';
import { FsError, type FileHandle } from '../../src/fs/port.js';
import type { OpenWalLike } from '../../oracle/explore/wal-api.js';
import { decodeFrame } from '../../src/core/codec.js';
import { SEGMENT_HEADER_BYTES } from '../../src/core/format.js';
import { explore, realOpenWal, violationText, workload } from './helpers.js';
import { wrapFs, type FsOverrides } from '../crash-sim/wrap-fs.js';

function plantedOpenWal(makeOverrides: () => FsOverrides): OpenWalLike {
  return (dir, options) => realOpenWal(dir, { ...options, fs: wrapFs(options.fs, makeOverrides()) });
}

/** fdatasync returns at once and really happens at the next file-system call: ack before fsync. */
const ackBeforeFsync = plantedOpenWal(() => {
  let deferred: FileHandle | null = null;
  return {
    before: () => {
      const handle = deferred;
      deferred = null;
      void handle?.datasync().catch(() => undefined);
    },
    datasync: (handle) => {
      deferred = handle;
      return Promise.resolve();
    },
  };
});

/** Segment creation is never followed by a directory fsync. */
const noDirFsync = plantedOpenWal(() => ({ fsyncDir: () => Promise.resolve() }));

/** An fsync that failed with EIO is retried, and the retry's success reported (fsyncgate). */
const retryFsyncAfterEio = plantedOpenWal(() => ({
  datasync: async (handle) => {
    try {
      await handle.datasync();
    } catch (error) {
      if (!(error instanceof FsError) || error.errno !== 'EIO') throw error;
      await handle.datasync();
    }
  },
}));

/**
 * Recovery of a torn tail leaves a stray copy of the last whole frame after it (unsynced): the
 * replay it returns is right, but a crash right after it can make the next recovery different.
 */
const strayFrameAfterRecovery: OpenWalLike = async (dir, options) => {
  const opened = await realOpenWal(dir, options);
  if ((opened.replay.tornTail ?? null) === null) return opened;
  const names = options.fs.readdir(dir).filter((n) => n.endsWith('.wal')).sort();
  const last = names.at(-1);
  if (last === undefined) return opened;
  const path = options.fs.join(dir, last);
  const bytes = options.fs.readFile(path);
  let offset = SEGMENT_HEADER_BYTES;
  const salt = new DataView(bytes.buffer, bytes.byteOffset).getUint32(28, true);
  let lastFrame: Uint8Array | null = null;
  for (;;) {
    const frame = decodeFrame(bytes, offset, salt);
    if (!frame.ok) break;
    lastFrame = bytes.slice(offset, offset + frame.frameBytes);
    offset += frame.frameBytes;
  }
  if (lastFrame !== null) {
    const handle = options.fs.open(path, 'read-write');
    handle.write(lastFrame, offset);
    handle.close();
  }
  return opened;
};

describe('planted bugs turn the oracle red', () => {
  it('acknowledging durability before fsync is caught as a DurabilityInv violation', async () => {
    const w = workload([{ tx: ['a'] }, { flush: true }, { tx: ['b'] }, { flush: true }], { sectorBytes: 64 });
    expect((await explore(w)).violationCount).toBe(0);
    const result = await explore(w, { openWal: ackBeforeFsync });
    expect(result.violations.map((v) => v.property)).toContain('DurabilityInv');
    const text = violationText(result);
    expect(text).toMatch(/DurabilityInv violated \(crash after op \d+\): 1 transaction\(s\) acknowledged durable/);
    expect(text).toContain('expected:');
    expect(text).toContain('replayed:');
    expect(text).toContain('unsynced sector writes:');
  });

  it('not fsyncing the directory after creating a segment is caught when the new entry is lost', async () => {
    const w = workload(
      [{ tx: ['a'] }, { flush: true }, { tx: ['b'] }, { flush: true }, { tx: ['c'] }, { flush: true }],
      { sectorBytes: 64, dirSync: true },
      { segmentTargetBytes: 60 },
    );
    expect((await explore(w)).violationCount).toBe(0);
    const result = await explore(w, { openWal: noDirFsync });
    expect(result.violations.map((v) => v.property)).toContain('DurabilityInv');
    expect(violationText(result)).toMatch(/dir: create \/wal\/0+\d\.wal lost/);
  });

  it('retrying fsync after EIO and reporting success is caught as a DurabilityInv violation', async () => {
    const w = workload(
      [{ tx: ['a'] }, { flush: true }, { tx: ['b'] }, { fault: 'fsync-eio' }, { flush: true }, { tx: ['c'] }, { flush: true }],
      { sectorBytes: 64, ordered: false },
    );
    expect((await explore(w)).violationCount).toBe(0);
    const result = await explore(w, { openWal: retryFsyncAfterEio });
    expect(result.steps.every((s) => s.ok)).toBe(true);
    expect(result.violations.map((v) => v.property)).toContain('DurabilityInv');
    expect(violationText(result)).toContain('acknowledged durable');
  });

  it('a recovery whose own leftovers change the next recovery is caught as an IdempotenceInv violation', async () => {
    const w = workload([{ tx: ['a'] }, { flush: true }, { tx: ['b'.repeat(100)] }, { flush: true }], { sectorBytes: 64 });
    expect((await explore(w)).violationCount).toBe(0);
    const result = await explore(w, { openWal: strayFrameAfterRecovery });
    expect(result.violations.map((v) => v.property)).toContain('IdempotenceInv');
    expect(violationText(result)).toMatch(/IdempotenceInv violated \(crash after op \d+\): crashing during or right after recovery and recovering again changed the result/);
  });
});
