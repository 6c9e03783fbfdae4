// Recovers one crash image with the real openWal and gathers what the oracle needs: the replay,
// the next LSN, a probe transaction written after recovery (the WAL must accept new work and
// allocate above everything that survived), and, for IdempotenceInv, the replays after crashing
// again during or right after recovery (crash states after each of recovery's own operations,
// up to a bound).
//
// Recovery opens run with the default per-commit policy whatever the workload used, so no
// background timer outlives them; they are never closed (closing would write), and their
// simulators are dropped with them.

import { crashSpacesAlong } from '../../crash-sim/crash-points.js';
import { enumerateCrashStates, type CrashState } from '../../crash-sim/crash-states.js';
import type { ReplayedTx } from './explore-history.js';
import type { RecoveryObservation } from './recovery-oracle.js';
import { describeError, type OpenWalLike, type RecoveryPolicyLike, type SnapshotLike, type WalOpenOptionsLike } from './wal-api.js';

export interface RecoverOptions {
  readonly openWal: OpenWalLike;
  readonly dir: string;
  readonly checkpointLsn: number;
  readonly segmentTargetBytes: number | undefined;
  /** Crash states of the recovery's own writes to recover again (IdempotenceInv); 0 turns it off. */
  readonly idempotenceStates: number;
  readonly seed: number;
  /** The recovery policy every open here uses (the default when omitted). */
  readonly recovery?: RecoveryPolicyLike;
}

const probeEvent = new TextEncoder().encode('walref-explore-probe');

function copyTxs(txs: readonly ReplayedTx[]): ReplayedTx[] {
  return txs.map((t) => ({ beginLsn: t.beginLsn, commitLsn: t.commitLsn, events: t.events.map((e) => e.slice()) }));
}

export async function recoverCrashState(state: CrashState, options: RecoverOptions): Promise<RecoveryObservation> {
  const image = state.image();
  const openOptions = (fs: WalOpenOptionsLike['fs']): WalOpenOptionsLike => ({
    fs,
    ...(options.checkpointLsn > 0 ? { checkpointLsn: options.checkpointLsn } : {}),
    ...(options.segmentTargetBytes === undefined ? {} : { segmentTargetBytes: options.segmentTargetBytes }),
    ...(options.recovery === undefined ? {} : { recovery: options.recovery }),
  });
  let opened: Awaited<ReturnType<OpenWalLike>>;
  try {
    opened = await options.openWal(options.dir, openOptions(image));
  } catch (error) {
    return { replayed: null, error: describeError(error), nextLsn: null, probeBeginLsn: null, idempotence: [] };
  }
  const replayed = copyTxs(opened.replay.transactions);
  const nextLsn = opened.wal.nextLsn();
  const snapshot = await readSnapshot(opened.snapshot ?? null);

  // Crash again during and right after recovery: after each of recovery's own operations that
  // changed the disk, every crash state (or a seeded sample, an equal share of the bound a point,
  // never fewer than its two extremes). If recovery wrote nothing (only fsyncs), the disk is the
  // image itself and recovering it again is the same computation; skip it.
  const idempotence: { describe: () => string; replayed: readonly ReplayedTx[] | null; error: string | null }[] = [];
  const recoveryWrote = image.opLog.some((op) => op.kind !== 'fsync' && op.kind !== 'fsyncDir' && op.kind !== 'mark' && op.kind !== 'mkdir');
  if (options.idempotenceStates > 0 && recoveryWrote) {
    const spaces = crashSpacesAlong(state.image(), image.opLog);
    // The original image recovers to what was just observed; recovering it again proves nothing.
    const seen = new Set<string>([state.key]);
    const fits = spaces.reduce((sum, space) => sum + space.total, 0) <= options.idempotenceStates;
    const share = Math.floor(options.idempotenceStates / Math.max(1, spaces.length));
    for (const space of spaces) {
      const { states } = enumerateCrashStates(space, { maxStates: fits ? options.idempotenceStates : share, seed: options.seed });
      for (const again of states) {
        if (seen.has(again.key)) continue;
        seen.add(again.key);
        try {
          const second = await options.openWal(options.dir, openOptions(again.image()));
          idempotence.push({ describe: again.describe, replayed: copyTxs(second.replay.transactions), error: null });
        } catch (error) {
          idempotence.push({ describe: again.describe, replayed: null, error: describeError(error) });
        }
      }
    }
  }

  // The WAL must take new work after recovery, above every surviving LSN.
  let probeBeginLsn: number | null = null;
  let error: string | null = null;
  try {
    const recorder = opened.wal.recorder();
    recorder.arm();
    recorder.record(probeEvent);
    probeBeginLsn = opened.wal.nextLsn();
    await recorder.commit();
    await recorder.flush();
  } catch (caught) {
    error = `the recovered WAL refused a new transaction: ${describeError(caught)}`;
  }
  return { replayed, error, checkpointObserved: opened.replay.checkpointObserved, nextLsn, probeBeginLsn, idempotence, snapshot };
}

/** The live snapshot the recovery returned, read back whole (or why it could not be). */
async function readSnapshot(live: SnapshotLike | null): Promise<NonNullable<RecoveryObservation['snapshot']> | null> {
  if (live === null) return null;
  try {
    return { lsn: live.lsn, bytes: await live.read(), error: null };
  } catch (error) {
    return { lsn: live.lsn, bytes: null, error: describeError(error) };
  }
}
