// model/snapshot-epochs.ts: the two invariants of spec/Manifest.tla hold on recoveries that see one
// whole epoch and go red on each way of seeing a mix; and the snapshot LSNs the model accepts.
import { describe, expect, it } from 'vitest';
import {
  acceptedSnapshotLsns,
  Checkpoint,
  EpochAcknowledged,
  EpochDurabilityInv,
  EpochRenamed,
  initialEpochHistory,
  OneEpochInv,
  snapshotEvents,
  type EpochRecovery,
} from '../../model/snapshot-epochs.js';
import { initialState } from '../../model/init.js';
import { CheckpointMarker } from '../../model/log-actions.js';
import { nextState } from '../../model/step.js';
import type { CommittedTx, LogRecord, ModelState } from '../../model/state.js';

const committed: CommittedTx[] = [
  { beginLsn: 1, commitLsn: 3, events: ['a'] },
  { beginLsn: 4, commitLsn: 6, events: ['b'] },
  { beginLsn: 7, commitLsn: 9, events: ['c'] },
];
const epoch1 = { epoch: 1, snapshotLsn: 3, snapshot: ['a'] };
const renamed = EpochRenamed(initialEpochHistory, epoch1);
const acked = EpochAcknowledged(renamed, 1);
const recovery = (r: Partial<EpochRecovery>): EpochRecovery => ({ epoch: 1, snapshotLsn: 3, snapshot: ['a'], transactions: committed.slice(1), ...r });

describe('snapshot epochs in the model', () => {
  it('OneEpochInv holds for the old epoch and for the new one, each whole', () => {
    expect(OneEpochInv(renamed, committed, recovery({}))).toBe(true);
    expect(OneEpochInv(renamed, committed, { epoch: 0, snapshotLsn: 0, snapshot: [], transactions: committed })).toBe(true);
    expect(snapshotEvents(committed, 6)).toEqual(['a', 'b']);
  });

  it('OneEpochInv goes red on a mix: the new MANIFEST with the old snapshot, a replay that skips or repeats, an epoch never renamed, an unreadable snapshot', () => {
    expect(OneEpochInv(renamed, committed, recovery({ snapshot: [] }))).toBe(false);
    expect(OneEpochInv(renamed, committed, recovery({ transactions: committed.slice(2) }))).toBe(false);
    expect(OneEpochInv(renamed, committed, recovery({ transactions: committed }))).toBe(false);
    expect(OneEpochInv(initialEpochHistory, committed, recovery({}))).toBe(false);
    expect(OneEpochInv(renamed, committed, recovery({ snapshot: null }))).toBe(false);
  });

  it('OneEpochInv goes red when any one part of it is broken alone', () => {
    // The epoch found must match a renamed one on both its number and its LSN.
    expect(OneEpochInv(renamed, committed, recovery({ epoch: 7 }))).toBe(false);
    expect(OneEpochInv(renamed, committed, recovery({ snapshotLsn: 0 }))).toBe(false);
    expect(OneEpochInv(renamed, committed, { epoch: 1, snapshotLsn: 0, snapshot: [], transactions: committed })).toBe(false);
    // The snapshot read back must hold that epoch's events, each of them.
    expect(OneEpochInv(renamed, committed, recovery({ snapshot: ['z'] }))).toBe(false);
    expect(OneEpochInv(renamed, committed, recovery({ snapshot: ['a', 'b'] }))).toBe(false);
    // Every replayed transaction must be the committed one at its place: commit LSN, begin LSN and events.
    const [second, third] = [committed[1]!, committed[2]!];
    expect(OneEpochInv(renamed, committed, recovery({ transactions: [{ ...second, commitLsn: 5 }, third] }))).toBe(false);
    expect(OneEpochInv(renamed, committed, recovery({ transactions: [{ ...second, beginLsn: 5 }, third] }))).toBe(false);
    expect(OneEpochInv(renamed, committed, recovery({ transactions: [{ ...second, events: ['x'] }, third] }))).toBe(false);
    expect(OneEpochInv(renamed, committed, recovery({ transactions: [second, third, { beginLsn: 10, commitLsn: 11, events: ['d'] }] }))).toBe(false);
    // A replay that stops early is a prefix, which this invariant allows (PrefixInv judges it).
    expect(OneEpochInv(renamed, committed, recovery({ transactions: [second] }))).toBe(true);
  });

  it('EpochDurabilityInv goes red when a returned checkpoint is lost', () => {
    expect(EpochDurabilityInv(renamed, { epoch: 0, snapshotLsn: 0, snapshot: [], transactions: committed })).toBe(true);
    expect(EpochDurabilityInv(acked, { epoch: 0, snapshotLsn: 0, snapshot: [], transactions: committed })).toBe(false);
    expect(EpochDurabilityInv(acked, recovery({}))).toBe(true);
  });

  it('accepts a durable boundary commit at or above the fence, the recovered LSN and the fence; refuses the rest', () => {
    const log: LogRecord[] = [
      { kind: 'TxBegin', lsn: 1 },
      { kind: 'MutationBatch', lsn: 2, txBeginLsn: 1, events: ['a'] },
      { kind: 'TxCommit', lsn: 3, txBeginLsn: 1 },
      { kind: 'TxBegin', lsn: 4 },
      { kind: 'TxBegin', lsn: 5 },
      { kind: 'TxCommit', lsn: 6, txBeginLsn: 5 },
      { kind: 'TxCommit', lsn: 7, txBeginLsn: 4 },
    ];
    const state: ModelState = { ...initialState('per-commit'), log, writtenCount: 7, attemptedCount: 7, syncedCount: 7, durableLsn: 7, nextLsn: 8 };
    expect(acceptedSnapshotLsns(state)).toEqual([0, 3, 7]);
    expect(Checkpoint(state, 6)).toMatchObject({ enabled: true, outcome: { ok: false, code: 'FenceSplitsTransaction' } });
    expect(Checkpoint(state, 5)).toMatchObject({ enabled: true, outcome: { ok: false, code: 'InvalidArgument' } });
    const step = Checkpoint(state, 3);
    expect(step).toMatchObject({ enabled: true, outcome: { ok: true, value: 8 } });
    if (step.enabled) expect(acceptedSnapshotLsns(step.state)).toEqual([3, 7]);
    expect(acceptedSnapshotLsns({ ...state, durableLsn: 6 })).toEqual([0, 3]);
  });

  it('a marker does not make its LSN a snapshot LSN: one inside a transaction is FenceSplitsTransaction, one from before the last open InvalidArgument', () => {
    const log: LogRecord[] = [
      { kind: 'TxBegin', lsn: 1 },
      { kind: 'TxCommit', lsn: 2, txBeginLsn: 1 },
      { kind: 'TxBegin', lsn: 3 },
      { kind: 'TxBegin', lsn: 4 },
      { kind: 'TxCommit', lsn: 5, txBeginLsn: 4 },
    ];
    const base: ModelState = { ...initialState('per-commit'), log, writtenCount: 5, attemptedCount: 5, syncedCount: 5, durableLsn: 5, nextLsn: 6 };
    // Transaction 3 is still open: every LSN from its begin on is inside it.
    expect(Checkpoint(nextState(CheckpointMarker(base, 5)), 5)).toMatchObject({ outcome: { ok: false, code: 'FenceSplitsTransaction' } });
    expect(Checkpoint(base, 3)).toMatchObject({ outcome: { ok: false, code: 'FenceSplitsTransaction' } });
    expect(acceptedSnapshotLsns(base)).toEqual([0, 2]);
    // After a reopen at LSN 5 with fence 0, a marker at 2 moves the host's fence, not the WAL's.
    const reopened: ModelState = { ...base, log: [...log, { kind: 'TxAbort', lsn: 6, txBeginLsn: 3 }], nextLsn: 7, durableLsn: 6, syncedCount: 6, writtenCount: 6, attemptedCount: 6, openedAtLsn: 6 };
    const marked = nextState(CheckpointMarker(reopened, 2));
    expect(marked.checkpointLsn).toBe(2);
    expect(Checkpoint(marked, 2)).toMatchObject({ outcome: { ok: false, code: 'InvalidArgument' } });
    expect(acceptedSnapshotLsns(marked)).toEqual([6]);
  });
});
