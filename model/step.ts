// What an action returns. "disabled" means the action's precondition does not hold (the TLA+
// action is not enabled): the environment cannot take that step, so a test must not ask for it.
// An enabled step always yields a next state and the observable outcome, which is either a
// value or an error code, because a refused or failed call changes state too (it may poison).

import type { ModelState } from './state.js';

export type ModelErrorCode = 'Poisoned' | 'IoError' | 'InvalidArgument' | 'FenceSplitsTransaction';

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly code: ModelErrorCode };

export type Step<T> =
  | { readonly enabled: false; readonly reason: string }
  | { readonly enabled: true; readonly state: ModelState; readonly outcome: Outcome<T> };

export const disabled = (reason: string): Step<never> => ({ enabled: false, reason });

export const succeed = <T>(state: ModelState, value: T): Step<T> => ({ enabled: true, state, outcome: { ok: true, value } });

export const fail = (state: ModelState, code: ModelErrorCode): Step<never> => ({ enabled: true, state, outcome: { ok: false, code } });

/** The next state of an enabled step; throws when the step was disabled (a bug in the caller). */
export function nextState<T>(step: Step<T>): ModelState {
  if (!step.enabled) throw new Error(`model step is disabled: ${step.reason}`);
  return step.state;
}
