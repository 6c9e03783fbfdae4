// Whose view the host holds at a crash point (oracle/explore/crash-context.ts): the session whose
// openWal had returned before the operation the crash context ends at. An open that is still
// running leaves the host with the previous session's commits.
import { describe, expect, it } from 'vitest';
import { hostSession } from '../../../oracle/explore/crash-context.js';
import type { HistorySession } from '../../../oracle/explore/explore-history.js';

const session = (n: number, startOp: number, openedAtOp: number): HistorySession => ({
  session: n,
  startOp,
  openedAtOp,
  checkpointLsn: 0,
  recovered: [],
  nextLsnAtOpen: 1,
  tornTail: false,
});

describe('hostSession', () => {
  const history = { sessions: [session(0, 0, 4), session(1, 9, 15)] };

  it('is -1 until the first open returns, then each session from the first operation after its open returned', () => {
    expect([0, 3].map((op) => hostSession(history, op))).toEqual([-1, -1]);
    // openedAtOp is the op-log length when openWal returned: the index of the first op after it.
    expect([4, 8, 9, 14].map((op) => hostSession(history, op))).toEqual([0, 0, 0, 0]);
    expect([15, 40].map((op) => hostSession(history, op))).toEqual([1, 1]);
  });
});
