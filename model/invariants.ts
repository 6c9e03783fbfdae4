// The recovery guarantee (DESIGN.md "Recovery guarantee") as predicates over one model state,
// named as in spec/Wal.tla. Each invariant has a part about the running log and a part about the
// newest recovery, which the state keeps as a history variable. The model-based tests evaluate
// the same predicates on a state whose newest recovery holds what the real WAL replayed.

import type { CommittedTx, LogRecord, ModelState, Recovery } from './state.js';
import { lastLsnOf, syncedLsn } from './state.js';
import { replayLog } from './replay.js';

export type Invariant = (state: ModelState) => boolean;

const lastRecovery = (state: ModelState): Recovery | undefined => state.recoveries[state.recoveries.length - 1];

function sameTx(a: CommittedTx, b: CommittedTx): boolean {
  return a.beginLsn === b.beginLsn && a.commitLsn === b.commitLsn && a.events.length === b.events.length && a.events.every((e, i) => e === b.events[i]);
}

function sameTxList(a: readonly CommittedTx[], b: readonly CommittedTx[]): boolean {
  return a.length === b.length && a.every((tx, i) => {
    const other = b[i];
    return other !== undefined && sameTx(tx, other);
  });
}

const aboveCheckpoint = (txs: readonly CommittedTx[], checkpointLsn: number): CommittedTx[] => txs.filter((tx) => tx.commitLsn > checkpointLsn);

/**
 * The synced records are a prefix of the written ones, which are a prefix of the attempted ones
 * and of the log; and the
 * replayed transactions are a prefix of those committed before the crash, in commit order.
 */
export const PrefixInv: Invariant = (state) => {
  const running =
    0 <= state.syncedCount &&
    state.syncedCount <= state.writtenCount &&
    state.writtenCount <= state.attemptedCount &&
    state.attemptedCount <= state.log.length;
  const recovery = lastRecovery(state);
  if (recovery === undefined) return running;
  const committed = aboveCheckpoint(recovery.before.committed, recovery.checkpointLsn);
  const replayed = recovery.replay.transactions;
  // sameTxList wants equal lengths: a replay longer than what was committed fails it too.
  return running && sameTxList(replayed, committed.slice(0, replayed.length));
};

/**
 * The durable LSN never claims more than stable storage holds; and after a crash every
 * transaction committed at or below the acknowledged durable LSN is replayed.
 */
export const DurabilityInv: Invariant = (state) => {
  const running = state.durableLsn <= syncedLsn(state);
  const recovery = lastRecovery(state);
  if (recovery === undefined) return running;
  const owed = aboveCheckpoint(recovery.before.committed, recovery.checkpointLsn).filter((tx) => tx.commitLsn <= recovery.before.durableLsn);
  return running && owed.every((tx) => recovery.replay.transactions.some((r) => sameTx(r, tx)));
};

function loggedExactly(log: readonly LogRecord[], tx: CommittedTx): boolean {
  const batches = log.filter((r) => r.kind === 'MutationBatch' && r.txBeginLsn === tx.beginLsn);
  // Stryker disable next-line ArrayDeclaration,ConditionalExpression: every record here is a MutationBatch (the filter above); the test only narrows the type
  const events = batches.flatMap((r) => (r.kind === 'MutationBatch' ? r.events : []));
  return (
    // Stryker disable next-line ConditionalExpression: LSNs are unique in the log, so the record at the begin LSN is the TxBegin whenever its LSN matches
    log.some((r) => r.kind === 'TxBegin' && r.lsn === tx.beginLsn) &&
    log.some((r) => r.kind === 'TxCommit' && r.lsn === tx.commitLsn && r.txBeginLsn === tx.beginLsn) &&
    events.length === tx.events.length &&
    events.every((e, i) => e === tx.events[i])
  );
}

/**
 * A disarmed recorder holds no events, and every committed transaction is in the log with
 * exactly its events; after a crash no aborted, uncommitted or armed-only transaction is
 * replayed, and every replayed one has exactly the events it was committed with.
 */
export const AtomicityInv: Invariant = (state) => {
  const running =
    (state.recorder.armed || state.recorder.buffer.length === 0) && state.committed.every((tx) => loggedExactly(state.log, tx));
  const recovery = lastRecovery(state);
  if (recovery === undefined) return running;
  const replayed = recovery.replay.transactions;
  return (
    running &&
    replayed.every((r) => recovery.before.committed.some((tx) => sameTx(tx, r))) &&
    replayed.every((r) => !recovery.before.aborted.includes(r.beginLsn))
  );
};

/**
 * LSNs strictly increase along the log and stay below the next LSN; after a crash the reopened
 * WAL allocates above every LSN that survived on disk and above the host's snapshot.
 */
export const NoReuseInv: Invariant = (state) => {
  // Stryker disable next-line ConditionalExpression: the first record compares with 0, below every LSN, so `i === 0` only says why
  const increasing = state.log.every((r, i) => i === 0 || (state.log[i - 1]?.lsn ?? 0) < r.lsn);
  const running = increasing && lastLsnOf(state.log) < state.nextLsn;
  const recovery = lastRecovery(state);
  if (recovery === undefined) return running;
  return running && recovery.nextLsn > recovery.maxSurvivingLsn && recovery.nextLsn > recovery.checkpointLsn;
};

/**
 * Crashing again right after a recovery (nothing appended in between) and recovering again gives
 * the same transactions. The next and durable LSNs may drop: open cuts a torn tail off, and with
 * it any stray frames whose LSNs the first recovery had to stay above.
 */
export const IdempotenceInv: Invariant = (state) => {
  // Recover keeps the last two recoveries: with fewer there is nothing to compare.
  const [previous, latest] = state.recoveries;
  if (previous === undefined || latest === undefined) return true;
  const nothingAppended = latest.before.log.length === previous.disk.length && latest.checkpointLsn === previous.checkpointLsn;
  if (!nothingAppended) return true;
  return sameTxList(latest.replay.transactions, previous.replay.transactions);
};

/**
 * Given the crash state, the replay is exactly the committed prefix the intact records hold,
 * the next LSN is just above what survived (and above the host's snapshot), and the durable LSN
 * just below it.
 */
export const ExactnessInv: Invariant = (state) => {
  const recovery = lastRecovery(state);
  if (recovery === undefined) return true;
  const expected = replayLog(recovery.disk, recovery.checkpointLsn);
  return (
    sameTxList(recovery.replay.transactions, expected.transactions) &&
    recovery.replay.checkpointObserved === expected.checkpointObserved &&
    recovery.durableLsn === recovery.nextLsn - 1 &&
    recovery.nextLsn === Math.max(recovery.maxSurvivingLsn, recovery.checkpointLsn) + 1
  );
};

export const invariants = { PrefixInv, DurabilityInv, AtomicityInv, NoReuseInv, IdempotenceInv, ExactnessInv } as const;

export type InvariantName = keyof typeof invariants;

/** The names of the invariants that do not hold in `state` (empty when all hold). */
export function violatedInvariants(state: ModelState): InvariantName[] {
  return (Object.keys(invariants) as InvariantName[]).filter((name) => !invariants[name](state));
}
