// The recovery policies: named contracts for what replay does with damage (after RocksDB's four
// WAL recovery modes). Each is a labelled column of the decision table in replay-decision.ts; this
// file states what each one guarantees and what it gives up, the words docs/format.md and
// docs/fault-model.md repeat next to the recovery guarantee.

import type { RecoveryPolicy } from './errors.js';

export type { RecoveryPolicy } from './errors.js';

export interface RecoveryPolicyContract {
  readonly policy: RecoveryPolicy;
  /** What a host gets. */
  readonly guarantee: string;
  /** What it gives up, compared with the default. */
  readonly givesUp: string;
}

export const DEFAULT_RECOVERY_POLICY: RecoveryPolicy = 'tolerate-torn-tail';

export const RECOVERY_POLICIES: readonly RecoveryPolicyContract[] = [
  {
    policy: 'tolerate-torn-tail',
    guarantee:
      'the recovery guarantee: a torn tail of the active segment is a crash leftover, cut off and reported; any other damage is a typed error (Corruption, BadSegmentHeader)',
    givesUp: 'nothing: it is the default',
  },
  {
    policy: 'absolute',
    guarantee: 'the log replays whole or not at all: any damage, a torn tail or a torn segment header included, is a typed error (Damaged for what the default would have cut off)',
    givesUp: 'opening after a crash mid-write: the host learns the log was not closed cleanly and decides what to do',
  },
  {
    policy: 'point-in-time',
    guarantee:
      'the consistent prefix before the first damage anywhere, sealed segments included, with a report of what was cut; openWal makes the cut permanent and keeps the cut bytes in .cut files',
    givesUp: 'every transaction after the first damage, even whole ones in later segments (durability for them)',
  },
  {
    policy: 'skip-corrupted',
    guarantee:
      'every whole frame outside the damaged ranges, each range reported; a transaction that may have lost a record in a damaged range is never replayed (it is reported instead)',
    givesUp: 'the prefix property: transactions after a damaged range come back while ones inside or across it do not. Salvage only, never the default',
  },
];

export const RECOVERY_POLICY_NAMES: readonly RecoveryPolicy[] = RECOVERY_POLICIES.map((p) => p.policy);
