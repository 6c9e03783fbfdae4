// The fsync discipline of the shell (src/wal-core.ts's header), under fast-check's scheduler,
// whatever the interleaving of the disk's answers and of the host's calls:
//   - OneFsyncInFlight: at most one fsync (of a file or of the directory) is in flight at any
//     moment: the pipelined syncs, a rotation's and a truncation's fsyncs, the prepared segment's
//     fsync, a checkpoint's, close's;
//   - DurableLsnNeverAheadOfTheDisk: wherever the durable LSN is sampled (at every file-system
//     operation, and at the end), the image that holds only what fsyncs made durable holds a record
//     at or above it. Fsyncs happen in the simulator either when they return (an acknowledgement
//     that precedes the fsync shows) or when they are called (one that counts writes made while the
//     fsync was in flight shows). Directory entries are durable only after a directory fsync;
//   - AcknowledgedOnStableStorage: a waitDurable that resolved, a per-commit flush that returned
//     (the recorder's included), and a forceFsync that returned, each covers commits that were on
//     stable storage when it did;
//   - PoisonIsSticky: once the WAL is poisoned (by the host, at any moment, even while a rotation
//     waits for the disk, or by a failed fsync), it stays poisoned, and every call made from then
//     on fails;
//   - PoisonSettlesWaiters: a waitDurable pending when the WAL is poisoned is rejected with
//     Poisoned then, not left pending until close() rejects it with Closed.

import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { crashSpaceAt } from '../../crash-sim/crash-states.js';
import { SimFileSystem } from '../../crash-sim/sim-fs.js';
import { survivingRecords } from '../../oracle/explore/survivors.js';
import { openWal } from '../../src/index.js';
import type { TraceEvent } from '../../src/core/trace.js';
import { assertConcurrentProperty, budget } from '../model-based/run-config.js';
import { encoder } from '../model-based/world.js';
import { DIR, INTERVAL_MS, expectAcknowledgedOnStableStorage, scheduledFs, syncOptionFor, type Acknowledgement, type SyncAt } from './harness.js';

type CallKind = 'tx' | 'recorder' | 'flush' | 'forceFsync' | 'waitDurable' | 'checkpoint' | 'truncate' | 'poison' | 'recorderPoison' | 'close';

interface Scenario {
  readonly policy: 'per-commit' | 'group' | 'none';
  readonly syncAt: SyncAt;
  readonly segmentTargetBytes: number;
  readonly bursts: readonly (readonly CallKind[])[];
  /** Bursts made the moment the WAL starts its first, second, ... directory fsync (the writer lane is held). */
  readonly burstsAtDirSync: readonly (readonly CallKind[])[];
  readonly failFsync: number | null;
}

const callKind: fc.Arbitrary<CallKind> = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom<CallKind>('tx', 'recorder') },
  { weight: 8, arbitrary: fc.constantFrom<CallKind>('flush', 'forceFsync', 'waitDurable') },
  { weight: 3, arbitrary: fc.constantFrom<CallKind>('checkpoint', 'truncate') },
  { weight: 1, arbitrary: fc.constantFrom<CallKind>('poison', 'recorderPoison', 'close') },
);

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  policy: fc.constantFrom('per-commit' as const, 'group' as const, 'none' as const),
  syncAt: fc.constantFrom<SyncAt>('release', 'call'),
  // Tiny segments rotate all the time; 600 bytes lets the next segment be prepared in the background.
  segmentTargetBytes: fc.constantFrom(96, 160, 600),
  bursts: fc.array(fc.array(callKind, { minLength: 2, maxLength: 6 }), { minLength: 2, maxLength: 6 }),
  burstsAtDirSync: fc.array(fc.array(callKind, { minLength: 1, maxLength: 4 }), { maxLength: 3 }),
  failFsync: fc.option(fc.integer({ min: 0, max: 8 }), { nil: null, freq: 3 }),
});

interface Call {
  readonly name: string;
  readonly afterPoison: boolean;
  readonly afterClose: boolean;
  outcome: 'pending' | 'ok' | 'failed';
  error: string | null;
}

const stats = { runs: 0, poisonedByHost: 0, failedFsyncs: 0, acks: 0, waitersRejectedByPoison: 0, fsyncsMostInFlight: 0, durableSamples: 0 };

async function fsyncDiscipline(s: fc.Scheduler, scenario: Scenario): Promise<void> {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  const sim = new SimFileSystem({ dirSync: true });
  const port = scheduledFs(sim, scenario.syncAt);
  let recorderCommit = 0;
  const trace = (event: TraceEvent): void => {
    if (event.action === 'Commit' && event.commitLsn !== null) recorderCommit = event.commitLsn;
  };
  const { wal } = await openWal(DIR, { sync: syncOptionFor(scenario.policy), segmentTargetBytes: scenario.segmentTargetBytes, fs: port.fs, trace });
  const recorder = wal.recorder();
  sim.setProbe(() => wal.durableLsn());
  port.schedule(s);
  if (scenario.failFsync !== null) port.failFsync(scenario.failFsync);

  const calls: Call[] = [];
  const acks: Acknowledgement[] = [];
  /** Every wal.poisoned() seen after the WAL was first seen poisoned: each must be non-null. */
  const poisonSeen: (string | null)[] = [];
  let poisoned = false;
  let closeCalled = false;
  let poisonedBeforeClose = false;
  let committedLsn = 0;
  let event = 0;
  let recorderTurn: Promise<unknown> = Promise.resolve();
  const observePoison = (): void => {
    if (poisoned) poisonSeen.push(wal.poisoned());
    else if (wal.poisoned() !== null) poisoned = true;
  };
  /** The highest fence truncateUpTo was called with: commits at or below it may be gone from the disk, rightly. */
  let truncatedTo = 0;
  const ack = (commitLsn: number): void => {
    if (commitLsn > truncatedTo) acks.push({ tx: { commitLsn }, atOp: sim.opLog.length });
  };

  const make = <T>(name: string, body: () => Promise<T>): Promise<T | null> => {
    observePoison();
    const call: Call = { name, afterPoison: poisoned, afterClose: closeCalled, outcome: 'pending', error: null };
    calls.push(call);
    let promise: Promise<T>;
    try {
      promise = body();
    } catch (error) {
      promise = Promise.reject(error);
    }
    return promise.then(
      (value) => {
        call.outcome = 'ok';
        return value;
      },
      (error: unknown) => {
        call.outcome = 'failed';
        call.error = (error as { code?: string }).code ?? String(error);
        return null;
      },
    );
  };
  /** A sync call that, when it returns, acknowledges every commit that had returned when it was made. */
  const syncing = (name: string, body: () => Promise<void>, acknowledges: boolean): Promise<unknown> => {
    const covered = committedLsn;
    return make(name, body).then((done) => {
      if (done !== null && acknowledges) ack(covered);
    });
  };

  const start = (kind: CallKind): Promise<unknown> => {
    switch (kind) {
      case 'tx':
        return make('writeTransaction', () => wal.writeTransaction([encoder.encode(`e${event++}`)])).then((v) => {
          if (v !== null) committedLsn = Math.max(committedLsn, v.commitLsn);
        });
      case 'recorder': {
        // The host's path: arm, record, commit, then flush (per-commit: the flush acknowledges).
        recorderTurn = recorderTurn.then(async () => {
          if (recorder.poisoned() !== null || closeCalled) return;
          try {
            recorder.arm();
            recorder.record(encoder.encode(`r${event++}`));
          } catch {
            return; // poisoned meanwhile
          }
          if ((await make('recorder.commit', () => recorder.commit())) !== 'yes') return;
          const commitLsn = recorderCommit;
          committedLsn = Math.max(committedLsn, commitLsn);
          if ((await make('recorder.flush', () => recorder.flush())) !== null && scenario.policy === 'per-commit') ack(commitLsn);
        });
        return recorderTurn;
      }
      case 'flush':
        return syncing('flush', () => wal.flush(), scenario.policy === 'per-commit');
      case 'forceFsync':
        return syncing('forceFsync', () => wal.forceFsync(), true);
      case 'waitDurable': {
        const lsn = wal.nextLsn() - 1;
        return make('waitDurable', () => wal.waitDurable(lsn)).then((done) => {
          if (done !== null) ack(lsn);
        });
      }
      case 'checkpoint':
        return make('checkpointMarker', () => wal.checkpointMarker(0));
      case 'truncate': {
        const fence = wal.durableLsn();
        truncatedTo = Math.max(truncatedTo, fence);
        return make('truncateUpTo', () => wal.truncateUpTo(fence));
      }
      case 'poison':
      case 'recorderPoison': {
        if (closeCalled) return Promise.resolve();
        // A commit and a waiter for it, usually still pending when the host poisons.
        const waiting = wal.poisoned() === null ? Promise.all([start('tx'), start('waitDurable')]) : Promise.resolve();
        stats.poisonedByHost += 1;
        if (kind === 'poison') wal.poison('the host quarantines the WAL');
        else recorder.poison('the host quarantines the recorder');
        observePoison();
        return waiting;
      }
      case 'close':
        observePoison();
        if (!closeCalled) poisonedBeforeClose = poisoned;
        closeCalled = true;
        return make('close', () => wal.close());
    }
  };

  let outstanding = 0;
  const track = (work: Promise<unknown>): void => {
    outstanding += 1;
    void work.catch(() => undefined).finally(() => (outstanding -= 1));
  };
  scenario.bursts.forEach((burst, i) =>
    track(
      (async () => {
        await s.schedule(Promise.resolve(`burst ${i}`), `burst ${i}`);
        await Promise.all(burst.map(start));
      })(),
    ),
  );
  port.onDirSync((number) => {
    const burst = scenario.burstsAtDirSync[number - 1];
    if (burst !== undefined && !closeCalled) track(Promise.all(burst.map(start)));
  });
  for (let round = 0; round < 300 && outstanding > 0; round++) {
    await s.waitAll();
    if (outstanding > 0) vi.advanceTimersByTime(INTERVAL_MS);
    await new Promise((resolve) => setImmediate(resolve));
    observePoison();
    if (outstanding > 0 && round === 100 && !closeCalled) track(start('close'));
  }
  const context = `scenario ${JSON.stringify(scenario)}; calls ${JSON.stringify(calls)}`;
  expect(outstanding, `every call settled; ${context}`).toBe(0);
  observePoison();
  // A run whose bursts never called close() ends with the close() below: every call settled before
  // it, so a WAL poisoned by then settled its waiters itself, and the check below applies.
  if (!closeCalled) poisonedBeforeClose = poisoned;
  const durableAtEnd = wal.durableLsn();
  const closing = wal.close().catch(() => undefined);
  for (let round = 0; round < 20; round++) {
    await s.waitAll();
    await new Promise((resolve) => setImmediate(resolve));
  }
  await closing;
  vi.useRealTimers();

  // OneFsyncInFlight.
  const most = port.mostFsyncsInFlight();
  expect(most.count, `fsyncs in flight at once: ${most.labels.join(', ')}; ${context}`).toBeLessThanOrEqual(1);

  // DurableLsnNeverAheadOfTheDisk: checked at each operation where the sampled durable LSN rose.
  const samples: { atOp: number; durable: number }[] = [];
  let last = 0;
  sim.opLog.forEach((op, index) => {
    const probe = op.durableLsnProbe;
    if (probe !== null && probe > last) samples.push({ atOp: index, durable: probe });
    if (probe !== null) last = Math.max(last, probe);
  });
  const opsBeforeClose = sim.opLog.length;
  if (durableAtEnd > last) samples.push({ atOp: opsBeforeClose, durable: durableAtEnd });
  for (const { atOp, durable } of samples) {
    const space = crashSpaceAt(sim.knobs, sim.opLog, atOp);
    const onDisk = Math.max(0, ...survivingRecords(space.build(space.axes.map(() => 0)), DIR, sim.opLog).intactLsns);
    expect(onDisk, `durable LSN ${durable} at op ${atOp} is on stable storage (the fsynced image holds up to ${onDisk}); ${context}`).toBeGreaterThanOrEqual(durable);
  }

  // AcknowledgedOnStableStorage.
  expectAcknowledgedOnStableStorage(sim, DIR, acks, context);

  // PoisonIsSticky: once seen poisoned, never seen healthy again; every call made after it failed.
  expect(poisonSeen, `the WAL stays poisoned; ${context}`).not.toContain(null);
  for (const call of calls.filter((c) => c.afterPoison && c.name !== 'close')) {
    expect(`${call.name} ${call.outcome} ${call.error ?? ''}`, `a call made once the WAL was poisoned fails; ${context}`).toMatch(/ failed (Poisoned|Closed)$/);
  }

  // PoisonSettlesWaiters: with the WAL poisoned before close(), no waiter made before close waited for it.
  if (poisonedBeforeClose) {
    for (const call of calls.filter((c) => c.name === 'waitDurable' && !c.afterClose)) {
      expect(call.error, `a waitDurable pending when the WAL was poisoned is rejected then, not by close(); ${context}`).not.toBe('Closed');
      if (call.error === 'Poisoned') stats.waitersRejectedByPoison += 1;
    }
  }

  stats.runs += 1;
  stats.acks += acks.length;
  stats.durableSamples += samples.length;
  stats.fsyncsMostInFlight = Math.max(stats.fsyncsMostInFlight, most.count);
  if (sim.opLog.some((op) => op.kind === 'fsync' && op.errno !== null)) stats.failedFsyncs += 1;
}

describe('the fsync discipline on the asynchronous port (fc.scheduler)', () => {
  afterEach(() => vi.useRealTimers());
  afterAll(() => {
    console.log(`fsync discipline: ${JSON.stringify(stats)}`);
  });

  it('one fsync in flight at most, the durable LSN never ahead of the disk, acknowledgements on stable storage, poison sticky and settling every waiter', async () => {
    await assertConcurrentProperty('fsync discipline', fc.asyncProperty(fc.scheduler(), scenarioArb, fsyncDiscipline), () => ({
      poisonedByHost: stats.poisonedByHost,
      failedFsyncs: stats.failedFsyncs,
      acks: stats.acks,
      waitersRejectedByPoison: stats.waitersRejectedByPoison,
    }));
  }, budget.testTimeoutMs);
});
