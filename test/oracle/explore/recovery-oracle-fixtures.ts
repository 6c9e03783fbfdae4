// Shared fixtures of the recovery oracle's suites: three committed transactions, an aborted one,
// their history, and a crash state with nothing undecided.
import type { CrashState } from '../../../crash-sim/crash-states.js';
import type { ExploreHistory, HistoryTx, ReplayedTx } from '../../../oracle/explore/explore-history.js';

export const ev = (s: string): Uint8Array => new TextEncoder().encode(s);
export const t1: ReplayedTx = { beginLsn: 1, commitLsn: 3, events: [ev('a'), ev('b')] };
export const t2: ReplayedTx = { beginLsn: 4, commitLsn: 6, events: [ev('c')] };
export const t3: ReplayedTx = { beginLsn: 7, commitLsn: 9, events: [ev('d')] };
const aborted: HistoryTx = { session: 0, step: 4, beginLsn: 10, endLsn: 11, events: [ev('x')], outcome: 'aborted', returnedAtOp: 40 };

const asHistory = (t: ReplayedTx, i: number): HistoryTx => ({ session: 0, step: i, beginLsn: t.beginLsn, endLsn: t.commitLsn, events: t.events, outcome: 'committed', returnedAtOp: 10 * (i + 1) });
export const history: ExploreHistory = {
  dir: '/wal',
  records: [],
  txs: [...[t1, t2, t3].map(asHistory), aborted],
  sessions: [{ session: 0, startOp: 0, openedAtOp: 1, checkpointLsn: 0, recovered: [], nextLsnAtOpen: 1, tornTail: false }],
  steps: [],
  checkpointLsns: [],
  epochs: [],
  contractViolations: [],
};
export const state = { files: new Map(), dirOps: [], describe: () => '', key: 'k' } as unknown as CrashState;
