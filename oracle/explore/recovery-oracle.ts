// The recovery oracle: the six properties of DESIGN.md's recovery guarantee, checked for one crash
// state against the WAL-level history.
//
//   PrefixInv      the replayed transactions are a prefix of the committed ones, in commit order.
//   DurabilityInv  every transaction committed at or below the acknowledged durable LSN is replayed.
//   AtomicityInv   every replayed transaction was committed, with exactly its events; nothing
//                  aborted, failed or uncommitted appears.
//   NoReuseInv     the reopened WAL allocates LSNs above every LSN that survived anywhere on disk.
//   IdempotenceInv crashing again right after recovery and recovering again gives the same result.
//   ExactnessInv   the replay is exactly what the surviving writes hold (expected-replay.ts).
// The names are spec/Wal.tla's and model/invariants.ts's.
// Two more names mark what is not one of the six but stops the check: Recoverable (openWal failed
// on a legal crash state, or succeeded where the expected replay says a sealed segment is
// damaged) and Layout / Contract (the writes or the API answers disagree with the format or the
// contract before any crash).
//
// What the host knew at the crash point (its committed transactions, the durable LSN it was
// acknowledged, its checkpoint LSN) is crash-context.ts's.

import type { CrashState } from '../../crash-sim/crash-states.js';
import type { ExpectedReplay } from './expected-replay.js';
import type { CrashContext } from './crash-context.js';
import type { RecoveryPolicyLike } from './wal-api.js';
import { describeTxs, sameTx, type HistoryTx, type ReplayedTx, type ExploreHistory } from './explore-history.js';
import { epochFindings, type EpochsAtCrash } from './epoch-findings.js';

export type Property =
  | 'PrefixInv'
  | 'DurabilityInv'
  | 'AtomicityInv'
  | 'NoReuseInv'
  | 'IdempotenceInv'
  | 'ExactnessInv'
  | 'OneEpochInv'
  | 'EpochDurabilityInv'
  | 'Recoverable'
  | 'Layout'
  | 'Contract';

export interface Violation {
  readonly property: Property;
  /** The op-log index the crash happened after; null for violations found without a crash. */
  readonly crashAfterOp: number | null;
  readonly message: string;
  /** A readable counterexample: the operations, the crash state, expected vs replayed. */
  readonly counterexample: string;
  /** Bytes the crash did not keep as written; smaller is simpler (used to pick minimal examples). */
  readonly weight: number;
}

export interface RecoveryObservation {
  /** What openWal replayed, or why it threw. */
  readonly replayed: readonly ReplayedTx[] | null;
  readonly error: string | null;
  readonly checkpointObserved?: number | null;
  /** wal.nextLsn() right after recovery, and the begin LSN the probe transaction got. */
  readonly nextLsn: number | null;
  readonly probeBeginLsn: number | null;
  /** The live snapshot recovery returned after checkpoints through the MANIFEST (null: none). */
  readonly snapshot?: { readonly lsn: number; readonly bytes: Uint8Array | null; readonly error: string | null } | null;
  /** Each re-crash after recovery: what the second recovery replayed (or its error). */
  readonly idempotence: readonly { readonly describe: () => string; readonly replayed: readonly ReplayedTx[] | null; readonly error: string | null }[];
}

export interface CheckInput {
  readonly history: ExploreHistory;
  readonly context: CrashContext;
  readonly state: CrashState;
  readonly expected: ExpectedReplay;
  readonly observed: RecoveryObservation;
  /** The operations up to the crash, already formatted (explore.ts). */
  readonly operations: string;
  /**
   * The checkpoints through the MANIFEST: the epoch this crash state holds (its rename on disk;
   * null: none) and the newest one the host was told committed (null: none).
   */
  readonly epochs?: EpochsAtCrash;
  /** The recovery policy the recovery ran under (the default when omitted). */
  readonly policy?: RecoveryPolicyLike;
}

function weightOf(state: CrashState): number {
  let weight = 0;
  for (const file of state.files.values()) for (const code of file.classes) if (code !== 0) weight++;
  return weight + state.dirOps.filter((d) => !d.persisted).length * 64;
}

function isAborted(history: ExploreHistory, tx: ReplayedTx): HistoryTx | undefined {
  return history.txs.find((t) => t.outcome !== 'committed' && t.beginLsn === tx.beginLsn);
}

/**
 * AtomicityInv on its own: every replayed transaction is one of `committed`, with exactly its
 * events. Returns one message per offending transaction (empty when atomic). `history`, when
 * given, names what became of a transaction that was not committed.
 */
export function atomicityViolations(committed: readonly ReplayedTx[], replayed: readonly ReplayedTx[], history?: ExploreHistory): string[] {
  const messages: string[] = [];
  for (const t of replayed) {
    if (committed.some((c) => sameTx(c, t))) continue;
    const other = history === undefined ? undefined : isAborted(history, t);
    const sameLsns = committed.find((c) => c.beginLsn === t.beginLsn && c.commitLsn === t.commitLsn);
    messages.push(
      `replayed ${describeTxs([t])}, which no session committed` +
        (other === undefined ? '' : ` (a transaction beginning at LSN ${t.beginLsn} was ${other.outcome})`) +
        (sameLsns === undefined ? '' : ` (the committed one at these LSNs is ${describeTxs([sameLsns])})`),
    );
  }
  return messages;
}

/** One property broken: its message, and what was expected against what was replayed. */
interface Finding {
  readonly property: Property;
  readonly message: string;
  readonly expected: string;
  readonly replayed: string;
}

/** Checks one recovered crash state; returns every property it breaks. */
export function checkRecovery(input: CheckInput): Violation[] {
  const { context, state, expected, observed } = input;
  const weight = weightOf(state);
  const toViolation = (f: Finding): Violation => ({
    property: f.property,
    crashAfterOp: context.crashAfterOp,
    message: f.message,
    counterexample: [
      'operations:',
      input.operations,
      `crash after op ${context.crashAfterOp}; acknowledged durable LSN ${context.acknowledgedDurableLsn}; checkpoint LSN ${context.checkpointLsn}`,
      `crash state (${state.dirOps.length} undecided entry changes):`,
      state.describe() || '  (nothing undecided)',
      `expected: ${f.expected}`,
      `replayed: ${f.replayed}`,
    ].join('\n'),
    weight,
  });
  const expectedText = expected.failure === null ? describeTxs(expected.transactions) : `recovery fails: ${expected.failure}`;
  if (expected.refused !== null) {
    // absolute: the torn spot must be refused with a Damaged error, and nothing else happens.
    if (observed.replayed === null && /^Damaged\b/.test(observed.error ?? '')) return [];
    const message = `recovery under ${input.policy ?? 'tolerate-torn-tail'} accepted damage it must refuse: ${expected.refused}`;
    return [toViolation({ property: 'ExactnessInv', message, expected: 'a Damaged error', replayed: observed.error ?? describeTxs(observed.replayed ?? []) })];
  }
  if (expected.failure !== null) {
    const message = `a legal crash state leaves a log that cannot be recovered: ${expected.failure}`;
    return [toViolation({ property: 'Recoverable', message, expected: expectedText, replayed: observed.error ?? describeTxs(observed.replayed ?? []) })];
  }
  if (observed.replayed === null) {
    // A MANIFEST or a live snapshot that cannot be read is no whole epoch at all.
    const property: Property = /^(BadManifest|BadSnapshot)\b/.test(observed.error ?? '') ? 'OneEpochInv' : 'Recoverable';
    const message = `openWal failed on a legal crash state: ${observed.error ?? 'unknown error'}`;
    return [toViolation({ property, message, expected: expectedText, replayed: `error: ${observed.error ?? '?'}` })];
  }
  const replayed = observed.replayed;
  const replayedText = describeTxs(replayed);
  const plain = (property: Property, message: string): Finding => ({ property, message, expected: expectedText, replayed: replayedText });
  const findings: Finding[] = [
    ...(observed.error === null ? [] : [plain('Recoverable', observed.error)]),
    ...exactness(expected, observed, replayed).map((f) => f ?? plain('ExactnessInv', 'the replay differs from what the surviving writes hold')),
    // skip-corrupted gives up the prefix property: transactions after a skipped range come back.
    ...(input.policy === 'skip-corrupted' ? [] : prefix(context, replayed).map((f) => ({ ...f, replayed: replayedText }))),
    ...durability(context, replayed).map((message) => plain('DurabilityInv', message)),
    ...atomicity(input.history, replayed).map((message) => plain('AtomicityInv', message)),
    ...noReuse(context, expected, observed),
    ...idempotence(observed, replayed, input.policy),
    ...epochFindings(input.history, input.epochs, observed),
  ];
  return findings.map(toViolation);
}

/**
 * ExactnessInv: exactly the intact committed prefix the surviving writes hold (null stands for
 * that finding, stated with the transactions), and the newest surviving checkpoint marker.
 */
function exactness(expected: ExpectedReplay, observed: RecoveryObservation, replayed: readonly ReplayedTx[]): (Finding | null)[] {
  const findings: (Finding | null)[] = [];
  const exact = replayed.length === expected.transactions.length && replayed.every((t, i) => {
    const e = expected.transactions[i];
    return e !== undefined && sameTx(t, e);
  });
  if (!exact) findings.push(null);
  if (observed.checkpointObserved !== undefined && observed.checkpointObserved !== expected.checkpointObserved) {
    findings.push({
      property: 'ExactnessInv',
      message: `replay reports checkpoint marker ${observed.checkpointObserved ?? 'none'}, but the newest surviving marker is ${expected.checkpointObserved ?? 'none'}`,
      expected: `checkpointObserved ${expected.checkpointObserved ?? 'null'}`,
      replayed: `checkpointObserved ${observed.checkpointObserved ?? 'null'}`,
    });
  }
  return findings;
}

/** The host's committed transactions above its checkpoint LSN: what replay may return. */
function committedAboveCheckpoint(context: CrashContext): readonly ReplayedTx[] {
  return context.committed.filter((t) => t.commitLsn > context.checkpointLsn);
}

/** PrefixInv: no holes, no reordering, nothing the host did not see committed. */
function prefix(context: CrashContext, replayed: readonly ReplayedTx[]): Omit<Finding, 'replayed'>[] {
  const committed = committedAboveCheckpoint(context);
  const at = replayed.findIndex((t, i) => {
    const c = committed[i];
    return c === undefined || !sameTx(t, c);
  });
  if (at === -1) return [];
  const offending = replayed[at];
  const wanted = committed[at];
  return [
    {
      property: 'PrefixInv',
      message: `replayed transaction #${at + 1} ${offending === undefined ? '' : describeTxs([offending])} is not committed transaction #${at + 1} ${wanted === undefined ? '(none: more were replayed than committed)' : describeTxs([wanted])}`,
      expected: `a prefix of ${describeTxs(committed)}`,
    },
  ];
}

/** DurabilityInv: everything acknowledged durable survived. */
function durability(context: CrashContext, replayed: readonly ReplayedTx[]): string[] {
  const lost = committedAboveCheckpoint(context).filter((t) => t.commitLsn <= context.acknowledgedDurableLsn && !replayed.some((r) => sameTx(r, t)));
  if (lost.length === 0) return [];
  return [`${lost.length} transaction(s) acknowledged durable (durable LSN ${context.acknowledgedDurableLsn}) were not replayed: ${describeTxs(lost)}`];
}

/** AtomicityInv: every replayed transaction was committed by some session, with its exact events. */
function atomicity(history: ExploreHistory, replayed: readonly ReplayedTx[]): string[] {
  const everCommitted = [
    ...history.txs.filter((h) => h.outcome === 'committed').map((h) => ({ beginLsn: h.beginLsn, commitLsn: h.endLsn ?? -1, events: h.events })),
    ...history.sessions.flatMap((s) => s.recovered),
  ];
  return atomicityViolations(everCommitted, replayed, history);
}

/** NoReuseInv: the next LSN is above every LSN that survived anywhere on disk. */
function noReuse(context: CrashContext, expected: ExpectedReplay, observed: RecoveryObservation): Finding[] {
  const bound = Math.max(expected.maxSurvivingLsn, context.checkpointLsn);
  if (observed.nextLsn !== null && observed.nextLsn <= bound) {
    return [{ property: 'NoReuseInv', message: `after recovery nextLsn() is ${observed.nextLsn}, but LSN ${bound} survived on disk`, expected: `next LSN > ${bound}`, replayed: `next LSN ${observed.nextLsn}` }];
  }
  if (observed.probeBeginLsn !== null && observed.probeBeginLsn <= bound) {
    return [
      {
        property: 'NoReuseInv',
        message: `the first transaction after recovery began at LSN ${observed.probeBeginLsn}, but LSN ${bound} survived on disk`,
        expected: `begin LSN > ${bound}`,
        replayed: `begin LSN ${observed.probeBeginLsn}`,
      },
    ];
  }
  return [];
}

/** IdempotenceInv: crash again right after recovery, recover again, same transactions (the first difference). */
function idempotence(observed: RecoveryObservation, replayed: readonly ReplayedTx[], policy: RecoveryPolicyLike | undefined): Finding[] {
  // absolute refuses what a crash during recovery's own writes leaves (a torn tail or header):
  // that refusal is its contract, not a different result.
  const refusedByAbsolute = (a: { readonly error: string | null }): boolean => policy === 'absolute' && /^Damaged\b/.test(a.error ?? '');
  const again = observed.idempotence.find((a) => !refusedByAbsolute(a) && !(a.replayed !== null && a.replayed.length === replayed.length && a.replayed.every((t, i) => {
    const r = replayed[i];
    return r !== undefined && sameTx(t, r);
  })));
  if (again === undefined) return [];
  return [
    {
      property: 'IdempotenceInv',
      message: `crashing during or right after recovery and recovering again changed the result (second crash state:\n${again.describe()})`,
      expected: describeTxs(replayed),
      replayed: again.replayed === null ? `error: ${again.error ?? '?'}` : describeTxs(again.replayed),
    },
  ];
}

/** One line per violation, then its counterexample indented: the text `walref explore` prints. */
export function formatViolation(v: Violation): string {
  return `${v.property} violated${v.crashAfterOp === null ? '' : ` (crash after op ${v.crashAfterOp})`}: ${v.message}\n${v.counterexample
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n')}`;
}
