// LSNs follow call order (issue 21): whatever the interleaving of the disk's answers, a call that
// allocates LSNs (begin, append, commit, abort, writeTransaction, the recorder's commit,
// checkpointMarker, checkpoint's marker) gets LSNs above those of every such call made before it, and replay returns
// the committed transactions in the order their commits were called. A host applies its mutations
// in call order; replay in any other order would rebuild a state the host never had.
//
// The calls come in bursts: every call of a burst is made in the same synchronous stretch, so when
// a lane is held (a rotation's fsyncs, truncateUpTo, close, a sync in flight) three or more calls
// queue behind it at once. Segments are tiny, so rotations happen all the time. Under fast-check's
// scheduler (scheduled-fs.ts) every fsync and read stays in flight until the scheduler releases it.
//
// Also checked, for every run: every call settles (none hangs, after a failure or close, with
// commits still buffered under group and none); a call made after close() fails with Closed; and
// close() settles after every call made before it.

import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { SimFileSystem } from '../../crash-sim/sim-fs.js';
import { openWal } from '../../src/index.js';
import type { TraceEvent } from '../../src/core/trace.js';
import { assertConcurrentProperty, budget } from '../model-based/run-config.js';
import { encoder, replayedAsModel } from '../model-based/world.js';
import { DIR, INTERVAL_MS, scheduledFs, syncOptionFor as syncOption } from './harness.js';

type CallKind = 'tx' | 'lowLevel' | 'lowLevelAbort' | 'recorder' | 'flush' | 'forceFsync' | 'waitDurable' | 'checkpoint' | 'snapshot' | 'truncate' | 'close';

interface Scenario {
  readonly policy: 'per-commit' | 'group' | 'none';
  readonly segmentTargetBytes: number;
  readonly bursts: readonly (readonly CallKind[])[];
  /** Bursts made the moment the WAL starts its first, second, ... directory fsync (a rotation's or a truncation's: the writer lane is held). */
  readonly burstsAtDirSync: readonly (readonly CallKind[])[];
  readonly failFsync: number | null;
}

const callKind: fc.Arbitrary<CallKind> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<CallKind>('tx') },
  { weight: 3, arbitrary: fc.constantFrom<CallKind>('lowLevel', 'lowLevelAbort', 'recorder') },
  { weight: 2, arbitrary: fc.constantFrom<CallKind>('flush', 'forceFsync', 'waitDurable') },
  { weight: 1, arbitrary: fc.constantFrom<CallKind>('checkpoint', 'snapshot', 'truncate', 'close') },
);

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  policy: fc.constantFrom('per-commit' as const, 'group' as const, 'none' as const),
  segmentTargetBytes: fc.constantFrom(64, 96, 160),
  bursts: fc.array(fc.array(callKind, { minLength: 3, maxLength: 6 }), { minLength: 2, maxLength: 5 }),
  burstsAtDirSync: fc.array(fc.array(callKind, { minLength: 3, maxLength: 6 }), { maxLength: 2 }),
  failFsync: fc.option(fc.integer({ min: 0, max: 6 }), { nil: null, freq: 2 }),
});

/** One call as the host made it: its place in call order, what it returned, when it settled. */
interface Call {
  readonly seq: number;
  readonly name: string;
  readonly madeAfterClose: boolean;
  /** The LSNs the call returned, in the order it allocated them (empty for a recorder commit). */
  lsns: number[];
  outcome: 'pending' | 'ok' | 'failed';
  error: string | null;
  /** The order in which calls settled. */
  settledAt: number;
}

const stats = { runs: 0, calls: 0, runsWithThreeQueuedBehindADirectoryFsync: 0, runsWithRotation: 0, runsWithFailure: 0, runsWithClose: 0, waitersSettledByCloseOrFailure: 0, snapshotsCommitted: 0 };

async function callOrder(s: fc.Scheduler, scenario: Scenario): Promise<void> {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  const sim = new SimFileSystem({ dirSync: true });
  const port = scheduledFs(sim);
  // The recorder's commit returns only 'yes'; its LSNs come from the trace line it emits.
  let recorderCommitLsns: number[] = [];
  const trace = (event: TraceEvent): void => {
    if (event.action === 'Commit' && event.beginLsn !== null && event.commitLsn !== null) recorderCommitLsns = [event.beginLsn, event.commitLsn];
  };
  const { wal } = await openWal(DIR, { sync: syncOption(scenario.policy), segmentTargetBytes: scenario.segmentTargetBytes, fs: port.fs, trace });
  const recorder = wal.recorder();
  port.schedule(s);
  if (scenario.failFsync !== null) port.failFsync(scenario.failFsync);

  const calls: Call[] = [];
  /** The events of every transaction whose commit call returned, by the seq of that commit call. */
  const committedEvents = new Map<number, string[]>();
  let nextEvent = 0;
  let settled = 0;
  let closeCalled = false;
  let fence = 0;
  /** LSN-allocating calls made while each directory fsync (a rotation's, a truncation's) was in flight. */
  const madeBehindDirSync = new Map<number, number>();
  /** The commit LSN of the newest writeTransaction that returned: a snapshot LSN candidate. */
  let lastTxCommit = 0;
  let recorderTurn: Promise<unknown> = Promise.resolve();
  /** Low-level transactions by TxBegin LSN: the LSN of their commit or abort, or null while open. */
  const lowLevelEnds = new Map<number, number | null>();
  /**
   * A fence at or below `wanted` that splits no transaction: a checkpoint never splits one (the
   * host takes its snapshot between transactions; src/core/replay-apply.ts). writeTransaction's
   * three records are written together, so only the low-level transactions can straddle it.
   */
  const fenceAtMost = (wanted: number): number => {
    let fence = wanted;
    for (let moved = true; moved; ) {
      moved = false;
      for (const [begin, end] of lowLevelEnds) {
        if (begin <= fence && (end === null || end > fence)) {
          fence = begin - 1;
          moved = true;
        }
      }
    }
    return fence;
  };

  /** Makes the call now (synchronously: this is its place in call order) and records how it ends. */
  const make = <T>(name: string, body: () => Promise<T>, lsnsOf?: (value: T) => number[]): Promise<T | null> => {
    const call: Call = { seq: calls.length, name, madeAfterClose: closeCalled, lsns: [], outcome: 'pending', error: null, settledAt: -1 };
    calls.push(call);
    const dirSync = port.dirSyncInFlight();
    if (lsnsOf !== undefined && dirSync !== 0) madeBehindDirSync.set(dirSync, (madeBehindDirSync.get(dirSync) ?? 0) + 1);
    let promise: Promise<T>;
    try {
      promise = body();
    } catch (error) {
      promise = Promise.reject(error);
    }
    return promise.then(
      (value) => {
        call.outcome = 'ok';
        call.lsns = lsnsOf?.(value) ?? [];
        call.settledAt = settled++;
        return value;
      },
      (error: unknown) => {
        call.outcome = 'failed';
        call.error = (error as { code?: string }).code ?? String(error);
        call.settledAt = settled++;
        return null;
      },
    );
  };
  const event = (): string => `e${nextEvent++}`;

  const lowLevel = async (abort: boolean): Promise<void> => {
    const beginLsn = await make('begin', () => wal.begin(), (lsn) => [lsn]);
    if (beginLsn === null) return;
    lowLevelEnds.set(beginLsn, null);
    const text = event();
    if ((await make('append', () => wal.append(beginLsn, encoder.encode(text)), (lsn) => [lsn])) === null) return;
    const seq = calls.length;
    const ended = await (abort ? make('abort', () => wal.abort(beginLsn), (lsn) => [lsn]) : make('commit', () => wal.commit(beginLsn), (lsn) => [lsn]));
    if (ended === null) return;
    lowLevelEnds.set(beginLsn, ended);
    if (!abort) committedEvents.set(seq, [text]);
  };
  const recorderQuery = async (): Promise<void> => {
    const turn = recorderTurn.then(async () => {
      if (recorder.poisoned() !== null || closeCalled) return;
      const text = event();
      try {
        recorder.arm();
        recorder.record(encoder.encode(text));
      } catch {
        return;
      }
      const seq = calls.length;
      if ((await make('recorder.commit', () => recorder.commit(), () => recorderCommitLsns)) === 'yes') committedEvents.set(seq, [text]);
    });
    recorderTurn = turn;
    await turn;
  };
  const start = (kind: CallKind): Promise<unknown> => {
    switch (kind) {
      case 'tx': {
        const seq = calls.length;
        const texts = [event(), event()];
        return make('writeTransaction', () => wal.writeTransaction(texts.map((t) => encoder.encode(t))), (v) => [v.beginLsn, v.commitLsn]).then((v) => {
          if (v === null) return;
          committedEvents.set(seq, texts);
          lastTxCommit = Math.max(lastTxCommit, v.commitLsn);
        });
      }
      case 'lowLevel':
        return lowLevel(false);
      case 'lowLevelAbort':
        return lowLevel(true);
      case 'recorder':
        return recorderQuery();
      case 'flush':
        return make('flush', () => wal.flush());
      case 'forceFsync':
        return make('forceFsync', () => wal.forceFsync());
      case 'waitDurable':
        return make('waitDurable', () => wal.waitDurable(wal.nextLsn() - 1));
      case 'checkpoint':
        return make('checkpointMarker', () => wal.checkpointMarker(fenceAtMost(wal.durableLsn())), (lsn) => [lsn]);
      case 'snapshot': {
        // Through the MANIFEST, at the newest durable writeTransaction commit (it may be refused:
        // not durable yet, or split by a low-level transaction; a refused call allocates nothing).
        const lsn = lastTxCommit <= wal.durableLsn() ? lastTxCommit : fenceAtMost(wal.durableLsn());
        return make('checkpoint', () => wal.checkpoint({ lsn, snapshot: encoder.encode(`snapshot at ${lsn}`) }), (r) => [r.markerLsn]).then((r) => {
          if (r === null) return;
          fence = Math.max(fence, lsn);
          stats.snapshotsCommitted += 1;
        });
      }
      case 'truncate': {
        const at = fenceAtMost(wal.durableLsn());
        return make('truncateUpTo', () => wal.truncateUpTo(at).then(() => true)).then((done) => {
          if (done === true) fence = Math.max(fence, at);
        });
      }
      case 'close': {
        const closing = make('close', () => wal.close());
        closeCalled = true;
        return closing;
      }
    }
  };

  // Every piece of work the run starts (a burst, a burst made at a directory fsync, a recorder
  // query) is counted until it ends: the run is over when none is left.
  let outstanding = 0;
  const track = (work: Promise<unknown>): void => {
    outstanding += 1;
    void work.finally(() => (outstanding -= 1));
  };
  scenario.bursts.forEach((burst, i) =>
    track(
      (async () => {
        await s.schedule(Promise.resolve(`burst ${i}`), `burst ${i}`);
        // Every call of the burst is made in this one synchronous stretch.
        await Promise.all(burst.map(start));
      })(),
    ),
  );
  port.onDirSync((number) => {
    const burst = scenario.burstsAtDirSync[number - 1];
    if (burst !== undefined && !closeCalled) track(Promise.all(burst.map(start)));
  });
  const finished = (): boolean => outstanding === 0;
  // Let the scheduler, the group flusher and per-commit's setImmediate run until every call has
  // settled. A waitDurable under `none` (or behind a flusher that never gets its turn) may wait
  // for ever by design: after a while the run closes the WAL, and from then on every call must
  // settle, whatever was still buffered.
  for (let round = 0; round < 300 && !finished(); round++) {
    await s.waitAll();
    if (!finished()) vi.advanceTimersByTime(INTERVAL_MS);
    await new Promise((resolve) => setImmediate(resolve));
    if (!finished() && round === 100 && !closeCalled) track(start('close'));
  }
  const context = `scenario ${JSON.stringify(scenario)}; calls ${JSON.stringify(calls)}`;
  expect(finished(), `every call settled; ${context}`).toBe(true);
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
  expect(closed, `close() settled; ${context}`).toBe(true);
  await closing;
  vi.useRealTimers();

  // LSNs follow call order: the LSNs of the calls that returned some, taken in call order, increase.
  const allocated = calls.filter((c) => c.outcome === 'ok').flatMap((c) => c.lsns);
  const outOfOrder = allocated.findIndex((lsn, i) => i > 0 && lsn <= (allocated[i - 1] ?? -1));
  expect(outOfOrder, `LSNs in call order ${allocated.join(',')}; ${context}`).toBe(-1);

  // Close: calls made after it fail with Closed; it settles after every call made before it.
  const closeCall = calls.find((c) => c.name === 'close');
  if (closeCall !== undefined) {
    for (const c of calls) {
      // A second close() returns the first one's outcome; every other call made after it is refused.
      if (c.madeAfterClose && c.name === 'close') expect(c.outcome, context).toBe(closeCall.outcome);
      else if (c.madeAfterClose) expect(`${c.name} ${c.outcome} ${c.error ?? ''}`, context).toBe(`${c.name} failed Closed`);
      else if (c.seq < closeCall.seq) expect(c.settledAt, `${c.name} #${c.seq} settled before close(); ${context}`).toBeLessThan(closeCall.settledAt);
    }
  }

  // Replay in call order: reopen what the run left (no crash: the page cache is the disk here) and
  // map each replayed transaction back to the call that committed it.
  const reopened = await openWal(DIR, { sync: syncOption(scenario.policy), segmentTargetBytes: scenario.segmentTargetBytes, checkpointLsn: fence, fs: sim });
  const replayed = replayedAsModel(reopened.replay);
  await reopened.wal.close();
  const seqOf = new Map([...committedEvents].map(([seq, texts]) => [texts.join('|'), seq]));
  const replayedSeqs = replayed.map((tx) => seqOf.get(tx.events.join('|')) ?? -1);
  expect(replayedSeqs, `every replayed transaction was committed by a call; ${context}`).not.toContain(-1);
  expect(replayedSeqs, `replay returns transactions in call order; ${context}`).toEqual([...replayedSeqs].sort((a, b) => a - b));
  // Each replayed transaction carries the commit LSN its call returned (the trace's, for the recorder).
  expect(replayed.map((tx) => tx.commitLsn), context).toEqual(replayedSeqs.map((seq) => calls[seq]?.lsns.at(-1)));
  if (wal.poisoned() === null) {
    // A healthy run loses nothing: every commit call above the fence is replayed.
    const aboveFence = [...committedEvents.keys()].filter((seq) => (calls[seq]?.lsns.at(-1) ?? -1) > fence);
    for (const seq of aboveFence) expect(replayedSeqs, `commit call #${seq} is replayed; ${context}`).toContain(seq);
  }

  stats.runs += 1;
  stats.calls += calls.length;
  if (Math.max(0, ...madeBehindDirSync.values()) >= 3) stats.runsWithThreeQueuedBehindADirectoryFsync += 1;
  if (sim.opLog.filter((op) => op.kind === 'create').length > 1) stats.runsWithRotation += 1;
  if (wal.poisoned() !== null) stats.runsWithFailure += 1;
  if (closeCall !== undefined) stats.runsWithClose += 1;
  if (scenario.policy !== 'per-commit') {
    stats.waitersSettledByCloseOrFailure += calls.filter((c) => c.name === 'waitDurable' && (c.error === 'Closed' || c.error === 'Poisoned')).length;
  }
}

describe('call order on the asynchronous port (fc.scheduler)', () => {
  afterEach(() => vi.useRealTimers());
  afterAll(() => {
    console.log(`call order: ${JSON.stringify(stats)}`);
  });

  it('LSNs follow call order, replay returns transactions in call order, and every call settles, across rotations, truncation, checkpoints, failures and close', async () => {
    // Three or more LSN-allocating calls made while a rotation or truncation held the lane; under
    // group and none, waiters for commits still buffered settled by close() or a failure.
    await assertConcurrentProperty('call order', fc.asyncProperty(fc.scheduler(), scenarioArb, callOrder), () => ({
      runsWithThreeQueuedBehindADirectoryFsync: stats.runsWithThreeQueuedBehindADirectoryFsync,
      runsWithRotation: stats.runsWithRotation,
      waitersSettledByCloseOrFailure: stats.waitersSettledByCloseOrFailure,
    }));
  }, budget.testTimeoutMs);
});
