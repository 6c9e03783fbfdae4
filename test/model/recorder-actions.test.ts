import { describe, expect, it } from 'vitest';
import { Abort, Arm, Commit, Flush, Poison, Record, initialState, nextState, recorderPoisoned, type ModelState } from '../../model/index.js';

const armed = (state: ModelState = initialState()): ModelState => nextState(Arm(state));
const withEvents = (events: string[], state: ModelState = initialState()): ModelState =>
  events.reduce((s, e) => nextState(Record(s, e)), armed(state));

describe('model recorder actions', () => {
  it('commit of an empty buffer returns "no" and allocates no LSN', () => {
    const step = Commit(armed());
    expect(step.enabled && step.outcome).toEqual({ ok: true, value: { wrote: 'no' } });
    const state = nextState(step);
    expect(state.nextLsn).toBe(1);
    expect(state.log).toEqual([]);
    expect(state.recorder.armed).toBe(false);
  });

  it('commit of a buffer appends TxBegin, one MutationBatch and TxCommit at three consecutive LSNs', () => {
    const step = Commit(withEvents(['a', 'b']));
    expect(step.enabled && step.outcome).toEqual({ ok: true, value: { wrote: 'yes', beginLsn: 1, commitLsn: 3 } });
    const state = nextState(step);
    expect(state.log).toEqual([
      { kind: 'TxBegin', lsn: 1 },
      { kind: 'MutationBatch', lsn: 2, txBeginLsn: 1, events: ['a', 'b'] },
      { kind: 'TxCommit', lsn: 3, txBeginLsn: 1 },
    ]);
    expect(state.nextLsn).toBe(4);
    expect(state.writtenCount).toBe(0);
    expect(state.committed).toEqual([{ beginLsn: 1, commitLsn: 3, events: ['a', 'b'] }]);
  });

  it('arm while armed poisons the recorder and fails with Poisoned', () => {
    const step = Arm(armed());
    expect(step.enabled && step.outcome).toEqual({ ok: false, code: 'Poisoned' });
    expect(recorderPoisoned(nextState(step))).not.toBeNull();
  });

  it('record outside an armed query poisons silently, and a poisoned recorder ignores record', () => {
    const poisoned = nextState(Record(initialState(), 'x'));
    expect(recorderPoisoned(poisoned)).not.toBeNull();
    expect(nextState(Record(poisoned, 'y'))).toEqual(poisoned);
  });

  it('commit without arm poisons and a poisoned recorder refuses arm, commit and abort', () => {
    const poisoned = nextState(Commit(initialState()));
    expect(recorderPoisoned(poisoned)).not.toBeNull();
    for (const step of [Arm(poisoned), Commit(poisoned), Abort(poisoned)]) {
      expect(step.enabled && step.outcome).toEqual({ ok: false, code: 'Poisoned' });
    }
  });

  it('every misuse leaves the recorder poisoned, disarmed and empty, and poisons the log with the same reason', () => {
    const misuses: [string, ModelState][] = [
      ['arm while armed', nextState(Arm(withEvents(['a'])))],
      ['record outside an armed query', nextState(Record(initialState(), 'x'))],
      ['commit without arm', nextState(Commit(initialState()))],
      ['poison while armed', nextState(Poison(withEvents(['a', 'b']), 'host misuse'))],
    ];
    for (const [what, state] of misuses) {
      expect(state.recorder.armed, what).toBe(false);
      expect(state.recorder.buffer, what).toEqual([]);
      expect(state.recorder.poisoned, what).toMatch(/./);
      expect(state.walPoisoned, what).toBe(state.recorder.poisoned);
    }
  });

  it('abort drops the buffer, writes nothing and reports whether events were recorded', () => {
    const step = Abort(withEvents(['a']));
    expect(step.enabled && step.outcome).toEqual({ ok: true, value: true });
    const state = nextState(step);
    expect(state.recorder).toEqual({ armed: false, buffer: [], poisoned: null });
    expect(state.log).toEqual([]);
    const unarmed = Abort(initialState());
    expect(unarmed.enabled && unarmed.outcome).toEqual({ ok: true, value: false });
  });

  it('host misuse poisons the log beneath the recorder, so its admin paths are refused too', () => {
    const poisoned = nextState(Arm(armed()));
    expect(poisoned.walPoisoned).not.toBeNull();
    const flush = Flush(poisoned, 'wal');
    expect(flush.enabled && flush.outcome).toEqual({ ok: false, code: 'Poisoned' });
  });

  it('poison is sticky and keeps the first reason', () => {
    const once = nextState(Poison(initialState(), 'first'));
    expect(nextState(Poison(once, 'second')).recorder.poisoned).toBe('first');
  });
});
