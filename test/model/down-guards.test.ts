// Between a crash (or a close for a reopen) and the recovery after it, the process is down: the
// model disables every action but Recover and CrashDuringRecover (spec/Wal.tla: `up` guards them),
// and a disabled step always says which precondition failed. Once the process runs again, those
// two are the ones disabled. The model-based tests never run an action while down, so nothing else
// pins these guards (mutation testing found them all removable).
import { describe, expect, it } from 'vitest';
import * as model from '../../model/index.js';
import type { ModelState, Step } from '../../model/index.js';
import { Checkpoint } from '../../model/snapshot-epochs.js';

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
});
