// The model's preconditions one by one, on states built by hand: each guard refuses exactly the
// case it names and says so, and PrefixInv and DurabilityInv turn red for each way a recovery or a
// running log can break them. The random runs elsewhere reach these cases too, but at a mutation
// run's capped budgets they do not reach each part of each condition (mutation testing found the
// guards below removable there).
import { describe, expect, it } from 'vitest';
import * as model from '../../model/index.js';
import type { ModelState, Step, SyncPolicy } from '../../model/index.js';

const why = (step: Step<unknown>): string => (step.enabled ? 'enabled' : step.reason);

/** A WAL under `policy` with one committed transaction of two events, flushed. */
function withOneTransaction(policy: SyncPolicy = 'per-commit'): ModelState {
  let state = model.initialState(policy);
  state = model.nextState(model.Arm(state));
  state = model.nextState(model.Record(state, 'a'));
  state = model.nextState(model.Record(state, 'b'));
  state = model.nextState(model.Commit(state));
  return model.nextState(model.Flush(state));
}

/** The same WAL after a crash that kept every record and the recovery after it. */
function recovered(): ModelState {
  const state = withOneTransaction();
  const down = model.nextState(model.Crash(state, { keptCount: state.log.length }));
  return model.nextState(model.Recover(down));
}

describe('model preconditions, case by case', () => {
  it('Close: a clean close keeps every record; a poisoned one keeps at least the synced and at most the written ones', () => {
    const state = withOneTransaction('none');
    expect(why(model.Close(state, { keptCount: state.log.length - 1 }))).toBe('a clean close keeps every record');
    expect(model.Close(state, { keptCount: state.log.length }).enabled).toBe(true);
    // Synced once, then a second transaction written but not synced, then poisoned.
    let more = model.nextState(model.Fsync(state));
    more = model.nextState(model.Arm(more));
    more = model.nextState(model.Record(more, 'c'));
    more = model.nextState(model.Commit(more));
    more = model.nextState(model.Flush(more));
    const poisoned = model.nextState(model.Poison(more, 'host misuse'));
    expect(poisoned.syncedCount).toBeGreaterThan(0);
    for (const keptCount of [poisoned.syncedCount - 1, poisoned.writtenCount + 1]) {
      expect(why(model.Close(poisoned, { keptCount })), `keptCount ${keptCount}`).toBe('a poisoned WAL keeps between its synced and its written records');
    }
    expect(model.Close(poisoned, { keptCount: poisoned.syncedCount }).enabled).toBe(true);
  });

  it('TruncateUpTo: the host truncates only what its snapshot covers', () => {
    const state = withOneTransaction();
    expect(why(model.TruncateUpTo(state, state.checkpointLsn + 1))).toBe('the host only truncates what its snapshot covers');
    expect(model.TruncateUpTo(state, state.checkpointLsn).enabled).toBe(true);
  });

  it('Commit: an empty commit begins no transaction, so it cannot rotate', () => {
    const armed = model.nextState(model.Arm(model.initialState()));
    expect(why(model.Commit(armed, { rotated: true }))).toBe('an empty commit never begins a transaction, so it cannot rotate');
    expect(model.Commit(armed, { rotated: false }).enabled).toBe(true);
  });

  it("Fsync by the flusher: only the group policy has one, and a poisoned WAL's flusher does not run", () => {
    const group = withOneTransaction('group');
    expect(model.Fsync(group, 'flusher').enabled).toBe(true);
    expect(why(model.Fsync(withOneTransaction('none'), 'flusher'))).toBe('only the group policy has a background flusher');
    const poisoned = model.nextState(model.Poison(group, 'host misuse'));
    expect(why(model.Fsync(poisoned, 'flusher'))).toBe('a poisoned WAL has no running flusher');
  });

  it('FsyncFail: flush fsyncs only under per-commit; forceFsync always does; the refusal names the call and the policy', () => {
    for (const policy of ['group', 'none'] as const) {
      const state = withOneTransaction(policy);
      expect(why(model.FsyncFail(state, 'flush'))).toBe(`flush does not fsync under ${policy}`);
      expect(model.FsyncFail(state, 'forceFsync').enabled).toBe(true);
    }
    const perCommit = model.nextState(model.Arm(withOneTransaction('per-commit')));
    const pending = model.nextState(model.Commit(model.nextState(model.Record(perCommit, 'c'))));
    expect(model.FsyncFail(pending, 'flush').enabled).toBe(true);
  });
});

describe('PrefixInv and DurabilityInv, one broken part at a time', () => {
  it('hold on a recovered log', () => {
    const state = recovered();
    expect(state.recoveries.at(-1)?.replay.transactions).toHaveLength(1);
    expect(model.PrefixInv(state)).toBe(true);
    expect(model.DurabilityInv(state)).toBe(true);
  });

  it('a replayed transaction with one event changed, or one more transaction than was committed, breaks PrefixInv', () => {
    const state = recovered();
    const recovery = state.recoveries.at(-1)!;
    const tx = recovery.replay.transactions[0]!;
    const withReplay = (transactions: typeof recovery.replay.transactions): ModelState => ({
      ...state,
      recoveries: [...state.recoveries.slice(0, -1), { ...recovery, replay: { ...recovery.replay, transactions } }],
    });
    expect(model.PrefixInv(withReplay([{ ...tx, events: [tx.events[0]!, 'changed'] }]))).toBe(false);
    expect(model.PrefixInv(withReplay([{ ...tx, events: ['changed', tx.events[1]!] }]))).toBe(false);
    expect(model.PrefixInv(withReplay([tx, tx]))).toBe(false);
  });

  it('a running log whose counts are out of order breaks PrefixInv, and a durable LSN above the synced records breaks DurabilityInv, after a recovery too', () => {
    const state = recovered();
    expect(model.PrefixInv({ ...state, syncedCount: state.writtenCount + 1 })).toBe(false);
    expect(model.DurabilityInv({ ...state, durableLsn: state.nextLsn + 5 })).toBe(false);
  });
});
