// Overlapping calls on the asynchronous port, interleaved by fast-check's scheduler
// (scheduled-fs.ts holds every fsync and read in flight until the scheduler releases it):
// committers (writeTransaction, then flush, or waitDurable under group), forceFsync,
// checkpointMarker, truncateUpTo and close, under per-commit and group, with segments small
// enough to rotate, and sometimes one fsync that fails with EIO while others wait on it.
// What must hold whatever the interleaving (wal.ts states the rules):
//   - WritesInLsnOrder: every frame handed to the OS carries a higher LSN than every frame before it;
//   - AckAfterFsync: an acknowledged commit is intact, at the moment of its acknowledgement, in the
//     disk image that holds only what fsyncs made durable;
//   - DurableLsnNeverRegresses: sampled at every file-system operation;
//   - FailedFsyncPoisons: a failed fsync poisons the WAL; a call that starts once the WAL has seen
//     the failure is refused (a call that slips in between the disk's EIO and the moment its
//     completion reaches the WAL may buffer, but is never acknowledged: AckAfterFsync);
//   - CloseRefusesLaterCalls: a call that starts after close() fails with Closed, and close()
//     returns after the calls made before it;
//   - RecoveryKeepsAcknowledged: a crash at the end replays every acknowledged commit above the
//     truncation fence and only committed transactions, with exactly their events.

import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { crashSpaceAt, enumerateCrashStates } from '../../crash-sim/crash-states.js';
import { SimFileSystem } from '../../crash-sim/sim-fs.js';
import { openWal, type SyncOption } from '../../src/index.js';
import { expectAcknowledgedOnStableStorage, expectDurableLsnNeverRegresses, scheduledFs } from './harness.js';
import { assertTimeLimited, budget } from '../model-based/run-config.js';
import { encoder, replayedAsModel } from '../model-based/world.js';

const DIR = '/wal';
const INTERVAL_MS = 1_000;

interface Tx {
  readonly beginLsn: number;
  readonly commitLsn: number;
  readonly events: string[];
}

interface CallRecord {
  readonly name: string;
  /** Whether the WAL was poisoned, or close() had been called, when this call started. */
  readonly afterPoison: boolean;
  readonly afterClose: boolean;
  ok: boolean | null;
  error: string | null;
}

type Extra = 'forceFsync' | 'checkpoint' | 'truncate' | 'close';

interface Scenario {
  readonly policy: 'per-commit' | 'group';
  readonly committers: number;
  readonly extras: readonly Extra[];
  readonly segmentTargetBytes: number;
  readonly failFsync: number | null;
  readonly knobs: { sectorBytes: number; ordered: boolean; safeAppend: boolean; dirSync: boolean };
  readonly crashSeed: number;
}

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  policy: fc.constantFrom('per-commit' as const, 'group' as const),
  committers: fc.integer({ min: 1, max: 5 }),
  extras: fc.subarray(['forceFsync', 'checkpoint', 'truncate', 'close'] as const),
  segmentTargetBytes: fc.constantFrom(96, 200, 1 << 20),
  failFsync: fc.option(fc.integer({ min: 0, max: 4 }), { nil: null }),
  knobs: fc.record({ sectorBytes: fc.constantFrom(16, 512), ordered: fc.boolean(), safeAppend: fc.boolean(), dirSync: fc.boolean() }),
  crashSeed: fc.nat(),
});

function syncOption(policy: Scenario['policy']): SyncOption {
  return policy === 'group' ? { mode: 'group', intervalMs: INTERVAL_MS } : { mode: 'per-commit' };
}

/**
 * LSNs of the frames in one write's bytes (docs/format.md: len u32 | crc u32 | salt u32 | tag u8 |
 * lsn u64 ...), up to the end marker (zeros) a write of frames may end with.
 */
function frameLsns(data: Uint8Array, offsetBytes: number): number[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const lsns: number[] = [];
  let at = offsetBytes === 0 ? 44 : 0; // a write at offset 0 is a segment header
  while (at + 21 <= data.length) {
    const length = view.getUint32(at, true);
    if (length === 0) break;
    lsns.push(view.getUint32(at + 13, true) + view.getUint32(at + 17, true) * 0x1_0000_0000);
    at += 12 + length;
  }
  return lsns;
}

const stats = { runs: 0, acks: 0, failedFsyncs: 0, closesWithCallsAfter: 0, rotations: 0 };

async function overlappingCalls(s: fc.Scheduler, scenario: Scenario): Promise<void> {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  const sim = new SimFileSystem(scenario.knobs);
  const port = scheduledFs(sim);
  const { wal } = await openWal(DIR, { sync: syncOption(scenario.policy), segmentTargetBytes: scenario.segmentTargetBytes, fs: port.fs });
  sim.setProbe(() => wal.durableLsn());
  const firstOp = sim.opLog.length;
  port.schedule(s);
  if (scenario.failFsync !== null) port.failFsync(scenario.failFsync);

  const committed: Tx[] = [];
  const acks: { tx: Tx; atOp: number }[] = [];
  const calls: CallRecord[] = [];
  let closeCalled = false;
  let fence = 0;
  const fsyncFailed = (): boolean => sim.opLog.some((op) => op.kind === 'fsync' && op.errno !== null);
  const lastAck = (): number => acks.reduce((max, a) => Math.max(max, a.tx.commitLsn), 0);

  /** Runs one call after a scheduled start, recording when it started and how it ended. */
  const call = async <T>(name: string, body: () => Promise<T>): Promise<T | null> => {
    await s.schedule(Promise.resolve(`start ${name}`), name);
    const record: CallRecord = { name, afterPoison: wal.poisoned() !== null, afterClose: closeCalled, ok: null, error: null };
    calls.push(record);
    try {
      const value = await body();
      record.ok = true;
      return value;
    } catch (error) {
      record.ok = false;
      record.error = (error as { code?: string }).code ?? String(error);
      return null;
    }
  };

  const committer = async (i: number): Promise<void> => {
    const events = [`c${i}`];
    const written = await call(`commit ${i}`, () => wal.writeTransaction(events.map((e) => encoder.encode(e))));
    if (written === null) return;
    const tx = { beginLsn: written.beginLsn, commitLsn: written.commitLsn, events };
    committed.push(tx);
    const acked = await call(`ack ${i}`, async () => {
      await wal.flush();
      if (scenario.policy === 'group') await wal.waitDurable(tx.commitLsn);
      return true;
    });
    if (acked === true) acks.push({ tx, atOp: sim.opLog.length });
  };
  const extra = async (kind: Extra): Promise<void> => {
    if (kind === 'forceFsync') await call('forceFsync', () => wal.forceFsync());
    else if (kind === 'checkpoint') await call('checkpoint', () => wal.checkpointMarker(lastAck()));
    else if (kind === 'truncate') {
      const at = lastAck();
      const done = await call('truncate', async () => (await wal.truncateUpTo(at), true));
      if (done === true) fence = Math.max(fence, at);
    } else {
      await call('close', () => {
        closeCalled = true;
        return wal.close();
      });
    }
  };

  let finished = false;
  const all = Promise.all([...Array.from({ length: scenario.committers }, (_, i) => committer(i)), ...scenario.extras.map(extra)]).then(() => {
    finished = true;
  });
  // Waiters under group wait on the flusher and per-commit waiters on a setImmediate: when the
  // scheduler has nothing left, let both run, until every call has ended.
  for (let round = 0; round < 200 && !finished; round++) {
    await s.waitAll();
    if (!finished) vi.advanceTimersByTime(INTERVAL_MS);
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(finished, `every call ended; calls: ${JSON.stringify(calls)}`).toBe(true);
  await all;
  // close() may fsync what is still unsynced (a checkpoint marker written after the last fsync,
  // say), and that fsync waits for the scheduler like any other: release it, or close() never
  // returns.
  let closed = false;
  const closing = wal
    .close()
    .catch(() => undefined)
    .then(() => {
      closed = true;
    });
  for (let round = 0; round < 20 && !closed; round++) {
    await s.waitAll();
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(closed, `close() ended; calls: ${JSON.stringify(calls)}`).toBe(true);
  await closing;
  vi.useRealTimers();
  const context = `${JSON.stringify(calls)}`;
  stats.runs += 1;
  stats.acks += acks.length;
  if (fsyncFailed()) stats.failedFsyncs += 1;
  if (calls.some((c) => c.afterClose && c.name !== 'close')) stats.closesWithCallsAfter += 1;
  if (sim.opLog.filter((op) => op.kind === 'create').length > 1) stats.rotations += 1;

  // WritesInLsnOrder.
  const written = sim.opLog.slice(firstOp).flatMap((op) => (op.kind === 'write' ? frameLsns(op.data.subarray(0, op.writtenBytes), op.offsetBytes) : []));
  expect(written.every((lsn, i) => i === 0 || lsn > (written[i - 1] ?? 0)), `frame LSNs in write order: ${written.join(',')}`).toBe(true);

  // DurableLsnNeverRegresses.
  expectDurableLsnNeverRegresses(sim);

  // AckAfterFsync.
  expectAcknowledgedOnStableStorage(sim, DIR, acks, context);

  // FailedFsyncPoisons and CloseRefusesLaterCalls.
  for (const record of calls) {
    if (record.afterPoison) expect(record.ok, `${record.name} started once the WAL was poisoned; ${context}`).toBe(record.name === 'close');
    if (record.afterClose && record.name !== 'close') {
      expect(record.ok, `${record.name} started after close(); ${context}`).toBe(false);
      expect(record.error).toBe('Closed');
    }
  }
  if (fsyncFailed()) expect(wal.poisoned(), 'a failed fsync poisons').not.toBeNull();

  // RecoveryKeepsAcknowledged.
  const owed = acks.filter((a) => a.tx.commitLsn > fence).map((a) => a.tx);
  const { states } = enumerateCrashStates(crashSpaceAt(sim.knobs, sim.opLog, sim.opLog.length), { maxStates: 3, seed: scenario.crashSeed });
  for (const crash of states) {
    const reopened = await openWal(DIR, { sync: syncOption(scenario.policy), segmentTargetBytes: scenario.segmentTargetBytes, checkpointLsn: fence, fs: crash.image() });
    const replayed = replayedAsModel(reopened.replay);
    await reopened.wal.close();
    for (const tx of owed) expect(replayed, `acknowledged commit ${tx.commitLsn} survives ${crash.describe()}; ${context}`).toContainEqual(tx);
    for (const tx of replayed) expect(committed, `replayed transaction was committed; ${context}`).toContainEqual(tx);
  }
}

describe('overlapping calls on the asynchronous port (fc.scheduler)', () => {
  afterEach(() => vi.useRealTimers());
  afterAll(() => {
    if (process.env['WALREF_REPORT']) console.log(`overlapping calls: ${JSON.stringify(stats)}`);
  });

  it('writes stay in LSN order, acknowledgements follow their fsync, a failed fsync poisons, close refuses later calls, and recovery keeps every acknowledged commit', async () => {
    await assertTimeLimited('overlapping calls', fc.asyncProperty(fc.scheduler(), scenarioArb, (s, scenario) => overlappingCalls(s, scenario)), {
      numRuns: budget.concurrentRuns,
      minRuns: budget.minConcurrentRuns,
    });
  }, budget.testTimeoutMs);

  it('an fsync that fails while commits wait on it rejects every one of them and every later call', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const sim = new SimFileSystem();
    const port = scheduledFs(sim);
    const { wal } = await openWal(DIR, { sync: { mode: 'group', intervalMs: INTERVAL_MS }, segmentTargetBytes: 4096, fs: port.fs });
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), async (s) => {
        port.schedule(s);
        port.failFsync(0);
        const first = await wal.writeTransaction([encoder.encode('a')]);
        await wal.flush();
        const waiting = [wal.waitDurable(first.commitLsn)];
        vi.advanceTimersByTime(INTERVAL_MS); // the flusher's fsync is now in flight
        const second = await wal.writeTransaction([encoder.encode('b')]); // encoded and written meanwhile
        await wal.flush();
        waiting.push(wal.waitDurable(second.commitLsn));
        const outcomes = Promise.allSettled(waiting);
        await s.waitAll();
        const settled = await outcomes;
        expect(settled.map((o) => o.status)).toEqual(['rejected', 'rejected']);
        await expect(wal.writeTransaction([encoder.encode('c')])).rejects.toMatchObject({ code: 'Poisoned' });
        await expect(wal.forceFsync()).rejects.toMatchObject({ code: 'Poisoned' });
        expect(wal.durableLsn()).toBeLessThan(first.commitLsn);
      }),
      { numRuns: 1 },
    );
    await wal.close();
  });
});
