// What the host knew at a crash point of an explored workload: the session whose view it held,
// the durable LSN that session had acknowledged, its checkpoint LSN, and its committed
// transactions. "Committed" is the host's view in the session that crashed: what openWal
// recovered when the session began, followed by the transactions whose commit returned before
// the crash point. The recovery oracle (recovery-oracle.ts) checks a recovery against it.

import type { CrashState } from '../../crash-sim/crash-states.js';
import type { ExploreHistory, HistoryEpoch, ReplayedTx } from './explore-history.js';

/** What the host knew at the crash point. */
export interface CrashContext {
  readonly crashAfterOp: number;
  readonly session: number;
  readonly acknowledgedDurableLsn: number;
  readonly checkpointLsn: number;
  /** The host's committed transactions, in commit order (recovered at open, then new commits). */
  readonly committed: readonly ReplayedTx[];
}

/**
 * The session whose view the host holds at a crash point: the newest one whose openWal had
 * returned before the next operation was issued. While an open is still running the host only
 * knows the previous session's commits (-1: nothing yet).
 */
export function hostSession(history: Pick<ExploreHistory, 'sessions'>, contextEndOp: number): number {
  let session = -1;
  for (const s of history.sessions) if (s.openedAtOp <= contextEndOp) session = s.session;
  return session;
}

/**
 * The durable LSN the host had been acknowledged at a crash point: the highest one that `session`
 * (the host's session there, see hostSession) reported at any operation up to `contextEndOp`.
 *
 * An acknowledgement belongs to the session that gave it. LSNs are unique only within what
 * survived on disk: a crash may lose a tail that no session ever acknowledged (an unflushed
 * commit, a stray frame past a tear that recovery cut off), and the next session then hands out
 * those LSNs again, legally (NoReuseInv only covers LSNs that survived). A durable LSN from an
 * earlier session therefore says nothing about a later session's transactions at the same LSNs;
 * what it did promise, the later session's recovery had to bring back, and that recovery is
 * checked at the crash points before the later session's open returned (where the earlier
 * session is still the host's). The runner's probe reads nothing while no session is open, so
 * the probes inside the range all belong to `session`.
 */
export function acknowledgedDurableLsn(history: ExploreHistory, log: readonly { readonly durableLsnProbe: number | null }[], session: number, contextEndOp: number): number {
  const from = history.sessions[session]?.startOp ?? 0;
  let acknowledged = 0;
  // `i < log.length` only saves work when the context ends past the log: a probe past the end reads undefined and counts as 0.
  for (let i = from; i <= contextEndOp && i < log.length; i++) acknowledged = Math.max(acknowledged, log[i]?.durableLsnProbe ?? 0);
  return acknowledged;
}

export function crashContext(history: ExploreHistory, session: number, crashAfterOp: number, contextEndOp: number, acknowledgedDurableLsn: number): CrashContext {
  const s = history.sessions[session];
  const recovered = s?.recovered ?? [];
  const raised = history.checkpointLsns.filter((c) => c.atOp <= contextEndOp).map((c) => c.checkpointLsn);
  const checkpointLsn = Math.max(s?.checkpointLsn ?? 0, ...raised);
  const committed = [
    ...recovered,
    ...history.txs
      .filter((t) => t.session === session && t.outcome === 'committed' && t.returnedAtOp <= contextEndOp)
      .map((t) => ({ beginLsn: t.beginLsn, commitLsn: t.endLsn ?? -1, events: t.events })),
  ];
  return { crashAfterOp, session, acknowledgedDurableLsn, checkpointLsn, committed };
}

/**
 * The checkpoint epoch a crash state holds: the newest checkpoint through the MANIFEST whose
 * rename is among the operations before the crash and on disk in this state (not an entry change
 * the crash lost). Null when none is: no MANIFEST, or only ones from before the run.
 */
export function heldEpoch(history: ExploreHistory, state: CrashState, crashAfterOp: number): HistoryEpoch | null {
  for (let i = history.epochs.length - 1; i >= 0; i--) {
    const epoch = history.epochs[i];
    if (epoch === undefined || epoch.renameOp < 0 || epoch.renameOp > crashAfterOp) continue;
    const pending = state.dirOps.find((d) => d.seq === epoch.renameOp);
    if (pending === undefined || pending.persisted) return epoch;
  }
  return null;
}

/** The newest checkpoint whose call had returned to the host by `contextEndOp`; null when none. */
export function acknowledgedEpoch(history: ExploreHistory, contextEndOp: number): HistoryEpoch | null {
  return [...history.epochs].reverse().find((e) => e.returnedAtOp <= contextEndOp) ?? null;
}
