// close() "waits for the calls made before it" (wal.ts): by the time it resolves, every call made
// before it has settled and the host's first handler for it has run. A call's last step is often
// a pass of the turn gate (turn-gate.ts), which can hold the call for one turn of the event loop
// after its work is done; a call that close() forgot to count would still look settled in every
// run where the gate did not yield inside it. Here the gate yields as often as it can: the clock
// it reads moves 5 ms a read, and FileSystem.yieldTurn is held until the test releases it, one
// held turn at a time in an order fast-check picks. Every kind of call the Wal and its recorder
// hand out (the recorder's commits with and without events, abort, flush and forceFsync included)
// must then settle before close() does, and close() must settle once they have, under every sync
// policy.

import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimFileSystem } from '../../crash-sim/sim-fs.js';
import { openWal } from '../../src/index.js';
import { encoder } from '../model-based/world.js';
import { budget } from '../model-based/run-config.js';
import { DIR, syncOptionFor } from './harness.js';

const CALL_KINDS = [
  'writeTransaction',
  'begin',
  'flush',
  'forceFsync',
  'waitDurable',
  'recorder.commit',
  'recorder.commit (read-only)',
  'recorder.abort',
  'recorder.flush',
  'recorder.forceFsync',
] as const;
type CallKind = (typeof CALL_KINDS)[number];

/** Turns held in all runs: a property whose gate never yielded would check nothing. */
let heldTurns = 0;

/** crash-sim's simulator, except that a turn of the event loop lasts until the test releases it. */
class HeldTurnsFs extends SimFileSystem {
  readonly #held: (() => void)[];
  constructor(held: (() => void)[]) {
    super();
    this.#held = held;
  }
  override yieldTurn(): Promise<void> {
    heldTurns += 1;
    return new Promise<void>((release) => this.#held.push(release));
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('close() and the turn gate', () => {
  it('every call made before close() settles before it, and close() settles once they have, while the turn gate holds calls at their end', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('per-commit' as const, 'group' as const, 'none' as const),
        fc.array(fc.constantFrom(...CALL_KINDS), { maxLength: 8 }),
        fc.array(fc.nat(), { minLength: 64, maxLength: 64 }),
        async (policy, kinds, picks) => {
          let nowMs = 0;
          vi.spyOn(performance, 'now').mockImplementation(() => (nowMs += 5));
          const held: (() => void)[] = [];
          const fs = new HeldTurnsFs(held);
          const { wal } = await openWal(DIR, { sync: syncOptionFor(policy), segmentTargetBytes: 256, fs });
          const recorder = wal.recorder();

          let clock = 0;
          const settled = new Map<string, number>();
          const watch = (name: string, call: Promise<unknown>): void => {
            // The host's first handler: registered at once, as a host awaiting the call would.
            call.then(
              () => settled.set(name, ++clock),
              () => settled.set(name, ++clock),
            );
          };
          const make = (kind: CallKind): Promise<unknown> => {
            switch (kind) {
              case 'writeTransaction':
                return wal.writeTransaction([encoder.encode('e')]);
              case 'begin':
                return wal.begin();
              case 'flush':
                return wal.flush();
              case 'forceFsync':
                return wal.forceFsync();
              case 'waitDurable':
                return wal.waitDurable(Math.max(0, wal.nextLsn() - 1));
              case 'recorder.commit':
                recorder.arm();
                recorder.record(encoder.encode('r'));
                return recorder.commit();
              case 'recorder.commit (read-only)':
                recorder.arm();
                return recorder.commit();
              case 'recorder.abort':
                recorder.arm();
                recorder.record(encoder.encode('x'));
                return recorder.abort();
              case 'recorder.flush':
                return recorder.flush();
              case 'recorder.forceFsync':
                return recorder.forceFsync();
            }
          };
          const names = kinds.map((kind, i) => `${kind} #${i}`);
          kinds.forEach((kind, i) => watch(names[i]!, make(kind)));
          watch('close', wal.close());

          for (let step = 0; step < 400 && !settled.has('close'); step++) {
            await new Promise((resolve) => setImmediate(resolve));
            if (held.length > 0) held.splice(picks[step % picks.length]! % held.length, 1)[0]!();
          }
          // Whatever is still held after close() settled is let go, so nothing is left pending.
          for (let step = 0; step < 400 && settled.size < names.length + 1; step++) {
            for (const release of held.splice(0)) release();
            await new Promise((resolve) => setImmediate(resolve));
          }
          const context = `policy ${policy}, calls ${JSON.stringify(kinds)}, settled ${JSON.stringify([...settled])}`;
          expect(settled.has('close'), `close() settled; ${context}`).toBe(true);
          for (const name of names) {
            expect(settled.has(name), `${name} settled; ${context}`).toBe(true);
            expect(settled.get(name)!, `${name} settled before close(); ${context}`).toBeLessThan(settled.get('close')!);
          }
        },
      ),
      { numRuns: budget.concurrentRuns },
    );
    expect(heldTurns).toBeGreaterThan(0);
  });
});
