// Issue 13: test:deep reported DurabilityInv violations after crash -> recovery -> crash. The WAL
// was right and the oracle was wrong: it took the highest durable LSN acknowledged anywhere in the
// run, across sessions, as the host's promise, while a crash may lose LSNs that no session
// acknowledged and the next session hands them out again (legally: NoReuseInv covers only LSNs that
// survived on disk). An acknowledgement belongs to the session that gave it. Both
// counterexamples are pinned in oracle/explore/workloads/ (explored under all four knob combinations
// by example-workloads.test.ts); this file shows that they still reach the shape that fooled the
// old oracle, and that the oracle's rule is the per-session one.
import { describe, expect, it } from 'vitest';
import { acknowledgedDurableLsn, hostSession } from '../../oracle/explore/crash-context.js';
import { runWorkload } from '../../oracle/explore/run-workload.js';
import { isMutatingOp } from '../../crash-sim/sim-state.js';
import { explore, realOpenWal, storedWorkload, violationText, workload } from './helpers.js';

/** The highest durable LSN any session acknowledged up to `op`: the old oracle's reading. */
function acknowledgedAnywhere(log: readonly { readonly durableLsnProbe: number | null }[], op: number): number {
  return log.slice(0, op + 1).reduce((max, o) => Math.max(max, o.durableLsnProbe ?? 0), 0);
}

describe('DurabilityInv after crash -> recovery -> crash (issue 13)', () => {
  for (const name of ['reused-lsns-after-eio-crash-reopen.json', 'reused-lsns-after-two-crashes.json']) {
    it(`${name}: a later session reuses LSNs an earlier one had covered with its durable LSN, and no crash state violates DurabilityInv`, async () => {
      const w = storedWorkload(name);
      const run = await runWorkload(w, realOpenWal);
      // The shape: some crash point where the host's session acknowledged less than an earlier
      // session did, while the host holds a commit at LSNs the earlier acknowledgement covered.
      const mutating = run.log.filter(isMutatingOp).map((op) => op.index);
      const misleading = mutating.filter((afterOp) => {
        const contextEndOp = mutating.find((i) => i > afterOp) ?? run.log.length - 1;
        const session = hostSession(run.history, contextEndOp);
        const own = acknowledgedDurableLsn(run.history, run.log, session, contextEndOp);
        const anywhere = acknowledgedAnywhere(run.log, contextEndOp);
        return (
          anywhere > own &&
          run.history.txs.some((t) => t.session === session && t.outcome === 'committed' && t.returnedAtOp <= contextEndOp && (t.endLsn ?? 0) <= anywhere && (t.endLsn ?? 0) > own)
        );
      });
      expect(misleading.length, 'crash points where an earlier session acknowledgement covers a later session commit').toBeGreaterThan(0);

      const result = await explore(w);
      expect(violationText(result)).toBe('');
      expect(result.exhaustive).toBe(true);
    });
  }

  it('the acknowledged durable LSN at a crash point is the host session one, not the highest of the run', async () => {
    // Session 0 commits [1..3] durably; a crash keeps it; session 1 recovers it (durable LSN 3 at
    // open) and commits [4..6] without a flush. Session 1 owns its open durable LSN and nothing more.
    const run = await runWorkload(workload([{ tx: ['a'] }, { flush: true }, { crash: 1 }, { tx: ['b'] }], { ordered: true, safeAppend: true }), realOpenWal);
    const last = run.log.length - 1;
    const session = hostSession(run.history, last);
    expect(session).toBe(1);
    expect(acknowledgedDurableLsn(run.history, run.log, session, last)).toBe(3);
    expect(acknowledgedDurableLsn(run.history, run.log, 0, run.history.sessions[1]?.startOp ?? 0)).toBe(3);
  });

  it('a recovery interrupted by a second power loss keeps the first session view until an open returns', async () => {
    const w = workload(
      [{ tx: ['a'] }, { flush: true }, { tx: ['b'] }, { fault: 'fsync-eio' }, { flush: true }, { crash: 3, duringRecovery: { afterOps: 1, crash: 5 } }, { tx: ['c'] }, { flush: true }],
      { sectorBytes: 32, ordered: false, safeAppend: false, dirSync: false },
    );
    const run = await runWorkload(w, realOpenWal);
    // Sessions: the first, and the one opened after the interrupted recovery; the interrupted open
    // never returned, so it is no session of the host's.
    expect(run.history.sessions.length).toBe(2);
    expect(run.history.contractViolations).toEqual([]);
    expect(run.log.filter((op) => op.kind === 'crash').length).toBe(2);
    const result = await explore(w);
    expect(violationText(result)).toBe('');
  });
});
