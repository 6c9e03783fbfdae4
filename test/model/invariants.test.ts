// The invariants hold on every state the model can reach, and each one goes red when a
// deliberately wrong model step is planted: an invariant that cannot fail checks nothing.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as model from '../../model/index.js';
import type { InvariantName, ModelState, Recovery, Step } from '../../model/index.js';
import { abstractAction, defaultActions, firstViolation, syncPolicy, type ModelActions } from './model-runner.js';

const runs = process.env.WALREF_DEEP ? 2000 : 300;
const steps = fc.array(abstractAction, { maxLength: 40, size: 'max' });

/** Asserts that the invariant holds after every step of random runs. */
function holdsAfterEveryStep(name: InvariantName): void {
  fc.assert(
    fc.property(syncPolicy, steps, (policy, actions) => {
      expect(firstViolation(policy, actions)).not.toContain(name);
    }),
    { numRuns: runs },
  );
}

/** Asserts that random runs with a planted bug find a state where the invariant is violated. */
function goesRedWith(name: InvariantName, planted: Partial<ModelActions>): void {
  const actions = { ...defaultActions, ...planted };
  const details = fc.check(
    fc.property(syncPolicy, steps, (policy, sequence) => !firstViolation(policy, sequence, actions).includes(name)),
    // The search ends at its first counterexample, so the bound costs only when one is rare: at
    // 2000 runs ExactnessInv's planted drop went unfound once in CI (a fresh seed).
    { numRuns: 10_000 },
  );
  expect(details.failed).toBe(true);
}

/** Rewrites the outcome of Recover so that the recovered state and its history agree with it. */
function recoverWith(rewrite: (recovery: Recovery, state: ModelState) => Partial<Recovery>): ModelActions['Recover'] {
  return (state: ModelState): Step<Recovery> => {
    const step = model.Recover(state);
    if (!step.enabled || !step.outcome.ok) return step;
    const recovery = { ...step.outcome.value, ...rewrite(step.outcome.value, state) };
    const recoveries = [...step.state.recoveries.slice(0, -1), recovery];
    return { enabled: true, state: { ...step.state, nextLsn: recovery.nextLsn, recoveries }, outcome: { ok: true, value: recovery } };
  };
}

describe('model invariants on random runs', () => {
  for (const name of ['PrefixInv', 'DurabilityInv', 'AtomicityInv', 'NoReuseInv', 'IdempotenceInv', 'ExactnessInv'] as const) {
    it(`${name} holds after every step of random arm, record, commit, abort, flush, fault, crash and recover runs`, () => {
      holdsAfterEveryStep(name);
    });
  }
});

describe('model invariants catch planted bugs', () => {
  it('PrefixInv goes red when recovery replays transactions out of commit order', () => {
    goesRedWith('PrefixInv', {
      Recover: recoverWith((r) => ({ replay: { ...r.replay, transactions: [...r.replay.transactions].reverse() } })),
    });
  });

  it('DurabilityInv goes red when flush acknowledges durability before any fsync', () => {
    goesRedWith('DurabilityInv', {
      Flush: (state) => {
        const step = model.Flush(state);
        return step.enabled && step.outcome.ok ? { ...step, state: { ...step.state, durableLsn: step.state.nextLsn - 1 } } : step;
      },
    });
  });

  it('AtomicityInv goes red when recovery releases explicitly aborted transactions', () => {
    goesRedWith('AtomicityInv', {
      Recover: recoverWith((r) => {
        const released = r.disk.flatMap((record) =>
          record.kind === 'TxAbort'
            ? [{ beginLsn: record.txBeginLsn, commitLsn: record.lsn, events: r.disk.flatMap((b) => (b.kind === 'MutationBatch' && b.txBeginLsn === record.txBeginLsn ? b.events : [])) }]
            : [],
        );
        return { replay: { ...r.replay, transactions: [...r.replay.transactions, ...released.filter((tx) => tx.commitLsn > r.checkpointLsn)] } };
      }),
    });
  });

  it('AtomicityInv goes red when abort and arm leave the aborted events in the buffer', () => {
    goesRedWith('AtomicityInv', {
      Abort: (state) => {
        const step = model.Abort(state);
        return step.enabled && step.outcome.ok ? { ...step, state: { ...step.state, recorder: { ...step.state.recorder, buffer: state.recorder.buffer } } } : step;
      },
    });
  });

  it('NoReuseInv goes red when the reopened WAL starts at the highest surviving LSN', () => {
    goesRedWith('NoReuseInv', { Recover: recoverWith((r) => ({ nextLsn: r.maxSurvivingLsn })) });
  });

  it('IdempotenceInv goes red when every recovery also drops the last intact record', () => {
    goesRedWith('IdempotenceInv', {
      Recover: (state) => {
        const down = state.down;
        if (down === null) return model.Recover(state);
        const disk = down.disk.slice(0, -1);
        return model.Recover({ ...state, down: { ...down, disk, maxSurvivingLsn: model.lastLsnOf(disk) } });
      },
    });
  });

  it('ExactnessInv goes red when recovery drops an intact committed transaction that was never acknowledged durable', () => {
    goesRedWith('ExactnessInv', {
      Recover: recoverWith((r) => {
        const last = r.replay.transactions[r.replay.transactions.length - 1];
        const drop = last !== undefined && last.commitLsn > r.before.durableLsn;
        return { replay: { ...r.replay, transactions: drop ? r.replay.transactions.slice(0, -1) : r.replay.transactions } };
      }),
    });
  });

  // Every field of a replayed transaction counts: a comparison that looked at the LSNs alone, or
  // at the number of events and not at each one, would pass a replay that changed what a
  // transaction holds (mutation testing found the comparison unpinned).
  const tamperings: [string, (tx: model.CommittedTx) => model.CommittedTx][] = [
    ['one event changed', (tx) => ({ ...tx, events: tx.events.map((e, i) => (i === 0 ? `${e}!` : e)) })],
    ['one event more', (tx) => ({ ...tx, events: [...tx.events, 'extra'] })],
    ['its last event missing', (tx) => ({ ...tx, events: tx.events.slice(0, -1) })],
    ['its begin LSN moved', (tx) => ({ ...tx, beginLsn: tx.beginLsn + 1 })],
    ['its commit LSN moved', (tx) => ({ ...tx, commitLsn: tx.commitLsn + 1 })],
  ];
  for (const [what, tamper] of tamperings) {
    for (const name of ['PrefixInv', 'DurabilityInv'] as const) {
      it(`${name} goes red when recovery replays a transaction with ${what}`, () => {
        goesRedWith(name, {
          Recover: recoverWith((r) => ({ replay: { ...r.replay, transactions: r.replay.transactions.map((tx, i) => (i === 0 ? tamper(tx) : tx)) } })),
        });
      });
    }
  }

  it('PrefixInv goes red when the running log claims more synced records than written, or more written than attempted', () => {
    for (const broken of [
      (state: ModelState): ModelState => ({ ...state, syncedCount: state.writtenCount + 1 }),
      (state: ModelState): ModelState => ({ ...state, writtenCount: state.attemptedCount + 1 }),
      (state: ModelState): ModelState => ({ ...state, attemptedCount: state.log.length + 1 }),
      (state: ModelState): ModelState => ({ ...state, syncedCount: -1 }),
    ]) {
      goesRedWith('PrefixInv', {
        Flush: (state) => {
          const step = model.Flush(state);
          return step.enabled && step.outcome.ok ? { ...step, state: broken(step.state) } : step;
        },
      });
    }
  });
});
