// The two properties of a checkpoint through the MANIFEST (spec/Manifest.tla, model/snapshot-epochs.ts),
// checked by the recovery oracle (recovery-oracle.ts) on every recovered crash state of a workload
// with checkpoints: OneEpochInv and EpochDurabilityInv.

import { sameEvents, type ExploreHistory, type HistoryEpoch } from './explore-history.js';
import type { RecoveryObservation } from './recovery-oracle.js';

/** The epoch a crash state holds (null: none) and the newest one the host was told committed. */
export interface EpochsAtCrash {
  readonly held: HistoryEpoch | null;
  readonly acknowledged: HistoryEpoch | null;
}

export interface EpochFinding {
  readonly property: 'OneEpochInv' | 'EpochDurabilityInv';
  readonly message: string;
  readonly expected: string;
  readonly replayed: string;
}

/**
 * OneEpochInv: recovery returned exactly the epoch the crash state holds, its snapshot whole;
 * EpochDurabilityInv: that epoch is no older than the one the host was told committed.
 */
export function epochFindings(history: ExploreHistory, epochs: EpochsAtCrash | undefined, observed: Pick<RecoveryObservation, 'snapshot'>): EpochFinding[] {
  if (epochs === undefined || observed.snapshot === undefined) return [];
  const got = observed.snapshot;
  const held = epochs.held;
  const name = (e: { readonly lsn: number } | null): string => (e === null ? 'no snapshot' : `the snapshot at LSN ${e.lsn}`);
  const findings: EpochFinding[] = [];
  const whole = got === null ? held === null : held !== null && got.lsn === held.lsn && got.bytes !== null && sameEvents([got.bytes], [held.snapshot]);
  if (!whole) {
    const what = got === null ? 'no snapshot' : got.bytes === null ? `the snapshot at LSN ${got.lsn}, unreadable (${got.error ?? '?'})` : `the snapshot at LSN ${got.lsn}`;
    findings.push({ property: 'OneEpochInv', message: `recovery returned ${what}, but the crash state holds ${name(held)}`, expected: name(held), replayed: what });
  }
  const returned = got === null ? -1 : history.epochs.map((e) => e.lsn).lastIndexOf(got.lsn);
  if (epochs.acknowledged !== null && returned < history.epochs.indexOf(epochs.acknowledged)) {
    findings.push({
      property: 'EpochDurabilityInv',
      message: `the checkpoint at LSN ${epochs.acknowledged.lsn} had returned, but recovery returned ${got === null ? 'no snapshot' : `the snapshot at LSN ${got.lsn}`}`,
      expected: name(epochs.acknowledged),
      replayed: got === null ? 'no snapshot' : `LSN ${got.lsn}`,
    });
  }
  return findings;
}

