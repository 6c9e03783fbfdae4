import { describe, expect, it } from 'vitest';
import {
  Arm,
  CheckpointMarker,
  Commit,
  Flush,
  Poison,
  FsyncFail,
  Fsync,
  Record,
  TruncateUpTo,
  WalAbort,
  WriteFail,
  initialState,
  nextState,
  type ModelState,
  type SyncPolicy,
} from '../../model/index.js';

function committed(policy: SyncPolicy, events: string[] = ['a']): ModelState {
  const armed = nextState(Arm(initialState(policy)));
  return nextState(Commit(events.reduce((s, e) => nextState(Record(s, e)), armed)));
}

describe('model sync actions', () => {
  it('per-commit flush writes, fsyncs and advances the durable LSN to the last record', () => {
    const state = nextState(Flush(committed('per-commit')));
    expect([state.writtenCount, state.syncedCount, state.durableLsn]).toEqual([3, 3, 3]);
  });

  it('group flush only writes; the durable LSN advances when the flusher runs Fsync', () => {
    const flushed = nextState(Flush(committed('group')));
    expect([flushed.writtenCount, flushed.syncedCount, flushed.durableLsn]).toEqual([3, 0, 0]);
    const synced = nextState(Fsync(flushed, 'flusher'));
    expect([synced.syncedCount, synced.durableLsn]).toEqual([3, 3]);
  });

  it('none flush only writes and only forceFsync advances the durable LSN', () => {
    const flushed = nextState(Flush(committed('none')));
    expect(flushed.durableLsn).toBe(0);
    expect(Fsync(flushed, 'flusher').enabled).toBe(false);
    expect(nextState(Fsync(flushed)).durableLsn).toBe(3);
  });

  it('a failed fsync poisons the log, hands the records to the OS and leaves the durable LSN', () => {
    const step = FsyncFail(committed('per-commit'), 'flush');
    expect(step.enabled && step.outcome).toEqual({ ok: false, code: 'IoError' });
    const state = nextState(step);
    expect([state.writtenCount, state.syncedCount, state.durableLsn]).toEqual([3, 0, 0]);
    expect(state.walPoisoned).not.toBeNull();
    const refused = Flush(state);
    expect(refused.enabled && refused.outcome).toEqual({ ok: false, code: 'Poisoned' });
  });

  it('a failed write poisons the log and hands nothing to the OS', () => {
    const state = nextState(WriteFail(committed('none'), 'forceFsync'));
    expect([state.writtenCount, state.syncedCount]).toEqual([0, 0]);
    expect(state.walPoisoned).not.toBeNull();
  });

  it('a fault cannot strike a call that has nothing to write or fsync', () => {
    const idle = initialState('per-commit');
    expect(FsyncFail(idle, 'forceFsync').enabled).toBe(false);
    expect(WriteFail(idle, 'flush').enabled).toBe(false);
    expect(FsyncFail(committed('none'), 'flush').enabled).toBe(false);
  });

  it('rotation at begin makes every earlier record durable', () => {
    const first = nextState(Flush(committed('none')));
    const armed = nextState(Record(nextState(Arm(first)), 'b'));
    const state = nextState(Commit(armed, { rotated: true }));
    expect([state.syncedCount, state.durableLsn, state.log.length]).toEqual([3, 3, 6]);
  });

  it('a wal-level aborted transaction takes three LSNs and joins the aborted history', () => {
    const step = WalAbort(initialState(), ['x']);
    expect(step.enabled && step.outcome).toEqual({ ok: true, value: { beginLsn: 1, abortLsn: 3 } });
    const state = nextState(step);
    expect(state.aborted).toEqual([1]);
    expect(state.committed).toEqual([]);
  });

  it('a checkpoint marker may not point past itself nor regress, and raises the checkpoint LSN', () => {
    const base = committed('per-commit');
    const past = CheckpointMarker(base, 4);
    expect(past.enabled && past.outcome).toEqual({ ok: false, code: 'InvalidArgument' });
    const marked = nextState(CheckpointMarker(base, 3));
    expect([marked.checkpointLsn, marked.lastSnapshotLsn, marked.nextLsn]).toEqual([3, 3, 5]);
    const regress = CheckpointMarker(marked, 2);
    expect(regress.enabled && regress.outcome).toEqual({ ok: false, code: 'InvalidArgument' });
  });

  it('truncation is only enabled up to the host snapshot', () => {
    const base = committed('per-commit');
    expect(TruncateUpTo(base, 3).enabled).toBe(false);
    const marked = nextState(CheckpointMarker(base, 3));
    expect(TruncateUpTo(marked, 3).enabled).toBe(true);
  });

  it('a poisoned recorder poisons the log: every caller\'s flush and fsync is refused, and no fault can strike them', () => {
    const outcome = (step: ReturnType<typeof Flush>) => (step.enabled ? (step.outcome.ok ? 'ok' : step.outcome.code) : 'disabled');
    for (const policy of ['per-commit', 'group', 'none'] as const) {
      const byHost = nextState(Poison(committed(policy), 'a host decision'));
      const byFsync = nextState(FsyncFail(committed(policy), 'forceFsync', 'wal'));
      for (const state of [byHost, byFsync]) {
        for (const caller of ['recorder', 'wal'] as const) {
          expect([outcome(Flush(state, caller)), outcome(Fsync(state, caller))], `${policy}, ${caller}`).toEqual(['Poisoned', 'Poisoned']);
          expect([outcome(FsyncFail(state, 'forceFsync', caller)), outcome(WriteFail(state, 'forceFsync', caller))], `${policy}, ${caller}`).toEqual(['disabled', 'disabled']);
        }
      }
    }
  });
});
