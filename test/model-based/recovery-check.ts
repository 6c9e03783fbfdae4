// What every reopen and every crash ends with: open the WAL again on what survived, and compare
// what it replayed, its next LSN and its durable LSN with the model's Recover, after checking the
// recovery guarantee's invariants on the observed result.

import { expect } from 'vitest';
import { Recover, violatedInvariants, type ModelState, type Recovery } from '../../model/index.js';
import { openReal, replayedAsModel, type ModelBox, type RealBox } from './world.js';
import { WalError } from '../../src/index.js';
import { expectLiveSnapshot } from './manifest-checkpoint-command.js';

function describeTxs(txs: Recovery['replay']['transactions']): string {
  return txs.length === 0 ? '(none)' : txs.map((tx) => `[${tx.beginLsn}..${tx.commitLsn}]{${tx.events.join(',')}}`).join(' ');
}

/**
 * `down` is the model after Crash or Close. Opens the real WAL on `r.fs` (already the crash
 * image), checks the invariants on what it observed, then that it equals the model exactly.
 */
export async function recoverAndCompare(m: ModelBox, r: RealBox, down: ModelState, context: string): Promise<void> {
  const step = Recover(down);
  if (!step.enabled || !step.outcome.ok) throw new Error(`model cannot recover: ${step.enabled ? 'failed' : step.reason}`);
  const expectedRecovery = step.outcome.value;
  let opened;
  try {
    opened = await openReal(r.config, r.dir, r.fs, down.checkpointLsn);
  } catch (error) {
    const detail = error instanceof WalError ? `${error.code}: ${error.message}` : String(error);
    throw new Error(`openWal failed after ${context}: ${detail}\nexpected replay ${describeTxs(expectedRecovery.replay.transactions)}`);
  }
  r.wal = opened.wal;
  r.recorder = opened.wal.recorder();
  r.replay = opened.replay;
  await expectLiveSnapshot(m, opened, context);

  const observed: Recovery = {
    ...expectedRecovery,
    replay: {
      transactions: replayedAsModel(opened.replay),
      maxLsn: opened.replay.maxLsn,
      checkpointObserved: opened.replay.checkpointObserved,
    },
    nextLsn: opened.wal.nextLsn(),
    durableLsn: opened.wal.durableLsn(),
  };
  const observedState: ModelState = { ...step.state, recoveries: [...step.state.recoveries.slice(0, -1), observed] };
  const report =
    `after ${context}\n` +
    `  committed before: ${describeTxs(expectedRecovery.before.committed)} (durable LSN ${expectedRecovery.before.durableLsn}, checkpoint LSN ${expectedRecovery.checkpointLsn})\n` +
    `  expected replay:  ${describeTxs(expectedRecovery.replay.transactions)} next ${expectedRecovery.nextLsn} durable ${expectedRecovery.durableLsn}\n` +
    `  real replay:      ${describeTxs(observed.replay.transactions)} next ${observed.nextLsn} durable ${observed.durableLsn}`;
  expect(violatedInvariants(observedState), `recovery guarantee ${report}`).toEqual([]);
  expect(
    { transactions: observed.replay.transactions, checkpointObserved: observed.replay.checkpointObserved, nextLsn: observed.nextLsn, durableLsn: observed.durableLsn },
    `recovery ${report}`,
  ).toEqual({
    transactions: expectedRecovery.replay.transactions,
    checkpointObserved: expectedRecovery.replay.checkpointObserved,
    nextLsn: expectedRecovery.nextLsn,
    durableLsn: expectedRecovery.durableLsn,
  });
  m.state = step.state;
}
