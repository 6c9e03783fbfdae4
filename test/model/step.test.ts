// model/step.ts: nextState hands back an enabled step's state, and refuses a disabled step with an
// error that names the precondition that did not hold (a test that asked for it has a bug).
import { describe, expect, it } from 'vitest';
import { initialState } from '../../model/init.js';
import { disabled, fail, nextState, succeed } from '../../model/step.js';

describe('model steps', () => {
  it('nextState returns the state of an enabled step, whether it succeeded or failed', () => {
    const state = initialState('none');
    expect(nextState(succeed(state, 7))).toBe(state);
    expect(nextState(fail(state, 'Poisoned'))).toBe(state);
  });

  it('nextState of a disabled step throws, naming the reason', () => {
    expect(() => nextState(disabled('the WAL is down'))).toThrow('model step is disabled: the WAL is down');
  });
});
