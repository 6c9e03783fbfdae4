// Planted bugs: test-only variants of the WAL, built by wrapping the FileSystem it runs on (or,
// in planted-replay-bugs.test.ts, by mocking a core module). Each must turn the oracle red with a
// readable counterexample; the same workloads pass on the real WAL (scenarios.test.ts).
import { describe, expect, it } from 'vitest';
import { FsError, type FileHandle } from '../../src/fs/port.js';
import type { OpenWalLike } from '../../crash-sim/wal-api.js';
import { explore, realOpenWal, violationText, workload } from './helpers.js';
import { wrapFs, type FsOverrides } from './wrap-fs.js';

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
      handle?.datasync();
    },
    datasync: (handle) => {
      deferred = handle;
    },
  };
});

/** Segment creation is never followed by a directory fsync. */
const noDirFsync = plantedOpenWal(() => ({ fsyncDir: () => undefined }));

/** An fsync that failed with EIO is retried, and the retry's success reported (fsyncgate). */
const retryFsyncAfterEio = plantedOpenWal(() => ({
  datasync: (handle) => {
    try {
      handle.datasync();
    } catch (error) {
      if (!(error instanceof FsError) || error.errno !== 'EIO') throw error;
      handle.datasync();
    }
  },
}));

describe('planted bugs turn the oracle red', () => {
  it('acknowledging durability before fsync is caught as a Durability violation', async () => {
    const w = workload([{ tx: ['a'] }, { flush: true }, { tx: ['b'] }, { flush: true }], { sectorBytes: 64 });
    expect((await explore(w)).violationCount).toBe(0);
    const result = await explore(w, { openWal: ackBeforeFsync });
    expect(result.violations.map((v) => v.property)).toContain('Durability');
    const text = violationText(result);
    expect(text).toMatch(/Durability violated \(crash after op \d+\): 1 transaction\(s\) acknowledged durable/);
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
    expect(result.violations.map((v) => v.property)).toContain('Durability');
    expect(violationText(result)).toMatch(/dir: create \/wal\/0+\d\.wal lost/);
  });

  it('retrying fsync after EIO and reporting success is caught as a Durability violation', async () => {
    const w = workload(
      [{ tx: ['a'] }, { flush: true }, { tx: ['b'] }, { fault: 'fsync-eio' }, { flush: true }, { tx: ['c'] }, { flush: true }],
      { sectorBytes: 64, ordered: false },
    );
    expect((await explore(w)).violationCount).toBe(0);
    const result = await explore(w, { openWal: retryFsyncAfterEio });
    expect(result.steps.every((s) => s.ok)).toBe(true);
    expect(result.violations.map((v) => v.property)).toContain('Durability');
    expect(violationText(result)).toContain('acknowledged durable');
  });
});
