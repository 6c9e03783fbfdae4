// model/index.ts, the preconditions of its actions one by one, on states built by hand: each guard refuses exactly the
// case it names and says so, and PrefixInv and DurabilityInv turn red for each way a recovery or a
// running log can break them. The random runs elsewhere reach these cases too, but at a mutation
// run's capped budgets they do not reach each part of each condition (mutation testing found the
// guards below removable there).
import { describe, expect, it } from 'vitest';
import * as model from '../../model/index.js';
import type { ModelState, Step, SyncPolicy } from '../../model/index.js';
import { sessionOpenBegins } from '../../model/low-level-actions.js';
import { acceptedSnapshotLsns, Checkpoint } from '../../model/snapshot-epochs.js';

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

describe('the failing fsync and write of each call', () => {
  it('the flusher (groupSync) exists only under group; a poisoned WAL runs neither; the poison names the call; the flusher fails quietly, a caller gets IoError', () => {
    for (const action of [model.FsyncFail, model.WriteFail]) {
      expect(why(action(withOneTransaction('per-commit'), 'groupSync'))).toBe('only the group policy has a background flusher');
    }
    // Group: one transaction committed and not yet written or synced by anyone.
    let group = model.nextState(model.Arm(model.initialState('group')));
    group = model.nextState(model.Record(group, 'a'));
    group = model.nextState(model.Commit(group));
    const byFlusher = model.FsyncFail(group, 'groupSync');
    expect(byFlusher.enabled && byFlusher.outcome).toEqual({ ok: true, value: undefined });
    expect(model.nextState(byFlusher).walPoisoned).toBe('fsync failed during groupSync');
    const byCaller = model.FsyncFail(group, 'forceFsync');
    expect(byCaller.enabled && byCaller.outcome).toEqual({ ok: false, code: 'IoError' });
    expect(model.nextState(byCaller).walPoisoned).toBe('fsync failed during forceFsync');
    const writeByFlusher = model.WriteFail(group, 'groupSync');
    expect(writeByFlusher.enabled && writeByFlusher.outcome).toEqual({ ok: true, value: undefined });
    expect(model.nextState(writeByFlusher).walPoisoned).toBe('write failed during groupSync');
    const writeByCaller = model.WriteFail(group, 'flush');
    expect(writeByCaller.enabled && writeByCaller.outcome).toEqual({ ok: false, code: 'IoError' });
    const poisoned = model.nextState(byFlusher);
    expect(why(model.FsyncFail(poisoned, 'groupSync'))).toBe('a poisoned WAL runs no fsync');
    expect(why(model.WriteFail(poisoned, 'groupSync'))).toBe('a poisoned WAL runs no write');
  });
});

describe('Recover, the parts the invariants do not see', () => {
  it('the highest snapshot LSN of the checkpoint markers on disk is the last snapshot LSN (null without one), and only the last two recoveries are kept', () => {
    let state = withOneTransaction();
    expect(model.nextState(model.Recover(model.nextState(model.Crash(state, { keptCount: state.log.length })))).lastSnapshotLsn).toBeNull();
    state = model.nextState(model.CheckpointMarker(state, 3));
    state = model.nextState(model.Arm(state));
    state = model.nextState(model.Record(state, 'c'));
    state = model.nextState(model.Commit(state));
    state = model.nextState(model.Flush(state));
    const secondCommit = state.nextLsn - 1;
    state = model.nextState(model.CheckpointMarker(state, secondCommit));
    state = model.nextState(model.Flush(state));
    state = model.nextState(model.Fsync(state));
    for (let round = 0; round < 3; round++) state = model.nextState(model.Recover(model.nextState(model.Crash(state, { keptCount: state.log.length }))));
    expect(state.lastSnapshotLsn).toBe(secondCommit);
    expect(secondCommit).toBeGreaterThan(3);
    expect(state.recoveries).toHaveLength(2);
  });

  it("a transaction begun before the recovery is not this session's, even when its TxBegin is the last record on disk", () => {
    let state = withOneTransaction();
    state = model.nextState(model.Begin(state));
    state = model.nextState(model.Fsync(state));
    const begin = state.nextLsn - 1;
    state = model.nextState(model.Recover(model.nextState(model.Crash(state, { keptCount: state.log.length }))));
    expect(state.openedAtLsn).toBe(begin);
    expect(sessionOpenBegins(state)).toEqual([]);
    state = model.nextState(model.Begin(state));
    expect(sessionOpenBegins(state)).toEqual([begin + 1]);
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

  it('AtomicityInv: a committed transaction must be in the log with its TxBegin, its TxCommit naming it, and exactly its events', () => {
    const state = withOneTransaction();
    expect(model.AtomicityInv(state)).toBe(true);
    const tx = state.committed[0]!;
    const without = (keep: (r: (typeof state.log)[number]) => boolean): ModelState => ({ ...state, log: state.log.filter(keep) });
    expect(model.AtomicityInv(without((r) => r.kind !== 'TxBegin'))).toBe(false);
    expect(model.AtomicityInv(without((r) => r.kind !== 'TxCommit'))).toBe(false);
    expect(model.AtomicityInv({ ...state, log: state.log.map((r) => (r.kind === 'TxCommit' ? { ...r, txBeginLsn: r.txBeginLsn + 100 } : r)) })).toBe(false);
    expect(model.AtomicityInv({ ...state, log: state.log.map((r) => (r.kind === 'TxCommit' ? { ...r, lsn: r.lsn + 100 } : r)) })).toBe(false);
    expect(model.AtomicityInv({ ...state, log: state.log.map((r) => (r.kind === 'TxBegin' ? { ...r, lsn: r.lsn + 100 } : r)) })).toBe(false);
    expect(model.AtomicityInv({ ...state, committed: [{ ...tx, events: [...tx.events, 'more'] }] })).toBe(false);
    expect(model.AtomicityInv({ ...state, committed: [{ ...tx, events: ['changed', ...tx.events.slice(1)] }] })).toBe(false);
  });

  it('Begin: a poisoned WAL refuses it; a Begin that rotated first sealed what came before (synced), one that did not leaves the counts alone', () => {
    let state = model.initialState('none');
    state = model.nextState(model.Arm(state));
    state = model.nextState(model.Record(state, 'a'));
    state = model.nextState(model.Commit(state));
    expect(state.syncedCount).toBe(0);
    const rotated = model.nextState(model.Begin(state, { rotated: true }));
    expect(rotated.syncedCount).toBe(state.log.length);
    const plain = model.nextState(model.Begin(state));
    expect(plain.syncedCount).toBe(0);
    const poisoned = model.Begin(model.nextState(model.Poison(state, 'host misuse')));
    expect(poisoned.enabled && poisoned.outcome).toEqual({ ok: false, code: 'Poisoned' });
  });

  it('AtomicityInv after a recovery: a disarmed recorder holding events, a replayed transaction that was never committed, or one that was aborted break it', () => {
    const state = recovered();
    expect(model.AtomicityInv(state)).toBe(true);
    expect(model.AtomicityInv({ ...state, recorder: { armed: false, buffer: ['x'], poisoned: null } })).toBe(false);
    const recovery = state.recoveries.at(-1)!;
    const tx = recovery.replay.transactions[0]!;
    const withRecovery = (changed: Partial<typeof recovery>): ModelState => ({ ...state, recoveries: [...state.recoveries.slice(0, -1), { ...recovery, ...changed }] });
    expect(model.AtomicityInv(withRecovery({ before: { ...recovery.before, committed: [] } }))).toBe(false);
    expect(model.AtomicityInv(withRecovery({ before: { ...recovery.before, aborted: [tx.beginLsn] } }))).toBe(false);
  });

  it('NoReuseInv: LSNs that do not increase along the log, or a last LSN at the next LSN, break it, after a recovery too', () => {
    const state = recovered();
    expect(model.NoReuseInv(state)).toBe(true);
    const log = state.log;
    expect(model.NoReuseInv({ ...state, log: [log[0]!, { ...log[1]!, lsn: log[0]!.lsn }, ...log.slice(2)] })).toBe(false);
    expect(model.NoReuseInv({ ...state, nextLsn: log.at(-1)!.lsn })).toBe(false);
    expect(model.NoReuseInv({ ...state, nextLsn: log.at(-1)!.lsn + 1 })).toBe(true);
  });

  it('CommitOpen releases exactly the events appended to its own transaction; AbortOpen records the abort', () => {
    let state = model.initialState();
    state = model.nextState(model.Begin(state));
    const first = state.nextLsn - 1;
    state = model.nextState(model.Begin(state));
    const second = state.nextLsn - 1;
    state = model.nextState(model.Append(state, first, ['a1']));
    state = model.nextState(model.Append(state, second, ['b1']));
    state = model.nextState(model.Append(state, first, ['a2']));
    const committed = model.CommitOpen(state, first);
    const after = model.nextState(committed);
    expect(after.committed).toEqual([{ beginLsn: first, commitLsn: state.nextLsn, events: ['a1', 'a2'] }]);
    expect(after.log.at(-1)).toEqual({ kind: 'TxCommit', lsn: state.nextLsn, txBeginLsn: first });
    const aborted = model.nextState(model.AbortOpen(after, second));
    expect(aborted.aborted).toEqual([second]);
    expect(aborted.log.at(-1)).toEqual({ kind: 'TxAbort', lsn: after.nextLsn, txBeginLsn: second });
    expect(aborted.committed).toEqual(after.committed);
    const third = model.nextState(model.Begin(aborted));
    const both = model.nextState(model.CommitOpen(third, third.nextLsn - 1));
    expect(both.committed.map((t) => t.beginLsn)).toEqual([first, third.nextLsn - 1]);
  });

  it('NoReuseInv after a recovery: the next LSN must be above every LSN that survived and above the snapshot', () => {
    const state = recovered();
    const recovery = state.recoveries.at(-1)!;
    const withRecovery = (changed: Partial<typeof recovery>): ModelState => ({ ...state, recoveries: [...state.recoveries.slice(0, -1), { ...recovery, ...changed }] });
    expect(model.NoReuseInv(withRecovery({ nextLsn: recovery.maxSurvivingLsn }))).toBe(false);
    expect(model.NoReuseInv(withRecovery({ checkpointLsn: recovery.nextLsn }))).toBe(false);
    expect(model.NoReuseInv(withRecovery({ checkpointLsn: recovery.nextLsn - 1 }))).toBe(true);
  });

  it('IdempotenceInv: a second recovery with nothing appended must replay what the first did', () => {
    const once = recovered();
    expect(model.IdempotenceInv(model.initialState())).toBe(true);
    expect(model.IdempotenceInv(once)).toBe(true);
    const twice = model.nextState(model.Recover(model.nextState(model.Crash(once, { keptCount: once.log.length }))));
    expect(twice.recoveries).toHaveLength(2);
    expect(model.IdempotenceInv(twice)).toBe(true);
    const latest = twice.recoveries[1]!;
    expect(model.IdempotenceInv({ ...twice, recoveries: [twice.recoveries[0]!, { ...latest, replay: { ...latest.replay, transactions: [] } }] })).toBe(false);
  });

  it("a checkpoint of this session is not split by a transaction the previous session left open, even one whose TxBegin is the last record the recovery kept", () => {
    let state = withOneTransaction();
    state = model.nextState(model.Begin(state));
    state = model.nextState(model.Fsync(state));
    state = model.nextState(model.Recover(model.nextState(model.Crash(state, { keptCount: state.log.length }))));
    state = model.nextState(model.Arm(state));
    state = model.nextState(model.Record(state, 'c'));
    state = model.nextState(model.Commit(state));
    state = model.nextState(model.Flush(state));
    const step = Checkpoint(state, state.nextLsn - 1);
    expect(step.enabled && step.outcome.ok).toBe(true);
  });

  it('IdempotenceInv compares only when nothing was appended between the two recoveries', () => {
    const once = recovered();
    const twice = model.nextState(model.Recover(model.nextState(model.Crash(once, { keptCount: once.log.length }))));
    const latest = twice.recoveries[1]!;
    const appended = { ...latest, before: { ...latest.before, log: [...latest.before.log, { kind: 'TxBegin' as const, lsn: 99 }] }, replay: { ...latest.replay, transactions: [] } };
    expect(model.IdempotenceInv({ ...twice, recoveries: [twice.recoveries[0]!, appended] })).toBe(true);
    const moved = { ...latest, checkpointLsn: latest.checkpointLsn + 1, replay: { ...latest.replay, transactions: [] } };
    expect(model.IdempotenceInv({ ...twice, recoveries: [twice.recoveries[0]!, moved] })).toBe(true);
  });

  it('ExactnessInv: the replay must match the crash state in its transactions, its observed checkpoint and its next and durable LSNs', () => {
    const state = recovered();
    const recovery = state.recoveries.at(-1)!;
    const withRecovery = (changed: Partial<typeof recovery>): ModelState => ({ ...state, recoveries: [...state.recoveries.slice(0, -1), { ...recovery, ...changed }] });
    expect(model.ExactnessInv(state)).toBe(true);
    expect(model.ExactnessInv(withRecovery({ replay: { ...recovery.replay, transactions: [] } }))).toBe(false);
    expect(model.ExactnessInv(withRecovery({ replay: { ...recovery.replay, checkpointObserved: 2 } }))).toBe(false);
    expect(model.ExactnessInv(withRecovery({ durableLsn: recovery.durableLsn - 1 }))).toBe(false);
    expect(model.ExactnessInv(withRecovery({ nextLsn: recovery.nextLsn + 1, durableLsn: recovery.nextLsn }))).toBe(false);
  });

  it('replayLog skips every record at or below the checkpoint LSN, a TxBegin exactly there included', () => {
    const log = [
      { kind: 'TxBegin' as const, lsn: 5 },
      { kind: 'MutationBatch' as const, lsn: 6, txBeginLsn: 5, events: ['x'] },
      { kind: 'TxCommit' as const, lsn: 7, txBeginLsn: 5 },
    ];
    expect(model.replayLog(log, 5).transactions).toEqual([]);
    expect(model.replayLog(log, 4).transactions).toEqual([{ beginLsn: 5, commitLsn: 7, events: ['x'] }]);
  });

  it('a snapshot at the fence the last open replayed above is accepted, and one inside a transaction of this session is not', () => {
    let state = withOneTransaction();
    const fence = state.nextLsn - 1;
    state = model.nextState(Checkpoint(state, fence));
    state = model.nextState(model.Arm(state));
    state = model.nextState(model.Record(state, 'c'));
    state = model.nextState(model.Commit(state));
    state = model.nextState(model.Flush(state));
    state = model.nextState(model.Fsync(state));
    state = model.nextState(model.Recover(model.nextState(model.Crash(state, { keptCount: state.log.length }))));
    expect(state.recoveries.at(-1)!.checkpointLsn).toBe(fence);
    expect(state.openedAtLsn).toBeGreaterThan(fence);
    expect(acceptedSnapshotLsns(state)).toContain(fence);
    // Two transactions of this session, one after the other: each commit is a boundary.
    for (const event of ['d', 'e']) {
      state = model.nextState(model.Arm(state));
      state = model.nextState(model.Record(state, event));
      state = model.nextState(model.Commit(state));
      state = model.nextState(model.Flush(state));
    }
    const commits = state.log.filter((r) => r.kind === 'TxCommit' && r.lsn > state.openedAtLsn).map((r) => r.lsn);
    expect(commits).toHaveLength(2);
    expect(acceptedSnapshotLsns(state)).toEqual(expect.arrayContaining(commits));
    const inside = commits[1]! - 1;
    expect(acceptedSnapshotLsns(state)).not.toContain(inside);
  });

  it('unreleasedBegins: the aborted transactions and those left open, ascending', () => {
    const records = [
      { kind: 'TxBegin' as const, lsn: 1 },
      { kind: 'TxBegin' as const, lsn: 2 },
      { kind: 'TxAbort' as const, lsn: 3, txBeginLsn: 2 },
      { kind: 'TxBegin' as const, lsn: 4 },
      { kind: 'TxCommit' as const, lsn: 5, txBeginLsn: 4 },
      { kind: 'TxBegin' as const, lsn: 6 },
    ];
    expect(model.unreleasedBegins(records)).toEqual([1, 2, 6]);
  });

  it('Checkpoint refuses a snapshot LSN that is not durable, below the floor, not an LSN, no commit boundary, or inside an open transaction, each with its code; accepted LSNs come ascending', () => {
    let state = withOneTransaction('none');
    state = model.nextState(model.Fsync(state));
    const durable = state.nextLsn - 1;
    state = model.nextState(model.Arm(state));
    state = model.nextState(model.Record(state, 'c'));
    state = model.nextState(model.Commit(state));
    state = model.nextState(model.Flush(state)); // written, not synced
    const notDurable = state.nextLsn - 1;
    expect(acceptedSnapshotLsns(state)).toEqual([0, durable]);
    const code = (lsn: number): string | null => {
      const step = Checkpoint(state, lsn);
      return step.enabled && !step.outcome.ok ? step.outcome.code : null;
    };
    expect(code(notDurable)).toBe('InvalidArgument');
    expect(code(1.5)).toBe('InvalidArgument');
    expect(code(durable - 1)).toBe('InvalidArgument'); // inside a committed transaction: no commit boundary
    expect(code(durable)).toBeNull();
    // A transaction still open across a durable LSN: that LSN splits it.
    let open = model.nextState(model.Begin(withOneTransaction()));
    open = model.nextState(model.Fsync(open));
    const splitting = Checkpoint(open, open.nextLsn - 1);
    expect(splitting.enabled && !splitting.outcome.ok && splitting.outcome.code).toBe('FenceSplitsTransaction');
    // Inside that open transaction but not an LSN, or not durable: InvalidArgument, not a split.
    const begun = open.nextLsn - 1;
    const appended = model.nextState(model.Fsync(model.nextState(model.Append(open, begun, ['x']))));
    const fraction = Checkpoint(appended, begun + 0.5);
    expect(fraction.enabled && !fraction.outcome.ok && fraction.outcome.code).toBe('InvalidArgument');
    const unsynced = model.nextState(model.Begin(model.nextState(model.Begin(withOneTransaction('none')))));
    const beyond = Checkpoint(unsynced, unsynced.nextLsn - 1);
    expect(beyond.enabled && !beyond.outcome.ok && beyond.outcome.code).toBe('InvalidArgument');
    const after = model.nextState(Checkpoint(state, durable));
    const again = Checkpoint(after, 0);
    expect(again.enabled && !again.outcome.ok && again.outcome.code).toBe('InvalidArgument');
    const poisoned = Checkpoint(model.nextState(model.Poison(state, 'host misuse')), durable);
    expect(poisoned.enabled && !poisoned.outcome.ok && poisoned.outcome.code).toBe('Poisoned');
  });

  it('a commit of this session after an aborted transaction is a snapshot boundary: the abort closed it', () => {
    let state = model.nextState(model.Begin(model.initialState()));
    const aborted = state.nextLsn - 1;
    state = model.nextState(model.AbortOpen(state, aborted));
    state = model.nextState(model.Arm(state));
    state = model.nextState(model.Record(state, 'a'));
    state = model.nextState(model.Commit(state));
    state = model.nextState(model.Flush(state));
    expect(acceptedSnapshotLsns(state)).toContain(state.nextLsn - 1);
  });
});
