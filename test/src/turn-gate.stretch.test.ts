// The turn gate's stretch bookkeeping (src/turn-gate.ts), call by call on a clock the test sets.
// turn-gate.test.ts checks the gate through the Wal as a property, counted in calls between the
// event loop's turns, which leaves a call's worth of slack either way; this file pins the rule
// exactly: the first call after a turn begins a stretch and passes; a call passes while less than
// TURN_BUDGET_MS has gone by since the stretch began, and yields from the moment the budget is
// spent (not one call later) until the event loop has had a turn; the turn begins nothing, the
// next call does. The clock may start at 0, as a fake clock does: a stretch begun at 0 counts like
// any other.

import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FileSystem } from '../../src/fs/port.js';
import { TURN_BUDGET_MS, TurnGate } from '../../src/turn-gate.js';

/** A gate on a clock the test sets, over a file system whose yieldTurn only counts. */
function gateOnClock(startMs: number): { gate: TurnGate; at: (ms: number) => void; yields: () => number } {
  let nowMs = startMs;
  vi.spyOn(performance, 'now').mockImplementation(() => nowMs);
  let yields = 0;
  // The gate calls nothing of its file system but yieldTurn.
  const fs = {
    yieldTurn: (): Promise<void> => {
      yields += 1;
      return Promise.resolve();
    },
  } as unknown as FileSystem;
  return {
    gate: new TurnGate(fs),
    at: (ms) => {
      nowMs = ms;
    },
    yields: () => yields,
  };
}

/** One turn of the event loop: every setImmediate callback queued before it has run. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('the turn gate, call by call', () => {
  afterEach(() => vi.restoreAllMocks());

  // Binary fractions, so the clock adds up exactly and the budget is met to the bit.
  const budget = TURN_BUDGET_MS;
  for (const startMs of [0, 1000]) {
    it(`from a stretch begun at ${startMs} ms: passes within the budget, yields from the moment it is spent until a turn`, async () => {
      const { gate, at, yields } = gateOnClock(startMs);
      expect(gate.pass()).toBeUndefined();
      at(startMs + budget / 2);
      expect(gate.pass()).toBeUndefined();
      at(startMs + budget - budget / 64);
      expect(gate.pass()).toBeUndefined();
      expect(yields()).toBe(0);
      at(startMs + budget);
      expect(gate.pass()).toBeInstanceOf(Promise);
      expect(yields()).toBe(1);
      // A yield that gave no turn (the simulator's yieldTurn resolves at once) ends nothing.
      at(startMs + budget + budget / 4);
      expect(gate.pass()).toBeInstanceOf(Promise);
      expect(yields()).toBe(2);
    });
  }

  it('a turn of the event loop ends the stretch; the next call begins one, however late it comes', async () => {
    const { gate, at, yields } = gateOnClock(500);
    expect(gate.pass()).toBeUndefined();
    at(500 + 4 * budget);
    expect(gate.pass()).toBeInstanceOf(Promise);
    await turn();
    at(500 + 10 * budget);
    expect(gate.pass()).toBeUndefined();
    at(500 + 10.5 * budget);
    expect(gate.pass()).toBeUndefined();
    at(500 + 11 * budget);
    expect(gate.pass()).toBeInstanceOf(Promise);
    expect(yields()).toBe(2);
  });

  it('the first call of a new gate passes, whatever the clock says', () => {
    for (const startMs of [0, budget / 2, budget, 2 * budget, 1e6]) {
      const { gate, yields } = gateOnClock(startMs);
      expect(gate.pass()).toBeUndefined();
      expect(yields()).toBe(0);
      vi.restoreAllMocks();
    }
  });
});
