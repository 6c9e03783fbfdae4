// Op logs for tests: ops as the simulator records them (an index in the log, no probe reading),
// from plain objects, for the suites that fold, describe or place ops without running a simulator.
import type { SimOp } from '../../crash-sim/sim-state.js';

/** One op as recorded at `index` of its log. */
export function recorded(op: object, index = 0): SimOp {
  return { ...op, index, durableLsnProbe: null } as SimOp;
}

/** A log of ops, each recorded at its place. */
export function opLog(...ops: object[]): SimOp[] {
  return ops.map((op, index) => recorded(op, index));
}
