// The turn gate (src/turn-gate.ts) as a property, counted and never timed: a long run of awaited
// calls that settle without waiting for the disk (begin, append, appendBatch, commit, abort,
// writeTransaction, checkpointMarker, the recorder's commit (with events or read-only), abort and
// flush, flush under group and none) must hand the event loop a turn once TURN_BUDGET_MS of such
// work has gone by.
//
// The clock is fake (only `performance.now()`; setImmediate stays real), and each call advances it
// by a chosen step, so the bound is exact: with a step of `d` ms, the call that finds the stretch
// begun (one call after a turn) plus ceil(TURN_BUDGET_MS / d) calls later, the gate yields; so at
// most ceil(TURN_BUDGET_MS / d) + 1 calls complete between two turns. A bystander on setImmediate
// counts the calls completed between two of its turns.

import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openWal } from '../../src/index.js';
import { TURN_BUDGET_MS } from '../../src/turn-gate.js';
import { mutationRunCap } from '../property-seed.js';
import { ev, tempDir } from './helpers.js';

type SettledCall = 'append' | 'appendBatch' | 'writeTransaction' | 'recorder' | 'recorderReadOnly' | 'recorderAbort' | 'recorderFlush' | 'checkpoint' | 'flush' | 'abortTx';

describe('the turn gate', () => {
  afterEach(() => vi.useRealTimers());

  it('a long run of calls that settle without I/O yields to the event loop within the budget, counted in calls', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('group' as const, 'none' as const),
        fc.array(
          fc.constantFrom<SettledCall>('append', 'appendBatch', 'writeTransaction', 'recorder', 'recorderReadOnly', 'recorderAbort', 'recorderFlush', 'checkpoint', 'flush', 'abortTx'),
          { minLength: 50, maxLength: 300 },
        ),
        // Binary fractions of a millisecond, so the fake clock adds them up exactly.
        fc.constantFrom(1 / 64, 1 / 16, 1 / 8, 1 / 4, 1 / 2),
        async (policy, calls, stepMs) => {
          runs += 1;
          const { wal } = await openWal(tempDir('gate'), { sync: policy === 'group' ? { mode: 'group', intervalMs: 3_600_000 } : { mode: 'none' } });
          const recorder = wal.recorder();
          vi.useFakeTimers({ toFake: ['performance'] });
          let sinceTurn = 0;
          let worst = 0;
          let turns = 0;
          let stop = false;
          const bystander = (async () => {
            while (!stop) {
              await new Promise<void>((resolve) => setImmediate(resolve));
              turns += 1;
              sinceTurn = 0;
            }
          })();
          try {
            const tx = await wal.begin();
            for (const call of calls) {
              vi.advanceTimersByTime(stepMs);
              if (call === 'append') await wal.append(tx, ev('a'));
              else if (call === 'appendBatch') await wal.appendBatch(tx, [ev('b'), ev('c')]);
              else if (call === 'writeTransaction') await wal.writeTransaction([ev('w')]);
              else if (call === 'checkpoint') await wal.checkpointMarker(wal.durableLsn());
              else if (call === 'flush') await wal.flush();
              else if (call === 'abortTx') await wal.abort(await wal.begin());
              else if (call === 'recorderReadOnly') {
                recorder.arm();
                await recorder.commit();
              } else if (call === 'recorderAbort') {
                recorder.arm();
                recorder.record(ev('x'));
                await recorder.abort();
              } else if (call === 'recorderFlush') await recorder.flush();
              else {
                recorder.arm();
                recorder.record(ev('r'));
                await recorder.commit();
              }
              sinceTurn += 1;
              worst = Math.max(worst, sinceTurn);
            }
          } finally {
            stop = true;
            await bystander;
            vi.useRealTimers();
            await wal.close();
          }
          const bound = Math.ceil(TURN_BUDGET_MS / stepMs) + 1;
          expect(worst, `at most ${bound} calls between turns with ${stepMs} ms per call (${turns} turns)`).toBeLessThanOrEqual(bound);
          // A run long enough to spend the budget several times did yield.
          if (calls.length * stepMs >= 4 * TURN_BUDGET_MS) expect(turns).toBeGreaterThan(0);
          // And no more often than the budget asks: a stretch lasts at least TURN_BUDGET_MS of the
          // clock, so a gate that yields at every call (correct, but a turn per call is what the
          // budget exists to avoid) fails here. Two more for the turns around the first and last call.
          const most = Math.floor((calls.length * stepMs) / TURN_BUDGET_MS) + 2;
          expect(turns, `at most ${most} turns in ${calls.length * stepMs} ms of calls`).toBeLessThanOrEqual(most);
        },
      ),
      { numRuns: 40 },
    );
    // Every run happened (none was skipped); a mutation run caps them (test/setup/fast-check-capped.ts).
    expect(runs).toBe(Math.min(40, mutationRunCap() ?? 40));
  });
});
