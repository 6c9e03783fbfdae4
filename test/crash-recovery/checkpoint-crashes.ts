// The checkpoint protocol under crashes: a workload of durable commits and checkpoints (through the
// MANIFEST, with random retention, bytes or a streamed snapshot) runs on crash-sim's SimFileSystem
// under some knobs; then, at every operation of every checkpoint (and at the end), crash-sim's
// crash states are enumerated (all of them when few, sampled by seed otherwise), each one is
// recovered with a fresh openWal, and model/snapshot-epochs.ts judges the recovery: OneEpochInv
// (exactly one epoch, whole), EpochDurabilityInv (a returned checkpoint is never lost), and
// DurabilityInv (every acknowledged commit is in the snapshot or replayed after it).
// checkpoint-crashes.test.ts runs it as a property; planted-checkpoint-bugs.test.ts shows each planted
// ordering bug turns it red.

import fc from 'fast-check';
import { crashSpaceAt, enumerateCrashStates } from '../../crash-sim/crash-states.js';
import type { SimKnobs } from '../../crash-sim/knobs.js';
import { SimFileSystem } from '../../crash-sim/sim-fs.js';
import {
  acceptedSnapshotLsns,
  Checkpoint,
  EpochAcknowledged,
  EpochDurabilityInv,
  EpochRenamed,
  initialEpochHistory,
  OneEpochInv,
  snapshotEvents,
  type EpochHistory,
  type EpochRecovery,
} from '../../model/snapshot-epochs.js';
import type { CommittedTx, ModelState } from '../../model/state.js';
import { initialState } from '../../model/init.js';
import { openWal, WalError, type Wal } from '../../src/index.js';

export const WAL_DIR = '/wal';

export type Step =
  | { readonly kind: 'commit'; readonly events: number }
  | { readonly kind: 'checkpoint'; readonly pick: number; readonly snapshots: number; readonly segmentsBehindSnapshot: number; readonly stream: boolean };

export interface CheckpointRun {
  readonly knobs: SimKnobs;
  readonly segmentTargetBytes: number;
  readonly steps: readonly Step[];
  /** Crash states checked per crash point at most (all of them when the space is no larger). */
  readonly statesPerPoint: number;
  readonly seed: number;
}

export interface CrashCheckStats {
  checkpoints: number;
  crashPoints: number;
  crashStates: number;
  /** Recoveries that found the newer epoch of a checkpoint in progress, and the older one. */
  newEpoch: number;
  oldEpoch: number;
}

export const knobsArbitrary: fc.Arbitrary<SimKnobs> = fc.record({
  sectorBytes: fc.constantFrom(16, 64, 512),
  ordered: fc.boolean(),
  safeAppend: fc.boolean(),
  dirSync: fc.boolean(),
});

export const stepsArbitrary: fc.Arbitrary<Step[]> = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('commit' as const), events: fc.integer({ min: 1, max: 3 }) }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('checkpoint' as const),
        pick: fc.nat({ max: 100 }),
        snapshots: fc.integer({ min: 1, max: 3 }),
        segmentsBehindSnapshot: fc.integer({ min: 0, max: 2 }),
        stream: fc.boolean(),
      }),
    },
  ),
  { minLength: 2, maxLength: 10 },
);

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The host's snapshot: the events it holds, as JSON. */
const snapshotBytes = (events: readonly string[]): Uint8Array => encoder.encode(JSON.stringify(events));

function parseSnapshot(bytes: Uint8Array): string[] | null {
  try {
    const parsed: unknown = JSON.parse(decoder.decode(bytes));
    return Array.isArray(parsed) && parsed.every((e) => typeof e === 'string') ? parsed : null;
  } catch {
    return null;
  }
}

/** What the host knows at one crash point: the committed transactions and the epoch history. */
interface Knowledge {
  readonly committed: readonly CommittedTx[];
  readonly history: EpochHistory;
}

/** Recovers one crash state and returns what is wrong with it (empty when nothing is). */
async function judge(image: SimFileSystem, knows: Knowledge, stats: CrashCheckStats, inFlight: number | null): Promise<string[]> {
  let recovery: EpochRecovery;
  let wal: Wal | null = null;
  try {
    const opened = await openWal(WAL_DIR, { fs: image });
    wal = opened.wal;
    let snapshot: string[] | null = [];
    if (opened.snapshot !== null) {
      try {
        snapshot = parseSnapshot(await opened.snapshot.read());
      } catch (error) {
        if (!(error instanceof WalError)) throw error;
        snapshot = null;
      }
    }
    recovery = {
      epoch: opened.snapshot?.epoch ?? 0,
      snapshotLsn: opened.snapshot?.lsn ?? 0,
      snapshot,
      transactions: opened.replay.transactions.map((t) => ({ beginLsn: t.beginLsn, commitLsn: t.commitLsn, events: t.events.map((e) => decoder.decode(e)) })),
    };
  } catch (error) {
    if (!(error instanceof WalError)) throw error;
    // A MANIFEST or a live snapshot that cannot be read is no whole epoch at all.
    if (error.code !== 'BadManifest' && error.code !== 'BadSnapshot') return [`openWal failed: ${error.message}`];
    return [`OneEpochInv: openWal found no whole epoch: ${error.message}`];
  } finally {
    await wal?.close().catch(() => undefined);
  }
  if (inFlight !== null) {
    if (recovery.epoch === inFlight) stats.newEpoch += 1;
    else stats.oldEpoch += 1;
  }
  const wrong: string[] = [];
  if (!OneEpochInv(knows.history, knows.committed, recovery)) wrong.push(`OneEpochInv: recovered epoch ${recovery.epoch} at LSN ${recovery.snapshotLsn}, snapshot ${JSON.stringify(recovery.snapshot)}, replayed ${recovery.transactions.map((t) => t.commitLsn).join(',')}`);
  if (!EpochDurabilityInv(knows.history, recovery)) wrong.push(`EpochDurabilityInv: recovered epoch ${recovery.epoch}, but epoch ${knows.history.acked} was acknowledged`);
  const held = (recovery.snapshot ?? []).length + recovery.transactions.reduce((n, t) => n + t.events.length, 0);
  const owed = knows.committed.reduce((n, t) => n + t.events.length, 0);
  if (held < owed) wrong.push(`DurabilityInv: ${owed} acknowledged events, ${held} recovered`);
  return wrong;
}

/**
 * Runs the workload, checking the crash states around every checkpoint. Returns the violations,
 * each with the crash point and the crash state that shows it.
 */
export async function checkCheckpointCrashes(run: CheckpointRun, stats: CrashCheckStats): Promise<string[]> {
  const sim = new SimFileSystem(run.knobs);
  const { wal } = await openWal(WAL_DIR, { fs: sim, segmentTargetBytes: run.segmentTargetBytes });
  let model: ModelState = initialState('per-commit');
  let committed: CommittedTx[] = [];
  let history = initialEpochHistory;
  let events = 0;
  const violations: string[] = [];

  const crashPoints = async (from: number, to: number, at: (k: number) => Knowledge, inFlight: number | null, label: string): Promise<void> => {
    for (let k = from; k <= to; k++) {
      stats.crashPoints += 1;
      const { states } = enumerateCrashStates(crashSpaceAt(run.knobs, sim.opLog, k), { maxStates: run.statesPerPoint, seed: run.seed + k });
      for (const state of states) {
        stats.crashStates += 1;
        const wrong = await judge(state.image(), at(k), stats, inFlight);
        if (wrong.length > 0 && violations.length < 5) {
          const op = sim.opLog[k - 1];
          violations.push(`${label}, crash after op ${k} (${op?.kind ?? 'none'} ${op !== undefined && 'path' in op ? op.path : op !== undefined && 'to' in op ? op.to : ''}):\n  ${wrong.join('\n  ')}\n${state.describe()}`);
        }
      }
    }
  };

  try {
    for (const step of run.steps) {
      if (step.kind === 'commit') {
        const payload = Array.from({ length: step.events }, () => `e${(events += 1)}`);
        const { beginLsn, commitLsn } = await wal.writeTransaction(payload.map((e) => encoder.encode(e)));
        await wal.waitDurable(commitLsn);
        committed = [...committed, { beginLsn, commitLsn, events: payload }];
        // The model's log, for the snapshot LSNs the WAL must accept.
        model = {
          ...model,
          log: [...model.log, { kind: 'TxBegin', lsn: beginLsn }, { kind: 'MutationBatch', lsn: beginLsn + 1, txBeginLsn: beginLsn, events: payload }, { kind: 'TxCommit', lsn: commitLsn, txBeginLsn: beginLsn }],
          nextLsn: commitLsn + 1,
          durableLsn: commitLsn,
          writtenCount: model.log.length + 3,
          attemptedCount: model.log.length + 3,
          syncedCount: model.log.length + 3,
        };
        continue;
      }
      const accepted = acceptedSnapshotLsns(model);
      const lsn = accepted[step.pick % accepted.length] ?? 0;
      const expected = Checkpoint(model, lsn);
      if (!expected.enabled || !expected.outcome.ok) throw new Error(`the model refuses snapshot LSN ${lsn} it offered`);
      const snapshot = snapshotEvents(committed, lsn);
      const before = sim.opLog.length;
      const retain = { snapshots: step.snapshots, segmentsBehindSnapshot: step.segmentsBehindSnapshot };
      const bytes = snapshotBytes(snapshot);
      const result = await wal.checkpoint({
        lsn,
        retain,
        snapshot: step.stream
          ? async (out) => {
              for (let at = 0; at < bytes.length; at += 7) await out.write(bytes.subarray(at, at + 7));
            }
          : bytes,
      });
      stats.checkpoints += 1;
      if (result.markerLsn !== expected.outcome.value) throw new Error(`marker LSN ${result.markerLsn}, the model says ${expected.outcome.value}`);
      model = expected.state;
      const after = sim.opLog.length;
      const rename = sim.opLog.findIndex((op, i) => i >= before && op.kind === 'rename' && op.to.endsWith('/MANIFEST'));
      const epoch = { epoch: result.epoch, snapshotLsn: lsn, snapshot };
      const renamedHistory = EpochRenamed(history, epoch);
      const previous = history;
      const knows = committed;
      // After op `rename` the rename may be on disk; once the last op returned, the host knows.
      await crashPoints(before, after, (k) => ({ committed: knows, history: k <= rename ? previous : k < after ? renamedHistory : EpochAcknowledged(renamedHistory, result.epoch) }), result.epoch, `checkpoint ${stats.checkpoints} at LSN ${lsn}`);
      history = EpochAcknowledged(renamedHistory, result.epoch);
    }
    await wal.forceFsync();
    const end = sim.opLog.length;
    const knows = { committed, history };
    await crashPoints(end, end, () => knows, null, 'the end of the workload');
  } finally {
    await wal.close().catch(() => undefined);
  }
  return violations;
}

export const emptyStats = (): CrashCheckStats => ({ checkpoints: 0, crashPoints: 0, crashStates: 0, newEpoch: 0, oldEpoch: 0 });
