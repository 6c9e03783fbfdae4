// The recovery oracle's findings one by one: each property's message and counterexample lines
// (PrefixInv, DurabilityInv, NoReuseInv, IdempotenceInv, the checkpoint marker), the policies
// that change what is checked, and formatViolation's text.
import { describe, expect, it } from 'vitest';
import type { CrashContext } from '../../../oracle/explore/crash-context.js';
import type { ExpectedReplay } from '../../../oracle/explore/expected-replay.js';
import type { ReplayedTx } from '../../../oracle/explore/explore-history.js';
import { describeTxs } from '../../../oracle/explore/explore-history.js';
import { checkRecovery, formatViolation, type RecoveryObservation } from '../../../oracle/explore/recovery-oracle.js';
import type { RecoveryPolicyLike } from '../../../oracle/explore/wal-api.js';
import { history, state, t1, t2, t3 } from './recovery-oracle-fixtures.js';

interface Recovery {
  readonly committed?: readonly ReplayedTx[];
  readonly ack?: number;
  readonly expected?: Partial<ExpectedReplay>;
  readonly observed?: Partial<RecoveryObservation>;
  readonly policy?: RecoveryPolicyLike;
}

/**
 * What checkRecovery finds in one recovery (by default: t1..t3 committed, nothing acknowledged,
 * the image holding t1 and LSNs up to 9, and a recovery that replayed t1 and goes on at LSN 10),
 * each finding as its property, its message and its counterexample's last two lines.
 */
function findings(r: Recovery): [string, string, string][] {
  const replayed = r.observed?.replayed ?? [t1];
  const context: CrashContext = { crashAfterOp: 50, session: 0, acknowledgedDurableLsn: r.ack ?? 0, checkpointLsn: 0, committed: r.committed ?? [t1, t2, t3] };
  return checkRecovery({
    history,
    context,
    state,
    expected: { failure: null, refused: null, transactions: [t1], checkpointObserved: null, records: [], maxSurvivingLsn: 9, segments: [], ...r.expected },
    observed: { error: null, nextLsn: 10, probeBeginLsn: null, idempotence: [], ...r.observed, replayed },
    operations: '',
    ...(r.policy === undefined ? {} : { policy: r.policy }),
  }).map((v) => [v.property, v.message, v.counterexample.split('\n').slice(-2).join(' | ')]);
}

describe('the messages of PrefixInv and DurabilityInv', () => {
  /** The image holds exactly what was replayed: only PrefixInv and DurabilityInv can be broken. */
  const found = (committed: readonly ReplayedTx[], ack: number, replayed: readonly ReplayedTx[]) =>
    findings({ committed, ack, expected: { transactions: replayed }, observed: { replayed, nextLsn: 1_000 } }).map(([p, m, lines]) => [p, m, lines.split(' | ')[0]]);

  it('names the first replayed transaction out of place and the committed one it should be, or that none is', () => {
    expect(found([t1, t2, t3], 0, [t1, t3])).toEqual([['PrefixInv', `replayed transaction #2 ${describeTxs([t3])} is not committed transaction #2 ${describeTxs([t2])}`, `expected: a prefix of ${describeTxs([t1, t2, t3])}`]]);
    expect(found([t1], 0, [t1, t2])).toEqual([['PrefixInv', `replayed transaction #2 ${describeTxs([t2])} is not committed transaction #2 (none: more were replayed than committed)`, `expected: a prefix of ${describeTxs([t1])}`]]);
  });

  it('counts and names the transactions acknowledged durable that were not replayed', () => {
    expect(found([t1, t2, t3], 6, [])).toEqual([['DurabilityInv', `2 transaction(s) acknowledged durable (durable LSN 6) were not replayed: ${describeTxs([t1, t2])}`, `expected: ${describeTxs([])}`]]);
  });
});

describe('NoReuseInv and IdempotenceInv in detail', () => {
  const check = (observed: Partial<RecoveryObservation>, policy?: RecoveryPolicyLike) => findings({ observed, ...(policy === undefined ? {} : { policy }) });

  it('names the next LSN, or the first transaction\'s begin LSN, that is not above every LSN that survived', () => {
    expect(check({ nextLsn: 9 })).toEqual([['NoReuseInv', 'after recovery nextLsn() is 9, but LSN 9 survived on disk', 'expected: next LSN > 9 | replayed: next LSN 9']]);
    expect(check({ probeBeginLsn: 9 })).toEqual([['NoReuseInv', 'the first transaction after recovery began at LSN 9, but LSN 9 survived on disk', 'expected: begin LSN > 9 | replayed: begin LSN 9']]);
    expect(check({ probeBeginLsn: 10 })).toEqual([]);
    expect(check({ nextLsn: null, probeBeginLsn: 4 }).map((v) => v[0])).toEqual(['NoReuseInv']);
  });

  it('takes a Damaged refusal after a second crash as absolute\'s contract, and only under absolute', () => {
    const again = (error: string) => ({ idempotence: [{ describe: () => '  torn again', replayed: null, error }] });
    expect(check(again('Damaged: torn header'), 'absolute')).toEqual([]);
    for (const error of ['Corrupt: torn', 'NotDamaged: x']) expect(check(again(error), 'absolute').map((v) => v[0]), error).toEqual(['IdempotenceInv']);
    expect(check(again('Damaged: torn header'))).toEqual([
      ['IdempotenceInv', 'crashing during or right after recovery and recovering again changed the result (second crash state:\n  torn again)', `expected: ${describeTxs([t1])} | replayed: error: Damaged: torn header`],
    ]);
  });

  it('compares the second recovery transaction by transaction, and spells one that neither replayed nor said why', () => {
    const second = (replayed: readonly ReplayedTx[] | null) => check({ idempotence: [{ describe: () => '', replayed, error: null }] }).map(([property, , lastLines]) => [property, lastLines?.split(' | ')[1]]);
    expect(second([t1])).toEqual([]);
    expect(second([t2])).toEqual([['IdempotenceInv', `replayed: ${describeTxs([t2])}`]]);
    expect(second(null)).toEqual([['IdempotenceInv', 'replayed: error: ?']]);
    // Every transaction counts, not only the first.
    const twice = check({ replayed: [t1, t2], idempotence: [{ describe: () => '', replayed: [t1, t3], error: null }] });
    expect(twice.map((v) => v[0])).toContain('IdempotenceInv');
  });

  it('gives up PrefixInv under skip-corrupted, whose replay may skip a damaged range, and keeps it under the others', () => {
    const hole = (policy?: RecoveryPolicyLike) => findings({ expected: { transactions: [t1, t3] }, observed: { replayed: [t1, t3] }, ...(policy === undefined ? {} : { policy }) }).map((f) => f[0]);
    expect(hole('skip-corrupted')).toEqual([]);
    expect(hole()).toEqual(['PrefixInv']);
    expect(hole('absolute')).toEqual(['PrefixInv']);
  });
});

describe('the checkpoint marker replay reports', () => {
  const markers = (expectedMarker: number | null, observedMarker: number | null | undefined) =>
    findings({ committed: [t1], ack: 3, expected: { checkpointObserved: expectedMarker }, observed: observedMarker === undefined ? {} : { checkpointObserved: observedMarker } });

  it('must be the newest marker that survived, none when none did', () => {
    expect(markers(7, 7)).toEqual([]);
    expect(markers(null, null)).toEqual([]);
    expect(markers(7, 5)).toEqual([['ExactnessInv', 'replay reports checkpoint marker 5, but the newest surviving marker is 7', 'expected: checkpointObserved 7 | replayed: checkpointObserved 5']]);
    expect(markers(7, null)).toEqual([['ExactnessInv', 'replay reports checkpoint marker none, but the newest surviving marker is 7', 'expected: checkpointObserved 7 | replayed: checkpointObserved null']]);
    expect(markers(null, 4)).toEqual([['ExactnessInv', 'replay reports checkpoint marker 4, but the newest surviving marker is none', 'expected: checkpointObserved null | replayed: checkpointObserved 4']]);
  });

  it('is not checked for a WAL that does not report one', () => {
    expect(markers(7, undefined)).toEqual([]);
  });
});

describe('formatViolation', () => {
  it('prints the property, the crash point when there is one, the message, then the counterexample indented', () => {
    const v = { property: 'PrefixInv', crashAfterOp: 7, message: 'a hole', counterexample: 'operations:\n  #0 tx', weight: 0 } as const;
    expect(formatViolation(v)).toBe('PrefixInv violated (crash after op 7): a hole\n    operations:\n      #0 tx');
    expect(formatViolation({ ...v, property: 'Contract', crashAfterOp: null, counterexample: '' })).toBe('Contract violated: a hole\n    ');
  });
});
