// checkRecovery (oracle/explore/recovery-oracle.ts) on a table of synthetic recoveries: which
// properties each one breaks. The host committed t1..t3; the cases vary what was acknowledged
// durable, what the image holds, and what recovery returned, so each property's boundary is
// pinned from both sides (exactly at the acknowledged LSN, exactly at the surviving LSN bound).
import { describe, expect, it } from 'vitest';
import type { CrashState } from '../../../crash-sim/crash-states.js';
import type { CrashContext } from '../../../oracle/explore/crash-context.js';
import type { ExpectedReplay } from '../../../oracle/explore/expected-replay.js';
import type { ReplayedTx } from '../../../oracle/explore/explore-history.js';
import { atomicityViolations, checkRecovery, type Property, type RecoveryObservation } from '../../../oracle/explore/recovery-oracle.js';
import { describeTxs } from '../../../oracle/explore/explore-history.js';
import { ev, history, state, t1, t2, t3 } from './recovery-oracle-fixtures.js';

interface Case {
  readonly name: string;
  readonly ack: number;
  readonly checkpointLsn?: number;
  /** What the image holds (expected replay). */
  readonly expected: readonly ReplayedTx[];
  readonly maxSurvivingLsn?: number;
  readonly replayed: readonly ReplayedTx[] | null;
  readonly error?: string;
  readonly nextLsn?: number;
  readonly again?: readonly ReplayedTx[];
  readonly expectedFailure?: string;
  readonly want: readonly Property[];
}

const swap = (t: ReplayedTx, events: string[]): ReplayedTx => ({ ...t, events: events.map(ev) });

const cases: Case[] = [
  { name: 'everything survived and came back', ack: 9, expected: [t1, t2, t3], replayed: [t1, t2, t3], want: [] },
  { name: 'an unacknowledged tail was lost on disk and not replayed', ack: 6, expected: [t1, t2], replayed: [t1, t2], want: [] },
  { name: 'nothing acknowledged, nothing survived', ack: 0, expected: [], replayed: [], want: [] },
  { name: 'a commit acknowledged exactly at its commit LSN is lost (disk lost it too)', ack: 9, expected: [t1, t2], replayed: [t1, t2], want: ['DurabilityInv'] },
  { name: 'a commit acknowledged below the durable LSN is lost', ack: 9, expected: [t1], replayed: [t1], want: ['DurabilityInv'] },
  { name: 'a durable but unacknowledged commit is not required', ack: 8, expected: [t1, t2], replayed: [t1, t2], want: [] },
  { name: 'a commit at or below the checkpoint LSN is not required', ack: 9, checkpointLsn: 3, expected: [t2, t3], replayed: [t2, t3], want: [] },
  { name: 'the surviving tail is not replayed', ack: 6, expected: [t1, t2, t3], replayed: [t1, t2], want: ['ExactnessInv'] },
  { name: 'a transaction with other events', ack: 9, expected: [t1, t2, t3], replayed: [t1, swap(t2, ['z']), t3], want: ['ExactnessInv', 'PrefixInv', 'AtomicityInv', 'DurabilityInv'] },
  { name: 'a transaction with its events reordered', ack: 0, expected: [t1], replayed: [swap(t1, ['b', 'a'])], want: ['ExactnessInv', 'PrefixInv', 'AtomicityInv'] },
  { name: 'a transaction with an event missing', ack: 0, expected: [t1], replayed: [swap(t1, ['a'])], want: ['ExactnessInv', 'PrefixInv', 'AtomicityInv'] },
  { name: 'transactions in another order', ack: 0, expected: [t1, t2], replayed: [t2, t1], want: ['ExactnessInv', 'PrefixInv'] },
  { name: 'a hole in the prefix', ack: 0, expected: [t1, t3], replayed: [t1, t3], want: ['PrefixInv'] },
  { name: 'an aborted transaction replayed', ack: 0, expected: [t1], replayed: [t1, { beginLsn: 10, commitLsn: 11, events: [ev('x')] }], want: ['ExactnessInv', 'PrefixInv', 'AtomicityInv'] },
  { name: 'nextLsn equal to the highest surviving LSN', ack: 9, expected: [t1, t2, t3], maxSurvivingLsn: 9, replayed: [t1, t2, t3], nextLsn: 9, want: ['NoReuseInv'] },
  { name: 'nextLsn just above the highest surviving LSN', ack: 9, expected: [t1, t2, t3], maxSurvivingLsn: 9, replayed: [t1, t2, t3], nextLsn: 10, want: [] },
  { name: 'nextLsn not above the checkpoint LSN', ack: 0, checkpointLsn: 12, expected: [], maxSurvivingLsn: 9, replayed: [], nextLsn: 12, want: ['NoReuseInv'] },
  { name: 'recovering again after a re-crash gives another result', ack: 0, expected: [t1, t2], replayed: [t1, t2], again: [t1], want: ['IdempotenceInv'] },
  { name: 'recovering again gives the same result', ack: 0, expected: [t1, t2], replayed: [t1, t2], again: [t1, t2], want: [] },
  { name: 'openWal failed on a legal crash state', ack: 0, expected: [t1], replayed: null, error: 'Damaged: boom', want: ['Recoverable'] },
  { name: 'the image cannot be recovered (expected failure)', ack: 0, expected: [], expectedFailure: 'sealed segment damaged', replayed: [], want: ['Recoverable'] },
];

function observation(c: Case): RecoveryObservation {
  return {
    replayed: c.replayed,
    error: c.replayed === null ? (c.error ?? 'error') : null,
    nextLsn: c.nextLsn ?? 1_000,
    probeBeginLsn: null,
    idempotence: c.again === undefined ? [] : [{ describe: () => 'again', replayed: c.again, error: null }],
  };
}

describe('checkRecovery', () => {
  it.each(cases)('$name: $want', (c) => {
    const checkpointLsn = c.checkpointLsn ?? 0;
    const context: CrashContext = { crashAfterOp: 50, session: 0, acknowledgedDurableLsn: c.ack, checkpointLsn, committed: [t1, t2, t3] };
    const expected: ExpectedReplay = {
      failure: c.expectedFailure ?? null,
      refused: null,
      transactions: c.expected,
      checkpointObserved: null,
      records: [],
      maxSurvivingLsn: c.maxSurvivingLsn ?? Math.max(0, ...c.expected.map((t) => t.commitLsn)),
      segments: [],
    };
    const found = checkRecovery({ history, context, state, expected, observed: observation(c), operations: '' });
    expect([...new Set(found.map((v) => v.property))].sort()).toEqual([...c.want].sort());
    for (const v of found) expect(v.crashAfterOp).toBe(50);
  });
});

describe('the weight of a violation', () => {
  it('counts the bytes the crash state did not keep as written, and 64 for each directory change it lost', () => {
    // Classes per byte (crash-sim's BYTE_CLASS_NAMES): 0 came through the crash as written; 1, 2 and
    // 3 (lost, torn, garbage) did not.
    const weighed = (classes: readonly number[][], persisted: readonly boolean[]): number => {
      const files = new Map(classes.map((c, i) => [`/wal/f${i}`, { classes: Uint8Array.from(c) }]));
      const crashed = { files, dirOps: persisted.map((p) => ({ persisted: p })), describe: () => '', key: 'k' } as unknown as CrashState;
      const context: CrashContext = { crashAfterOp: 50, session: 0, acknowledgedDurableLsn: 0, checkpointLsn: 0, committed: [t1] };
      const expected: ExpectedReplay = { failure: null, refused: null, transactions: [t1], checkpointObserved: null, records: [], maxSurvivingLsn: 3, segments: [] };
      const found = checkRecovery({ history, context, state: crashed, expected, observed: observation({ name: '', ack: 0, expected: [t1], replayed: null, want: [] }), operations: '' });
      expect(found.length).toBeGreaterThan(0);
      return found[0]!.weight;
    };
    expect(weighed([[0, 0, 0]], [])).toBe(0);
    expect(weighed([[0, 2, 0, 3], [1]], [])).toBe(3);
    expect(weighed([[0, 0]], [true, false, false])).toBe(128);
    expect(weighed([[1, 0], [0, 0, 4]], [false, true])).toBe(66);
  });
});

describe('atomicityViolations', () => {
  it('names each replayed transaction no session committed, what became of one that began at its LSN, and the committed one at its LSNs', () => {
    const committed = [t1, t2];
    const replayedAborted: ReplayedTx = { beginLsn: 10, commitLsn: 11, events: [ev('x')] };
    const otherEvents = swap(t2, ['z']);
    const stranger: ReplayedTx = { beginLsn: 20, commitLsn: 21, events: [ev('y')] };
    expect(atomicityViolations(committed, [t1, t2])).toEqual([]);
    expect(atomicityViolations(committed, [t1, replayedAborted, otherEvents, stranger], history)).toEqual([
      `replayed ${describeTxs([replayedAborted])}, which no session committed (a transaction beginning at LSN 10 was aborted)`,
      `replayed ${describeTxs([otherEvents])}, which no session committed (the committed one at these LSNs is ${describeTxs([t2])})`,
      `replayed ${describeTxs([stranger])}, which no session committed`,
    ]);
    // Without the history nothing is said about what became of a transaction; a committed
    // transaction of the history is never taken for the one that was not.
    expect(atomicityViolations(committed, [replayedAborted])).toEqual([`replayed ${describeTxs([replayedAborted])}, which no session committed`]);
    expect(atomicityViolations([], [t3], history)).toEqual([`replayed ${describeTxs([t3])}, which no session committed`]);
    // Only a committed transaction at both LSNs is named: one sharing its begin or its commit LSN alone is not.
    const laterCommit: ReplayedTx = { ...t2, commitLsn: 7 };
    const laterBegin: ReplayedTx = { ...t2, beginLsn: 5 };
    for (const t of [laterCommit, laterBegin]) expect(atomicityViolations(committed, [t])).toEqual([`replayed ${describeTxs([t])}, which no session committed`]);
  });
});

describe('a violation\'s counterexample', () => {
  const context: CrashContext = { crashAfterOp: 50, session: 0, acknowledgedDurableLsn: 3, checkpointLsn: 0, committed: [t1] };
  const expectedOf = (over: Partial<ExpectedReplay> = {}): ExpectedReplay => ({ failure: null, refused: null, transactions: [t1], checkpointObserved: null, records: [], maxSurvivingLsn: 3, segments: [], ...over });
  const observed = (replayed: readonly ReplayedTx[] | null, error: string | null = null): RecoveryObservation => ({ replayed, error, nextLsn: 1_000, probeBeginLsn: null, idempotence: [] });
  const spelled = (undecided: string, changes: number, expected: string, replayed: string): string =>
    ['operations:', '  #0 a step', 'crash after op 50; acknowledged durable LSN 3; checkpoint LSN 0', `crash state (${changes} undecided entry changes):`, undecided, `expected: ${expected}`, `replayed: ${replayed}`].join('\n');

  it('spells the operations, the crash point and what the host knew, the undecided entry changes, then expected against replayed', () => {
    const undecided = { files: new Map(), dirOps: [{ persisted: false }, { persisted: true }], describe: () => '  rename a -> b: lost', key: 'k' } as unknown as CrashState;
    const [failed] = checkRecovery({ history, context, state: undecided, expected: expectedOf(), observed: observed(null, 'Damaged: boom'), operations: '  #0 a step' });
    expect(failed).toMatchObject({ property: 'Recoverable', message: 'openWal failed on a legal crash state: Damaged: boom', crashAfterOp: 50 });
    expect(failed!.counterexample).toBe(spelled('  rename a -> b: lost', 2, describeTxs([t1]), 'error: Damaged: boom'));
    // Nothing undecided says so; a replay that lost t1 is spelled as what it returned.
    const [lost] = checkRecovery({ history, context, state, expected: expectedOf(), observed: observed([]), operations: '  #0 a step' });
    expect(lost!.counterexample).toBe(spelled('  (nothing undecided)', 0, describeTxs([t1]), describeTxs([])));
  });

  it('says a recovery must fail, or must refuse damage, in the expected line', () => {
    const [mustFail] = checkRecovery({ history, context, state, expected: expectedOf({ failure: 'sealed segment damaged' }), observed: observed([t1]), operations: '  #0 a step' });
    expect(mustFail).toMatchObject({ property: 'Recoverable', message: 'a legal crash state leaves a log that cannot be recovered: sealed segment damaged' });
    expect(mustFail!.counterexample).toBe(spelled('  (nothing undecided)', 0, 'recovery fails: sealed segment damaged', describeTxs([t1])));
    const refused = expectedOf({ refused: 'a torn frame at 40' });
    const [accepted] = checkRecovery({ history, context, state, expected: refused, observed: observed([t1]), operations: '  #0 a step', policy: 'absolute' });
    expect(accepted).toMatchObject({ property: 'ExactnessInv', message: 'recovery under absolute accepted damage it must refuse: a torn frame at 40' });
    expect(accepted!.counterexample).toBe(spelled('  (nothing undecided)', 0, 'a Damaged error', describeTxs([t1])));
    expect(checkRecovery({ history, context, state, expected: refused, observed: observed(null, 'Damaged: torn'), operations: '', policy: 'absolute' })).toEqual([]);
  });

  it('takes only a Damaged error, and nothing replayed, as the refusal of damage; names the policy, the default when none is given', () => {
    const refused = expectedOf({ refused: 'a torn frame at 40' });
    const check = (o: RecoveryObservation, policy?: 'absolute') => checkRecovery({ history, context, state, expected: refused, observed: o, operations: '', ...(policy === undefined ? {} : { policy }) });
    for (const o of [observed(null, 'Corrupt: Damaged spot'), observed(null, 'DamagedX: no'), observed(null, null), observed([], 'Damaged: torn')]) {
      expect(check(o, 'absolute').map((v) => [v.property, v.message]), String(o.error)).toEqual([['ExactnessInv', 'recovery under absolute accepted damage it must refuse: a torn frame at 40']]);
    }
    expect(check(observed([t1])).map((v) => v.message)).toEqual(['recovery under tolerate-torn-tail accepted damage it must refuse: a torn frame at 40']);
  });

  it('reads an unreadable MANIFEST or snapshot as a broken epoch, any other failure as unrecoverable, an error beside a replay as unrecoverable too, and says when a replay differs from the writes', () => {
    const failing = (error: string | null) => checkRecovery({ history, context, state, expected: expectedOf(), observed: observed(null, error), operations: '' });
    expect(failing('BadManifest: cut short').map((v) => v.property)).toEqual(['OneEpochInv']);
    expect(failing('BadSnapshot: checksum').map((v) => v.property)).toEqual(['OneEpochInv']);
    for (const error of ['Damaged: BadManifest named in passing', 'BadManifests: no such error']) expect(failing(error).map((v) => v.property), error).toEqual(['Recoverable']);
    const [unknown] = failing(null);
    expect(unknown!.message).toBe('openWal failed on a legal crash state: unknown error');
    expect(unknown!.counterexample.endsWith('\nreplayed: error: ?')).toBe(true);
    const [differs] = checkRecovery({ history, context, state, expected: expectedOf({ transactions: [t1, t2] }), observed: observed([t1]), operations: '' });
    expect([differs!.property, differs!.message]).toEqual(['ExactnessInv', 'the replay differs from what the surviving writes hold']);
    const beside = checkRecovery({ history, context, state, expected: expectedOf(), observed: observed([t1], 'a warning it threw'), operations: '' });
    expect(beside.map((v) => [v.property, v.message])).toEqual([['Recoverable', 'a warning it threw']]);
  });
});
