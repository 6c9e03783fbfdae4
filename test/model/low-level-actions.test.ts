// The low-level actions of model/ refuse to add to, commit or abort a transaction that is not open:
// committed, aborted, or never begun. A WAL that accepts such a call writes records replay cannot
// place; check-trace relies on these refusals to reject a trace that reports one.
import { describe, expect, it } from 'vitest';
import { AbortOpen, Append, Begin, CheckpointMarker, CommitOpen, initialState, nextState, TruncateUpTo, type ModelState, type Step } from '../../model/index.js';

function outcome<T>(step: Step<T>): string {
  if (!step.enabled) return 'disabled';
  return step.outcome.ok ? 'ok' : step.outcome.code;
}

/** A state with one committed, one aborted and one open transaction, and their TxBegin LSNs. */
function transactions(): { state: ModelState; committed: number; aborted: number; open: number } {
  let state = initialState('per-commit');
  const committed = Begin(state);
  state = nextState(committed);
  state = nextState(Append(state, 1, ['a']));
  state = nextState(CommitOpen(state, 1));
  const aborted = Begin(state);
  state = nextState(aborted);
  state = nextState(AbortOpen(state, 4));
  const open = Begin(state);
  state = nextState(open);
  return { state, committed: 1, aborted: 4, open: 6 };
}

describe('model low-level actions', () => {
  it('append, commit and abort work on an open transaction', () => {
    const { state, open } = transactions();
    expect(outcome(Append(state, open, ['x']))).toBe('ok');
    expect(outcome(CommitOpen(state, open))).toBe('ok');
    expect(outcome(AbortOpen(state, open))).toBe('ok');
  });

  for (const which of ['committed', 'aborted', 'never begun'] as const) {
    it(`append, commit and abort of a transaction that is ${which} fail with InvalidArgument and change nothing`, () => {
      const t = transactions();
      const lsn = which === 'committed' ? t.committed : which === 'aborted' ? t.aborted : 2;
      for (const step of [Append(t.state, lsn, ['x']), CommitOpen(t.state, lsn), AbortOpen(t.state, lsn)]) {
        expect(outcome(step)).toBe('InvalidArgument');
        expect(step.enabled && step.state).toBe(t.state);
      }
    });
  }

  it('a checkpoint marker inside a transaction the session still has open fails with FenceSplitsTransaction and changes nothing; at or after a closed one, or before the open one, it is written', () => {
    const { state, open } = transactions();
    for (const snapshotLsn of [open]) {
      const step = CheckpointMarker(state, snapshotLsn);
      expect(outcome(step)).toBe('FenceSplitsTransaction');
      expect(step.enabled && step.state).toBe(state);
    }
    for (const snapshotLsn of [3, 5]) expect(outcome(CheckpointMarker(state, snapshotLsn))).toBe('ok');
  });

  it('a checkpoint marker whose snapshot LSN is not an LSN below the next one, or below the previous marker\'s, fails with InvalidArgument and changes nothing', () => {
    const { state } = transactions(); // next LSN 7
    const marked = nextState(CheckpointMarker(state, 3));
    for (const [from, snapshotLsn] of [[state, -1], [state, 1.5], [state, Number.NaN], [state, 7], [state, 8], [marked, 2]] as const) {
      const step = CheckpointMarker(from, snapshotLsn);
      expect(outcome(step), String(snapshotLsn)).toBe('InvalidArgument');
      expect(step.enabled && step.state).toBe(from);
    }
    expect(outcome(CheckpointMarker(marked, 3))).toBe('ok');
  });

  it('truncateUpTo of an LSN that is not a non-negative integer fails with InvalidArgument; past the host\'s snapshot it is not a step the host takes', () => {
    const { state } = transactions();
    const marked = nextState(CheckpointMarker(state, 3));
    for (const upToLsn of [-1, 0.5, Number.NaN]) expect(outcome(TruncateUpTo(marked, upToLsn)), String(upToLsn)).toBe('InvalidArgument');
    expect(outcome(TruncateUpTo(marked, 3))).toBe('ok');
    expect(outcome(TruncateUpTo(marked, 4))).toBe('disabled');
  });
});
