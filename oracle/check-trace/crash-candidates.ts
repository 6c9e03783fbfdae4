// The model states a trace line that does not say everything may lead to: the crash choices
// before a Recover that does not follow a Close, a clean close of a poisoned WAL, and the disks a
// truncation may have shortened. Also, when no candidate explains a Recover, which recovery
// invariants every candidate would have violated. Pure functions of model/ states.

import { Close, Crash, Recover, violatedInvariants, type ModelState, type Recovery, type Step } from '../../model/index.js';
import type { TraceLine } from './action-trace.js';

export function taken<T>(step: Step<T>): { state: ModelState; value: T } | null {
  if (!step.enabled || !step.outcome.ok) return null;
  return { state: step.state, value: step.outcome.value };
}

/** Every way the process can go down before a Recover that does not follow a Close: the crash choices. */
export function crashes(state: ModelState): ModelState[] {
  const out: ModelState[] = [];
  const begins = state.log.slice(0, state.attemptedCount).flatMap((r) => (r.kind === 'TxBegin' ? [r.lsn - 1] : []));
  const floors = [0, ...new Set(begins)];
  for (let kept = state.syncedCount; kept <= state.attemptedCount; kept++) {
    const strays = [null, ...state.log.slice(kept + 1, state.attemptedCount).map((r) => r.lsn)];
    for (const strayLsn of strays) {
      for (const floorLsn of floors) {
        const step = Crash(state, { keptCount: kept, strayLsn, floorLsn });
        if (step.enabled) out.push(step.state);
      }
    }
  }
  return out;
}

/** A clean close: a healthy WAL keeps everything; a poisoned one anything between synced and written. */
export function closes(state: ModelState): ModelState[] {
  const out: ModelState[] = [];
  const low = state.walPoisoned === null ? state.log.length : state.syncedCount;
  const high = state.walPoisoned === null ? state.log.length : state.writtenCount;
  for (let kept = low; kept <= high; kept++) {
    const step = Close(state, { keptCount: kept });
    if (step.enabled) out.push(step.state);
  }
  return out;
}

/**
 * truncateUpTo removes whole sealed segments at or below its argument. The model has no segments,
 * so a recovery may find any prefix of the disk gone whose records are all at or below the highest
 * LSN a truncation removed segments up to, ending where a segment may end (before a TxBegin).
 */
export function truncatedDisks(down: ModelState, truncatedUpTo: number): ModelState[] {
  const disk = down.down?.disk ?? [];
  const out = [down];
  if (down.down === null || truncatedUpTo <= 0) return out;
  for (let cut = 1; cut < disk.length; cut++) {
    const last = disk[cut - 1];
    if (last === undefined || last.lsn > truncatedUpTo) break;
    if (disk[cut]?.kind !== 'TxBegin' && disk[cut]?.kind !== 'Checkpoint') continue;
    out.push({ ...down, down: { ...down.down, disk: disk.slice(cut) } });
  }
  return out;
}

/**
 * The recovery invariants every candidate recovery would violate if it had reported what the line
 * says (a hypothetical Recovery built from the line), or 'TraceMatch' when each one is violated by
 * only some candidates.
 */
export function recoveryViolations(downs: readonly ModelState[], line: Extract<TraceLine, { action: 'Recover' }>): string {
  const perCandidate: string[][] = [];
  for (const down of downs) {
    // A state that is not down has no Recover enabled: it is no candidate.
    const recovered = taken(Recover(down));
    if (recovered === null) continue;
    const claimed: Recovery = {
      ...recovered.value,
      replay: { ...recovered.value.replay, transactions: line.transactions.map((t) => ({ beginLsn: t.beginLsn, commitLsn: t.commitLsn, events: t.events })) },
      nextLsn: line.nextLsn,
      durableLsn: line.durableLsn,
    };
    const hypothetical: ModelState = { ...recovered.state, recoveries: [...down.recoveries.slice(-1), claimed] };
    perCandidate.push(violatedInvariants(hypothetical));
  }
  const [firstSet, ...others] = perCandidate;
  const names = (firstSet ?? []).filter((name) => others.every((set) => set.includes(name)));
  return names.length === 0 ? 'TraceMatch' : names.join(', ');
}
