// LSNs follow call order when payloads are deflated (compression: 'deflate'): a payload long enough
// to deflate goes to the thread pool first, and a call made after it (a short payload, not
// deflated, or a marker) could be stepped before it. wal-core.ts's stepAfter holds the call's place
// in the writer lane while its payload deflates, so the LSNs returned, taken in call order,
// increase, and replay returns the transactions in the order their commits were called, each with
// exactly its events. The calls of a burst are made in one synchronous stretch.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimFileSystem } from '../../crash-sim/sim-fs.js';
import { openWal } from '../../src/index.js';
import type { Wal } from '../../src/wal.js';
import { ev, text } from './helpers.js';

type Call =
  | { readonly kind: 'tx'; readonly long: readonly boolean[] }
  | { readonly kind: 'append'; readonly tx: number; readonly long: boolean }
  | { readonly kind: 'appendBatch'; readonly tx: number; readonly long: readonly boolean[] }
  | { readonly kind: 'marker' };

const OPEN_TXS = 3;
const longs = fc.array(fc.boolean(), { minLength: 1, maxLength: 3 });
const callArb: fc.Arbitrary<Call> = fc.oneof(
  fc.record({ kind: fc.constant('tx' as const), long: longs }),
  fc.record({ kind: fc.constant('append' as const), tx: fc.nat(OPEN_TXS - 1), long: fc.boolean() }),
  fc.record({ kind: fc.constant('appendBatch' as const), tx: fc.nat(OPEN_TXS - 1), long: longs }),
  fc.constant({ kind: 'marker' as const }),
);

describe('call order with deflated payloads', () => {
  it('LSNs follow call order and replay returns every transaction in commit-call order with its events', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(callArb, { minLength: 2, maxLength: 8 }), { minLength: 1, maxLength: 4 }), async (bursts) => {
        const sim = new SimFileSystem();
        const { wal } = await openWal('/wal', { sync: { mode: 'none' }, compression: 'deflate', segmentTargetBytes: 512, fs: sim });
        let serial = 0;
        /** A payload: long ones (repetitive, so deflating pays) go to the thread pool. */
        const payload = (long: boolean): string => {
          const name = `p${serial++}`;
          return long ? `${name}:`.padEnd(300, 'abcabcabc') : name;
        };
        const open: { beginLsn: number; events: string[] }[] = [];
        for (let i = 0; i < OPEN_TXS; i++) open.push({ beginLsn: await wal.begin(), events: [] });
        /** Transactions in the order their commit (or writeTransaction) was called. */
        const committed: string[][] = [];
        const lsnsInCallOrder: Promise<number[]>[] = [];
        for (const burst of bursts) {
          const made: Promise<number[]>[] = burst.map((call) => makeCall(wal, call, open, committed, payload));
          lsnsInCallOrder.push(...made);
          await Promise.all(made);
        }
        // The open transactions commit last, in one burst, in index order.
        for (const tx of open) {
          committed.push(tx.events);
          lsnsInCallOrder.push(wal.commit(tx.beginLsn).then((lsn) => [lsn]));
        }
        const lsns = (await Promise.all(lsnsInCallOrder)).flat();
        await wal.close();
        expect(lsns, 'LSNs in call order').toEqual([...lsns].sort((a, b) => a - b));
        expect(new Set(lsns).size).toBe(lsns.length);
        const reopened = await openWal('/wal', { fs: sim });
        const replayed = reopened.replay.transactions.map((t) => t.events.map(text));
        await reopened.wal.close();
        expect(replayed, "replay in commit-call order, each transaction with its events").toEqual(committed);
      }),
      { numRuns: 40 },
    );
  });
});

/** Makes one call now (its place in call order) and returns the LSNs it will return. */
function makeCall(wal: Wal, call: Call, open: { beginLsn: number; events: string[] }[], committed: string[][], payload: (long: boolean) => string): Promise<number[]> {
  switch (call.kind) {
    case 'tx': {
      const events = call.long.map(payload);
      committed.push(events);
      return wal.writeTransaction(events.map(ev)).then((l) => [l.beginLsn, l.commitLsn]);
    }
    case 'append': {
      const event = payload(call.long);
      open[call.tx]?.events.push(event);
      return wal.append(open[call.tx]?.beginLsn ?? 0, ev(event)).then((lsn) => [lsn]);
    }
    case 'appendBatch': {
      const events = call.long.map(payload);
      open[call.tx]?.events.push(...events);
      return wal.appendBatch(open[call.tx]?.beginLsn ?? 0, events.map(ev)).then((lsn) => [lsn]);
    }
    case 'marker':
      return wal.checkpointMarker(0).then((lsn) => [lsn]);
  }
}
