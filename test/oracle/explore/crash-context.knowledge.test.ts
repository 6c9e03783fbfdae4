// What the host knew at a crash point (oracle/explore/crash-context.ts), from a synthetic history:
// every crash point from before the first open to past the end, against a reference that reads
// the definitions directly. A commit counts from the op its call returned at (inclusive), a durable
// LSN from the op its probe was read at (inclusive), and only the host session's own probes count.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acknowledgedDurableLsn, crashContext, hostSession } from '../../../oracle/explore/crash-context.js';
import type { ExploreHistory, HistorySession, HistoryTx } from '../../../oracle/explore/explore-history.js';

const ev = (s: string): Uint8Array => new TextEncoder().encode(s);
const session = (n: number, startOp: number, openedAtOp: number, checkpointLsn = 0): HistorySession => ({ session: n, startOp, openedAtOp, checkpointLsn, recovered: [], nextLsnAtOpen: 1, tornTail: false });

describe('crashContext and acknowledgedDurableLsn', () => {
  it('hold exactly the commits returned and the durable LSNs probed up to the context end, in the host session', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ returnedAtOp: fc.integer({ min: 1, max: 39 }), outcome: fc.constantFrom<HistoryTx['outcome']>('committed', 'committed', 'aborted', 'failed') }), { maxLength: 8 }),
        fc.array(fc.option(fc.integer({ min: 1, max: 50 }), { nil: null }), { minLength: 40, maxLength: 40 }),
        fc.array(fc.record({ atOp: fc.integer({ min: 0, max: 39 }), checkpointLsn: fc.integer({ min: 1, max: 30 }) }), { maxLength: 3 }),
        (txSpecs, probes, checkpointLsns) => {
          // Two sessions: ops 0..19 and 20..39; each opens 2 ops after it starts.
          const sessions = [session(0, 0, 2), session(1, 20, 22, 1)];
          const txs: HistoryTx[] = txSpecs.map((t, i) => ({
            session: t.returnedAtOp >= 20 ? 1 : 0,
            step: i,
            beginLsn: 10 * i + 1,
            endLsn: t.outcome === 'failed' ? null : 10 * i + 2,
            events: [ev(`e${i}`)],
            outcome: t.outcome,
            returnedAtOp: t.returnedAtOp,
          }));
          const history: ExploreHistory = { dir: '/w', records: [], txs, sessions, steps: [], checkpointLsns, epochs: [], contractViolations: [] };
          const log = probes.map((durableLsnProbe) => ({ durableLsnProbe }));
          for (let end = 0; end < 40; end++) {
            const host = hostSession(history, end);
            expect(host).toBe(end < 2 ? -1 : end < 22 ? 0 : 1);
            if (host < 0) continue;
            const from = sessions[host]?.startOp ?? 0;
            const wantAck = Math.max(0, ...probes.slice(from, end + 1).map((p) => p ?? 0));
            const ack = acknowledgedDurableLsn(history, log, host, end);
            expect(ack, `ack at ${end}`).toBe(wantAck);
            const context = crashContext(history, host, end, end, ack);
            const wantCommitted = txs.filter((t) => t.session === host && t.outcome === 'committed' && t.returnedAtOp <= end).map((t) => t.beginLsn);
            expect(context.committed.map((t) => t.beginLsn), `committed at ${end}`).toEqual(wantCommitted);
            const wantCp = Math.max(sessions[host]?.checkpointLsn ?? 0, ...checkpointLsns.filter((c) => c.atOp <= end).map((c) => c.checkpointLsn));
            expect(context.checkpointLsn, `checkpoint LSN at ${end}`).toBe(wantCp);
            expect(context.acknowledgedDurableLsn).toBe(ack);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
