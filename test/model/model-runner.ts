// Drives the model with random abstract actions for the invariant tests. The action table is a
// parameter so a planted-bug test can swap one step for a deliberately wrong one.

import fc from 'fast-check';
import * as model from '../../model/index.js';
import type { ModelState, Step, SyncPolicy } from '../../model/index.js';
import { violatedInvariants, type InvariantName } from '../../model/index.js';

export type ModelActions = typeof defaultActions;

export const defaultActions = {
  Arm: model.Arm,
  Record: model.Record,
  Commit: model.Commit,
  Abort: model.Abort,
  WalAbort: model.WalAbort,
  Flush: model.Flush,
  Fsync: model.Fsync,
  FsyncFail: model.FsyncFail,
  WriteFail: model.WriteFail,
  CheckpointMarker: model.CheckpointMarker,
  TruncateUpTo: model.TruncateUpTo,
  Crash: model.Crash,
  Close: model.Close,
  Recover: model.Recover,
};

export type AbstractAction =
  | { readonly kind: 'tx'; readonly eventCount: number; readonly rotated: boolean }
  | { readonly kind: 'arm' }
  | { readonly kind: 'record' }
  | { readonly kind: 'commit'; readonly rotated: boolean }
  | { readonly kind: 'abort' }
  | { readonly kind: 'walAbort'; readonly eventCount: number }
  | { readonly kind: 'flush' }
  | { readonly kind: 'forceFsync' }
  | { readonly kind: 'groupSync' }
  | { readonly kind: 'fsyncFail'; readonly call: 'flush' | 'forceFsync' | 'groupSync' }
  | { readonly kind: 'writeFail'; readonly call: 'flush' | 'forceFsync' | 'groupSync' }
  | { readonly kind: 'checkpoint' }
  | { readonly kind: 'truncate' }
  | { readonly kind: 'crash'; readonly keep: number }
  | { readonly kind: 'reopen'; readonly keep: number };

const call = fc.constantFrom('flush' as const, 'forceFsync' as const, 'groupSync' as const);
const keep = fc.double({ min: 0, max: 1, noNaN: true });

/** Weighted so that transactions get committed and flushed often enough to be lost or kept. */
export const abstractAction: fc.Arbitrary<AbstractAction> = fc.oneof(
  {
    arbitrary: fc.record({ eventCount: fc.integer({ min: 0, max: 3 }), rotated: fc.boolean() }).map((r) => ({ kind: 'tx' as const, ...r })),
    weight: 8,
  },
  { arbitrary: fc.constant({ kind: 'arm' as const }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'record' as const }), weight: 2 },
  { arbitrary: fc.boolean().map((rotated) => ({ kind: 'commit' as const, rotated })), weight: 1 },
  { arbitrary: fc.constant({ kind: 'abort' as const }), weight: 2 },
  { arbitrary: fc.integer({ min: 0, max: 2 }).map((eventCount) => ({ kind: 'walAbort' as const, eventCount })), weight: 1 },
  { arbitrary: fc.constant({ kind: 'flush' as const }), weight: 3 },
  { arbitrary: fc.constant({ kind: 'forceFsync' as const }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'groupSync' as const }), weight: 1 },
  { arbitrary: call.map((c) => ({ kind: 'fsyncFail' as const, call: c })), weight: 1 },
  { arbitrary: call.map((c) => ({ kind: 'writeFail' as const, call: c })), weight: 1 },
  { arbitrary: fc.constant({ kind: 'checkpoint' as const }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'truncate' as const }), weight: 1 },
  { arbitrary: keep.map((k) => ({ kind: 'crash' as const, keep: k })), weight: 2 },
  { arbitrary: keep.map((k) => ({ kind: 'reopen' as const, keep: k })), weight: 1 },
);

export const syncPolicy: fc.Arbitrary<SyncPolicy> = fc.constantFrom('per-commit', 'group', 'none');

function keptCount(low: number, high: number, fraction: number): number {
  return Math.min(high, low + Math.floor(fraction * (high - low + 1)));
}

/** The newest commit LSN at or below the durable LSN: what a careful host snapshots. */
function snapshotCandidate(state: ModelState): number {
  const durable = state.committed.filter((tx) => tx.commitLsn <= state.durableLsn).map((tx) => tx.commitLsn);
  return Math.max(state.lastSnapshotLsn ?? 0, state.checkpointLsn, ...durable);
}

/** Applies one abstract action; a disabled step leaves the state as it was. */
export function applyAction(state: ModelState, action: AbstractAction, actions: ModelActions, nextEvent: () => string): ModelState {
  const take = <T>(step: Step<T>): ModelState => (step.enabled ? step.state : state);
  const down = (step: Step<void>): ModelState => {
    if (!step.enabled) return state;
    const recovered = actions.Recover(step.state);
    return recovered.enabled ? recovered.state : step.state;
  };
  switch (action.kind) {
    case 'tx': {
      // A whole query: arm, record each event, commit. A refused step ends the query there.
      let current = take(actions.Arm(state));
      for (let i = 0; i < action.eventCount; i += 1) {
        const recorded = actions.Record(current, nextEvent());
        if (recorded.enabled) current = recorded.state;
      }
      const committed = actions.Commit(current, { rotated: action.rotated && current.recorder.buffer.length > 0 });
      return committed.enabled ? committed.state : current;
    }
    case 'arm':
      return take(actions.Arm(state));
    case 'record':
      return take(actions.Record(state, nextEvent()));
    case 'commit':
      return take(actions.Commit(state, { rotated: action.rotated && state.recorder.buffer.length > 0 }));
    case 'abort':
      return take(actions.Abort(state));
    case 'walAbort':
      return take(actions.WalAbort(state, Array.from({ length: action.eventCount }, nextEvent)));
    case 'flush':
      return take(actions.Flush(state));
    case 'forceFsync':
      return take(actions.Fsync(state));
    case 'groupSync':
      return take(actions.Fsync(state, 'flusher'));
    case 'fsyncFail':
      return take(actions.FsyncFail(state, action.call));
    case 'writeFail':
      return take(actions.WriteFail(state, action.call));
    case 'checkpoint':
      return take(actions.CheckpointMarker(state, snapshotCandidate(state)));
    case 'truncate':
      return take(actions.TruncateUpTo(state, state.checkpointLsn));
    case 'crash':
      return down(actions.Crash(state, { keptCount: keptCount(state.syncedCount, state.attemptedCount, action.keep) }));
    case 'reopen': {
      const poisoned = state.walPoisoned !== null;
      const kept = poisoned ? keptCount(state.syncedCount, state.writtenCount, action.keep) : state.log.length;
      return down(actions.Close(state, { keptCount: kept }));
    }
  }
}

/** Runs the actions from an empty WAL and returns the invariants violated at the first bad step. */
export function firstViolation(policy: SyncPolicy, steps: readonly AbstractAction[], actions: ModelActions = defaultActions): InvariantName[] {
  let counter = 0;
  const nextEvent = () => `e${++counter}`;
  let state = model.initialState(policy);
  for (const action of steps) {
    state = applyAction(state, action, actions, nextEvent);
    const violated = violatedInvariants(state);
    if (violated.length > 0) return violated;
  }
  return [];
}
