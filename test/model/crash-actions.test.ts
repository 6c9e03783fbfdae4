import { describe, expect, it } from 'vitest';
import {
  Arm,
  CheckpointMarker,
  Commit,
  Crash,
  CrashDuringRecover,
  DurabilityInv,
  Flush,
  Fsync,
  FsyncFail,
  Record,
  Recover,
  Close,
  WalAbort,
  WriteFail,
  initialState,
  nextState,
  type ModelState,
  type Recovery,
} from '../../model/index.js';

function commit(state: ModelState, events: string[]): ModelState {
  const armed = nextState(Arm(state));
  return nextState(Commit(events.reduce((s, e) => nextState(Record(s, e)), armed)));
}

function recovery(state: ModelState): Recovery {
  const step = Recover(state);
  if (!step.enabled || !step.outcome.ok) throw new Error('recover was not enabled');
  return step.outcome.value;
}

describe('model crash and recover', () => {
  it('a crash never loses synced records and never keeps records still in memory', () => {
    const synced = nextState(Flush(commit(initialState('per-commit'), ['a'])));
    const buffered = commit(synced, ['b']);
    expect(Crash(buffered, { keptCount: 2 }).enabled).toBe(false);
    expect(Crash(buffered, { keptCount: 4 }).enabled).toBe(false);
    expect(Crash(buffered, { keptCount: 3 }).enabled).toBe(true);
  });

  it('recovery returns the transactions whose TxCommit survived, in commit order', () => {
    const written = nextState(Flush(commit(commit(initialState('none'), ['a']), ['b', 'c'])));
    const crashed = nextState(Crash(written, { keptCount: 5 }));
    const result = recovery(crashed);
    expect(result.replay.transactions).toEqual([{ beginLsn: 1, commitLsn: 3, events: ['a'] }]);
    expect([result.nextLsn, result.durableLsn]).toEqual([6, 5]);
  });

  it('a stray frame after a torn one is not replayed but its LSN is never reused and open reports it settled', () => {
    const written = nextState(Flush(commit(commit(initialState('none'), ['a']), ['b'])));
    expect(Crash(written, { keptCount: 3, strayLsn: 4 }).enabled).toBe(false);
    const result = recovery(nextState(Crash(written, { keptCount: 3, strayLsn: 5 })));
    expect(result.replay.transactions.map((tx) => tx.commitLsn)).toEqual([3]);
    expect([result.nextLsn, result.durableLsn]).toEqual([6, 5]);
  });

  it('an explicitly aborted transaction is never replayed', () => {
    const state = nextState(Fsync(nextState(WalAbort(commit(initialState(), ['a']), ['x']))));
    const result = recovery(nextState(Crash(state, { keptCount: 6 })));
    expect(result.replay.transactions.map((tx) => tx.events)).toEqual([['a']]);
  });

  it('replay skips everything at or below the host snapshot and reports newer markers', () => {
    const first = nextState(Flush(commit(initialState(), ['a'])));
    const marked = nextState(Flush(nextState(CheckpointMarker(first, 3))));
    const second = nextState(Flush(commit(marked, ['b'])));
    const result = recovery(nextState(Crash(second, { keptCount: second.syncedCount })));
    expect(result.checkpointLsn).toBe(3);
    expect(result.replay.transactions.map((tx) => tx.events)).toEqual([['b']]);
    expect(result.replay.checkpointObserved).toBe(3);
  });

  it('a clean reopen keeps every record, even unflushed ones', () => {
    const state = commit(initialState('none'), ['a']);
    expect(Close(state, { keptCount: 0 }).enabled).toBe(false);
    const result = recovery(nextState(Close(state, { keptCount: 3 })));
    expect(result.replay.transactions.length).toBe(1);
  });

  it('a reopen after a failed fsync keeps between the synced and the written records', () => {
    const failed = nextState(FsyncFail(commit(initialState('per-commit'), ['a']), 'flush'));
    expect(Close(failed, { keptCount: 0 }).enabled).toBe(true);
    expect(Close(failed, { keptCount: 3 }).enabled).toBe(true);
    const result = recovery(nextState(Close(failed, { keptCount: 0 })));
    expect(result.replay.transactions).toEqual([]);
    expect(result.nextLsn).toBe(1);
  });

  it('a crash may persist whole frames of a failed write, a reopen never does', () => {
    const failed = nextState(WriteFail(commit(initialState('none'), ['a']), 'flush'));
    expect([failed.writtenCount, failed.attemptedCount]).toEqual([0, 3]);
    expect(Crash(failed, { keptCount: 3 }).enabled).toBe(true);
    expect(Close(failed, { keptCount: 3 }).enabled).toBe(false);
    // Nor a stray frame of it, after a torn one: a crash may keep one, a reopen (the write cut back, nothing torn) never.
    const [, second] = failed.log;
    expect(Crash(failed, { keptCount: 0, strayLsn: second?.lsn ?? null }).enabled).toBe(true);
    expect(Close(failed, { keptCount: 0, strayLsn: second?.lsn ?? null }).enabled).toBe(false);
  });

  it('CrashDuringRecover keeps the host view of the process that went down: DurabilityInv still owes what it acknowledged', () => {
    const durable = nextState(Flush(commit(initialState('per-commit'), ['a'])));
    const pending = nextState(WriteFail(commit(durable, ['b']), 'flush'));
    const crashed = nextState(Crash(pending, { keptCount: 3, strayLsn: 6 }));
    const interrupted = nextState(CrashDuringRecover(crashed, { strayLsn: null }));
    expect(interrupted.down?.before).toEqual(crashed.down?.before);
    expect(interrupted.down?.before.durableLsn).toBe(3);
    const recovered = nextState(Recover(interrupted));
    expect(recovered.recoveries.at(-1)?.replay.transactions.map((tx) => tx.events)).toEqual([['a']]);
    // The cut of the torn tail became durable, so the stray's LSN is gone and may be reused.
    expect(recovered.nextLsn).toBe(4);
    expect(DurabilityInv(recovered)).toBe(true);
  });

  it('CrashDuringRecover never puts on disk an LSN that was not there, and needs a recovery to interrupt', () => {
    const written = nextState(Flush(commit(initialState('none'), ['a'])));
    const crashed = nextState(Crash(written, { keptCount: 0, strayLsn: 3 }));
    expect(CrashDuringRecover(crashed, { strayLsn: 3 }).enabled).toBe(true);
    expect(CrashDuringRecover(crashed, { strayLsn: 4 }).enabled).toBe(false);
    expect(CrashDuringRecover(written, {}).enabled).toBe(false);
  });

  it('DurabilityInv goes red when an interrupted recovery loses an acknowledged record (the planted RepairTruncates of MCWalRepairTruncates.cfg)', () => {
    const durable = nextState(Flush(commit(initialState('per-commit'), ['a'])));
    const crashed = nextState(Crash(durable, { keptCount: 3 }));
    const down = crashed.down;
    if (down === null) throw new Error('the crash did not go down');
    // A repair that cut the segment back to its header before rewriting it, interrupted between.
    const truncatedByRepair = { ...crashed, down: { ...down, disk: down.disk.slice(0, 0), maxSurvivingLsn: 0 } };
    const recovered = nextState(Recover(truncatedByRepair));
    expect(DurabilityInv(recovered)).toBe(false);
  });

  it('every action but Recover is disabled while the process is down', () => {
    const down = nextState(Crash(initialState(), { keptCount: 0 }));
    expect(Arm(down).enabled).toBe(false);
    expect(Flush(down).enabled).toBe(false);
    expect(Crash(down, { keptCount: 0 }).enabled).toBe(false);
    expect(Recover(down).enabled).toBe(true);
  });

  it('a stray frame must lie after the torn one and among the records handed to the OS: the first record never handed over cannot be one', () => {
    let state = commit(initialState('group'), ['a']);
    state = nextState(Flush(state)); // LSNs 1-3 handed to the OS (group: not synced)
    state = commit(state, ['b']); // LSNs 4-6 only in the buffer
    expect(state.attemptedCount).toBe(3);
    const stray = (lsn: number) => Crash(state, { keptCount: 0, strayLsn: lsn });
    expect(stray(3).enabled).toBe(true);
    expect(stray(4).enabled).toBe(false);
    expect(stray(6).enabled).toBe(false);
    const torn = Crash(state, { keptCount: 2, strayLsn: 3 });
    expect(torn.enabled).toBe(false);
    expect(torn.enabled ? '' : torn.reason).toMatch(/stray/);
  });

  it('a clean close makes every record durable: the host it leaves behind is owed every committed transaction, flushed or not', () => {
    for (const policy of ['per-commit', 'group', 'none'] as const) {
      let state = commit(initialState(policy), ['a']);
      state = nextState(Flush(state));
      state = commit(state, ['b']); // LSNs 4-6, never flushed
      const down = nextState(Close(state, { keptCount: state.log.length })).down;
      expect(down?.before.durableLsn, policy).toBe(6);
      expect(down?.disk.length, policy).toBe(6);
    }
  });
});
