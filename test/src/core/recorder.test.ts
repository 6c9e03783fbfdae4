import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as recorder from '../../../src/core/recorder.js';

const ev = (s: string) => new TextEncoder().encode(s);

describe('recorder state machine', () => {
  it('commit after arm with nothing recorded returns no events (a read-only query writes nothing)', () => {
    const armed = recorder.arm(recorder.initialRecorderState);
    expect(armed.ok).toBe(true);
    const committed = recorder.commit(armed.state);
    expect(committed).toMatchObject({ ok: true, value: null });
    expect(committed.state.armed).toBe(false);
  });

  it('recorded events come back from commit in the order they were recorded', () => {
    let state = recorder.arm(recorder.initialRecorderState).state;
    for (const e of ['a', 'b', 'c']) state = recorder.record(state, ev(e));
    const committed = recorder.commit(state);
    expect(committed.ok && committed.value?.map((e) => new TextDecoder().decode(e))).toEqual(['a', 'b', 'c']);
  });

  it('a poisoned recorder keeps the first reason: a later failure does not replace it', () => {
    const first = recorder.poison(recorder.initialRecorderState, 'fsync failed: EIO');
    const again = recorder.poison(first, 'write failed: ENOSPC');
    expect(again).toBe(first);
    expect(again.poisoned).toBe('fsync failed: EIO');
  });

  it('arming twice poisons', () => {
    const once = recorder.arm(recorder.initialRecorderState).state;
    const twice = recorder.arm(once);
    expect(twice).toMatchObject({ ok: false, error: { code: 'Poisoned' } });
    expect(twice.state.poisoned).toMatch(/already armed/);
  });

  it('record outside an armed query poisons, and a poisoned recorder ignores record silently', () => {
    const poisoned = recorder.record(recorder.initialRecorderState, ev('x'));
    expect(poisoned.poisoned).toMatch(/outside an armed query/);
    expect(recorder.record(poisoned, ev('y'))).toBe(poisoned);
    expect(recorder.arm(poisoned)).toMatchObject({ ok: false, error: { code: 'Poisoned' } });
  });

  it('commit without arm poisons', () => {
    expect(recorder.commit(recorder.initialRecorderState)).toMatchObject({ ok: false, error: { code: 'Poisoned' } });
  });

  it('abort tolerates not being armed and reports whether events were recorded', () => {
    expect(recorder.abort(recorder.initialRecorderState)).toMatchObject({ ok: true, value: false });
    const withEvent = recorder.record(recorder.arm(recorder.initialRecorderState).state, ev('x'));
    const aborted = recorder.abort(withEvent);
    expect(aborted).toMatchObject({ ok: true, value: true });
    expect(aborted.state.buffer).toBeNull();
  });

  it('a poisoned recorder is disarmed and holds no events, whatever the calls that led there', () => {
    const call = fc.constantFrom('arm', 'record', 'commit', 'abort', 'poison');
    fc.assert(
      fc.property(fc.array(call, { maxLength: 12 }), (calls) => {
        let state = recorder.initialRecorderState;
        for (const name of calls) {
          if (name === 'record') state = recorder.record(state, ev('e'));
          else if (name === 'poison') state = recorder.poison(state, 'a host decision');
          else state = recorder[name](state).state;
          if (state.poisoned !== null) expect(state, `after ${calls.join(', ')}`).toMatchObject({ armed: false, buffer: null });
        }
      }),
    );
  });
});
