// ExploreHistory: the history `walref explore` checks, the WAL-level record of one workload run:
// what the public API returned, recorded by the interpreter (run-workload.ts) as it went. The
// recovery oracle reads it together with the simulator's op log; it never looks inside the WAL.
// (crash-test's history is a SyscallHistory, check-trace's an ActionTrace: one type per checker.)

import type { HistoryRecordKind } from './disk-format.js';

/** One record the WAL allocated an LSN for, in the session (open..close) that allocated it. */
export interface HistoryRecord {
  readonly session: number;
  readonly lsn: number;
  readonly kind: HistoryRecordKind;
  readonly txBeginLsn: number | null;
  readonly events: readonly Uint8Array[];
  readonly snapshotLsn: number | null;
  readonly frameBytes: number;
}

export type TxOutcome = 'committed' | 'aborted' | 'failed';

export interface HistoryTx {
  readonly session: number;
  readonly step: number;
  readonly beginLsn: number;
  /** The TxCommit's LSN (committed) or TxAbort's (aborted); null when the call failed. */
  readonly endLsn: number | null;
  readonly events: readonly Uint8Array[];
  readonly outcome: TxOutcome;
  /** Op-log length when the call returned: the tx counts as committed for crash points after it. */
  readonly returnedAtOp: number;
}

/** A transaction as replay returns it. */
export interface ReplayedTx {
  readonly beginLsn: number;
  readonly commitLsn: number;
  readonly events: readonly Uint8Array[];
}

export interface HistorySession {
  readonly session: number;
  /** Op-log index of the session's first op (its 'session' mark). */
  readonly startOp: number;
  /** Op-log length when openWal returned: from then on the host knows what it recovered. */
  readonly openedAtOp: number;
  /** The checkpoint LSN passed to openWal (the host's snapshot), 0 when none. */
  readonly checkpointLsn: number;
  /** What openWal replayed: the host's committed state at the start of the session. */
  readonly recovered: readonly ReplayedTx[];
  readonly nextLsnAtOpen: number;
  /** Whether that replay found (and recovery cut off) a torn tail. */
  readonly tornTail: boolean;
}

export interface HistoryStep {
  readonly index: number;
  readonly description: string;
  readonly startOp: number;
  readonly endOp: number;
  readonly ok: boolean;
  readonly error: string | null;
}

/** A checkpoint through the MANIFEST: its epoch, LSN and snapshot bytes, and when it committed. */
export interface HistoryEpoch {
  readonly epoch: number;
  readonly lsn: number;
  readonly snapshot: Uint8Array;
  /** The op-log index of its rename of MANIFEST.tmp to MANIFEST: from there a crash may keep it. */
  readonly renameOp: number;
  /** The op-log length when checkpoint() returned: from there it is the host's committed epoch. */
  readonly returnedAtOp: number;
}

export interface ExploreHistory {
  readonly dir: string;
  readonly records: readonly HistoryRecord[];
  readonly txs: readonly HistoryTx[];
  readonly sessions: readonly HistorySession[];
  readonly steps: readonly HistoryStep[];
  /**
   * The host's checkpoint LSN as each truncateUpTo raised it, from the op it was issued at: the
   * host's snapshot covers what it truncated, so later recoveries pass it to openWal.
   */
  readonly checkpointLsns: readonly { readonly atOp: number; readonly checkpointLsn: number }[];
  /** Every checkpoint through the MANIFEST that returned, oldest first (docs/tour.md, step 12). */
  readonly epochs: readonly HistoryEpoch[];
  /** Breaches of the API contract seen while running (e.g. a read-only commit that wrote). */
  readonly contractViolations: readonly string[];
}

export function sameEvents(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((event, i) => {
    const other = b[i];
    return other !== undefined && other.length === event.length && event.every((byte, j) => other[j] === byte);
  });
}

export function sameTx(a: ReplayedTx, b: ReplayedTx): boolean {
  return a.beginLsn === b.beginLsn && a.commitLsn === b.commitLsn && sameEvents(a.events, b.events);
}

const decoder = new TextDecoder();

/** "[12..14] {a, b}" — LSNs and events as UTF-8, for counterexamples. */
export function describeTx(tx: ReplayedTx): string {
  return `[${tx.beginLsn}..${tx.commitLsn}] {${tx.events.map((e) => JSON.stringify(decoder.decode(e))).join(', ')}}`;
}

export function describeTxs(txs: readonly ReplayedTx[]): string {
  return txs.length === 0 ? '(none)' : txs.map(describeTx).join(' ');
}
