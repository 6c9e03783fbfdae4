// Between a crash (or a close for a reopen) and the recovery after it, the process is down: the
// model disables every action but Recover and CrashDuringRecover (spec/Wal.tla: `up` guards them),
// and a disabled step always says which precondition failed. Once the process runs again, those
// two are the ones disabled. The model-based tests never run an action while down, so nothing else
// pins these guards (mutation testing found them all removable).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as model from '../../model/index.js';
import type { ModelState, Step } from '../../model/index.js';
import { Checkpoint } from '../../model/snapshot-epochs.js';
import { abstractAction, defaultActions, firstViolation, syncPolicy, type ModelActions } from './model-runner.js';

/** A WAL with one durable transaction (LSNs 1-3) and a low-level transaction open at LSN 4. */
function running(): ModelState {
  let state = model.initialState('per-commit');
  state = model.nextState(model.Arm(state));
  state = model.nextState(model.Record(state, 'a'));
  state = model.nextState(model.Commit(state));
  state = model.nextState(model.Flush(state));
  return model.nextState(model.Begin(state));
}

/** Every action except the two that belong to a process that is down, with arguments that would be valid while it runs. */
function runningActions(state: ModelState): [string, Step<unknown>][] {
  return [
    ['Arm', model.Arm(state)],
    ['Record', model.Record(state, 'x')],
    ['Commit', model.Commit(state)],
    ['Abort', model.Abort(state)],
    ['Poison', model.Poison(state, 'host misuse')],
    ['WalAbort', model.WalAbort(state, ['x'])],
    ['CheckpointMarker', model.CheckpointMarker(state, 3)],
    ['Checkpoint', Checkpoint(state, 3)],
    ['TruncateUpTo', model.TruncateUpTo(state, 0)],
    ['Flush', model.Flush(state)],
    ['Fsync', model.Fsync(state)],
    ['FsyncFail', model.FsyncFail(state, 'flush')],
    ['WriteFail', model.WriteFail(state, 'flush')],
    ['Crash', model.Crash(state, { keptCount: state.syncedCount })],
    ['Close', model.Close(state, { keptCount: state.log.length })],
    ['Begin', model.Begin(state)],
    ['Append', model.Append(state, 4, ['x'])],
    ['CommitOpen', model.CommitOpen(state, 4)],
    ['AbortOpen', model.AbortOpen(state, 4)],
  ];
}

const why = (step: Step<unknown>): string | null => (step.enabled ? null : step.reason);

describe('model actions and the process being down', () => {
  it('every action is enabled on the running WAL (so the checks below test the guard, not the arguments)', () => {
    expect(runningActions(running()).filter(([, step]) => !step.enabled).map(([name, step]) => `${name}: ${why(step)}`)).toEqual([]);
  });

  for (const cause of ['crash', 'close'] as const) {
    it(`after a ${cause}, every action but Recover and CrashDuringRecover is disabled, and each says the process is down`, () => {
      const state = running();
      const down = model.nextState(cause === 'crash' ? model.Crash(state, { keptCount: state.syncedCount }) : model.Close(state, { keptCount: state.log.length }));
      for (const [name, step] of runningActions(down)) {
        expect(step.enabled, name).toBe(false);
        expect(why(step), name).toMatch(/down/);
      }
      expect(model.Recover(down).enabled).toBe(true);
      expect(model.CrashDuringRecover(down, {}).enabled).toBe(true);
    });
  }

  it('on a running WAL, Recover and CrashDuringRecover are disabled and say the process is running', () => {
    const state = running();
    for (const step of [model.Recover(state), model.CrashDuringRecover(state, {})]) {
      expect(step.enabled).toBe(false);
      expect(why(step)).toMatch(/running/);
    }
  });

  it('on random runs, every step an action refuses as disabled names the precondition that failed', () => {
    const reasons = new Map<string, number>();
    const watched = Object.fromEntries(
      Object.entries(defaultActions).map(([name, action]) => [
        name,
        (...args: unknown[]) => {
          const step = (action as (...a: unknown[]) => Step<unknown>)(...args);
          if (!step.enabled) {
            expect(step.reason, `${name} disabled without a reason`).toMatch(/\w{3}/);
            reasons.set(step.reason, (reasons.get(step.reason) ?? 0) + 1);
          }
          return step;
        },
      ]),
    ) as unknown as ModelActions;
    fc.assert(fc.property(syncPolicy, fc.array(abstractAction, { maxLength: 40, size: 'max' }), (policy, actions) => void firstViolation(policy, actions, watched)), { numRuns: 200 });
    // The runs reach several different preconditions, not only "the process is down".
    expect(reasons.size).toBeGreaterThan(3);
  });

  it('the preconditions random runs never choose to break say why too: a crash that loses synced records or keeps records never handed over, and an interrupted recovery that adds an LSN, a poisoned close that keeps unwritten records', () => {
    const state = running();
    const down = model.nextState(model.Crash(state, { keptCount: state.syncedCount }));
    for (const step of [
      model.Crash(state, { keptCount: state.syncedCount - 1 }),
      model.Crash(state, { keptCount: state.attemptedCount + 1 }),
      model.CrashDuringRecover(down, { floorLsn: state.nextLsn + 5 }),
      // A poisoned WAL's close keeps between its synced and its written records, no more.
      model.Close(model.nextState(model.Poison(state, 'host misuse')), { keptCount: state.writtenCount + 1 }),
    ]) {
      expect(step.enabled).toBe(false);
      expect(why(step)).toMatch(/\w{3}/);
    }
  });
});
