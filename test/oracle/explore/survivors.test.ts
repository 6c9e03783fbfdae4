// The oracle's own frame arithmetic (oracle/explore/disk-format.ts, written from docs/format.md) agrees
// with the codec it must never call; and the helpers the model-based tests use behave as stated.
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../../src/core/codec.js';
import { SEGMENT_HEADER_BYTES } from '../../../src/core/format.js';
import type { WalRecord } from '../../../src/core/records.js';
import { frameBytes, ORACLE_SEGMENT_HEADER_BYTES } from '../../../oracle/explore/disk-format.js';
import { crashSpace, enumerateCrashStates, pickCrashState, type CrashFile } from '../../../crash-sim/crash-states.js';
import type { SimOp } from '../../../crash-sim/sim-state.js';
import { intactRecordCount, survivingRecords } from '../../../oracle/explore/survivors.js';
import { SimFileSystem } from '../../../crash-sim/sim-fs.js';
import { realOpenWal } from '../../crash-recovery/helpers.js';

const lsn = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
const bytes = fc.uint8Array({ maxLength: 300 });
const record: fc.Arbitrary<WalRecord> = fc.oneof(
  lsn.map((l): WalRecord => ({ kind: 'TxBegin', lsn: l })),
  fc.tuple(lsn, lsn, bytes).map(([l, b, e]): WalRecord => ({ kind: 'Mutation', lsn: l, txBeginLsn: b, event: e })),
  fc.tuple(lsn, lsn, fc.array(bytes, { maxLength: 5 })).map(([l, b, es]): WalRecord => ({ kind: 'MutationBatch', lsn: l, txBeginLsn: b, events: es })),
  fc.tuple(lsn, lsn).map(([l, b]): WalRecord => ({ kind: 'TxCommit', lsn: l, txBeginLsn: b })),
  fc.tuple(lsn, lsn).map(([l, b]): WalRecord => ({ kind: 'TxAbort', lsn: l, txBeginLsn: b })),
  fc.tuple(lsn, fc.nat()).map(([l, s]): WalRecord => ({ kind: 'Checkpoint', lsn: l, snapshotLsn: s })),
);

const eventsOf = (r: WalRecord): Uint8Array[] => (r.kind === 'Mutation' ? [r.event] : r.kind === 'MutationBatch' ? [...r.events] : []);

describe("the oracle's frame arithmetic", () => {
  it('gives every record kind the size the codec encodes it to', () => {
    fc.assert(
      fc.property(record, (r) => {
        expect(frameBytes(r.kind, eventsOf(r))).toBe(encodeFrame(r, 1).length);
      }),
      { numRuns: 500 },
    );
  });

  it('uses the segment header size of the format constants', () => {
    expect(ORACLE_SEGMENT_HEADER_BYTES).toBe(SEGMENT_HEADER_BYTES);
  });

  it('knows the documented sizes: TxBegin 21, TxCommit 29, a batch of "a" and "bb" 12+9+8+4+5+6', () => {
    expect(frameBytes('TxBegin', [])).toBe(21);
    expect(frameBytes('TxCommit', [])).toBe(29);
    expect(frameBytes('MutationBatch', [Uint8Array.of(1), Uint8Array.of(1, 2)])).toBe(12 + 9 + 8 + 4 + 5 + 6);
  });
});

/** Some crash states keep the failed write's first frame and some lose it. */
const fromCacheOnlyStates = (total: number, differ: number): boolean => differ > 0 && differ < total;

describe('the helpers for model-based tests', () => {
  async function crashedWal(): Promise<SimFileSystem> {
    const sim = new SimFileSystem({ sectorBytes: 64, ordered: true });
    // Under sync "none" a flush only writes: the last transactions stay unsynced.
    const { wal } = await realOpenWal('/wal', { fs: sim, sync: { mode: 'none' }, segmentTargetBytes: 4096 });
    const recorder = wal.recorder();
    for (const event of ['one', 'two', 'three'.repeat(20)]) {
      recorder.arm();
      recorder.record(new TextEncoder().encode(event));
      await recorder.commit();
      if (event !== 'two') await recorder.flush();
      if (event === 'one') await recorder.forceFsync();
    }
    return sim;
  }

  it('pickCrashState gives the same crash state for the same history and seed', async () => {
    const a = pickCrashState(await crashedWal(), 7);
    const b = pickCrashState(await crashedWal(), 7);
    expect(a.key).toBe(b.key);
    expect(a.choice).toEqual(b.choice);
  });

  it('intactRecordCount counts the whole frames that survived, and recovery replays exactly their committed prefix', async () => {
    const sim = await crashedWal();
    const { states } = enumerateCrashStates(crashSpace(sim.state), { maxStates: 1000, seed: 1 });
    const counts = new Set<number>();
    for (const state of states) {
      const intact = intactRecordCount(state, '/wal');
      counts.add(intact);
      const { replay } = await realOpenWal('/wal', { fs: state.image(), segmentTargetBytes: 4096 });
      // Three records per transaction: the replay holds the whole transactions among them.
      expect(replay.transactions.length).toBe(Math.floor(intact / 3));
    }
    expect(Math.min(...counts)).toBe(3);
    expect(Math.max(...counts)).toBe(9);
    expect(counts.size).toBeGreaterThan(2);
  });

  it("survivingRecords also counts a failed write's frames that reached the disk; intactRecordCount sees the page cache only", async () => {
    // The second transaction's write fails half way; the WAL cuts the file back and is poisoned.
    const { opLog, states } = await failedWriteLog();
    let differ = 0;
    for (const state of states) {
      const survivors = survivingRecords(state, '/wal', opLog);
      const fromCache = intactRecordCount(state, '/wal');
      expect(survivors.failedWriteBytes).toBe(true);
      expect(survivors.intactLsns.length).toBeGreaterThanOrEqual(fromCache);
      expect(survivors.intactLsns.slice(0, fromCache)).toEqual(survivingRecords(state, '/wal', []).intactLsns);
      if (survivors.intactLsns.length > fromCache) differ++;
    }
    expect(fromCacheOnlyStates(states.length, differ)).toBe(true);
  });
});

/** A log whose second transaction's write fails half way (ENOSPC), after one that is on disk: its op log, its crash states, and the failed write. */
async function failedWriteLog() {
  const sim = new SimFileSystem({ sectorBytes: 64, ordered: false });
  const { wal } = await realOpenWal('/wal', { fs: sim, sync: { mode: 'none' }, segmentTargetBytes: 4096 });
  const recorder = wal.recorder();
  recorder.arm();
  recorder.record(new TextEncoder().encode('kept'));
  await recorder.commit();
  await recorder.forceFsync();
  sim.failNextWrite('ENOSPC', 'half');
  recorder.arm();
  recorder.record(new TextEncoder().encode('x'.repeat(200)));
  await recorder.commit();
  await expect(recorder.flush()).rejects.toThrow();
  const opLog = sim.opLog;
  const failedAt = opLog.findIndex((op) => op.kind === 'write' && op.errno !== null);
  const failed = opLog[failedAt];
  if (failed?.kind !== 'write') throw new Error('the write did not fail');
  expect(failed.writtenBytes).toBeLessThan(failed.data.length);
  const { states } = enumerateCrashStates(crashSpace(sim.state), { maxStates: 2000, seed: 1 });
  /** The op log with the failed write replaced. */
  const withFailed = (op: SimOp): SimOp[] => opLog.map((o, i) => (i === failedAt ? op : o));
  return { opLog, states, failed, withFailed };
}

describe('which writes survivingRecords takes as failed', () => {
  it("a failed write of another file plays no part in this file's records", async () => {
    const { opLog, states, failed, withFailed } = await failedWriteLog();
    const elsewhere = withFailed({ ...failed, inode: failed.inode + 1000, path: '/elsewhere' });
    let differ = 0;
    for (const state of states) {
      const alone = survivingRecords(state, '/wal', []);
      if (!isDeepStrictEqual(survivingRecords(state, '/wal', opLog), alone)) differ++;
      expect(survivingRecords(state, '/wal', elsewhere)).toEqual(alone);
    }
    // Some states do hold the failed write's frames, so the comparison says something.
    expect(differ).toBeGreaterThan(0);
  });

  it('a short write that reported no error counts as failed, as one that did', async () => {
    const { opLog, states, failed, withFailed } = await failedWriteLog();
    const silent = withFailed({ ...failed, errno: null });
    for (const state of states) expect(survivingRecords(state, '/wal', silent)).toEqual(survivingRecords(state, '/wal', opLog));
  });

  it("below the page cache's end a failed write gives way to any bytes but a cut-back's zeros", async () => {
    const { states, failed } = await failedWriteLog();
    const state = states[0];
    if (state === undefined) throw new Error('no crash state');
    const [path, file] = [...state.files].find(([, f]) => f.inode === failed.inode) ?? [];
    if (path === undefined || file === undefined) throw new Error('no file for the failed write');
    // The page cache holds other bytes where the write failed (a file's earlier life, say), and no
    // write of zeros cut it back: the failed write put nothing there that replay could read.
    const end = failed.offsetBytes + failed.data.length;
    const cache = new Uint8Array(Math.max(end, file.cacheBytes.length));
    cache.set(file.cacheBytes);
    cache.fill(0xa5, failed.offsetBytes, end);
    const fake = { path, inode: file.inode, bytes: cache, cacheBytes: cache } as unknown as CrashFile;
    const survivors = survivingRecords({ files: new Map([[path, fake]]) }, '/wal', [failed]);
    expect(survivors).toEqual(survivingRecords({ files: new Map([[path, fake]]) }, '/wal', []));
    expect(survivors.failedWriteBytes).toBe(false);
  });
});
