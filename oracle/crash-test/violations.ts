// The failed checks of a run grouped by the checker's reason, most frequent first, each group with
// its simplest example: the state that lost the fewest calls, then the one with the earliest crash
// point. `crash-test merge` regroups shards' groups by the same rule (merge.ts).

import type { StateSummary } from './describe.js';

export interface ViolationGroup {
  readonly reason: string;
  readonly count: number;
  /** The simplest state showing it (fewest calls lost, then the earliest crash point), in one line. */
  readonly example: string;
  /** The same state as data: the call it crashed after, and every undecided call with its fate. */
  readonly exampleSummary: StateSummary;
  /** The ids the example's checker was told to expect. */
  readonly exampleIds: readonly string[];
  /** What the checker said beyond the reason about the example, if anything. */
  readonly exampleDetail?: string;
}

interface Failed {
  readonly ok: boolean;
  readonly reason: string;
  readonly summary: StateSummary;
  readonly ids: readonly string[];
  readonly detail?: string;
}

/** Whether `a` is a simpler example than `b`: fewer calls lost, then an earlier crash point. */
export function simpler(a: Pick<StateSummary, 'weight' | 'crashAfter'>, b: Pick<StateSummary, 'weight' | 'crashAfter'>): boolean {
  return a.weight < b.weight || (a.weight === b.weight && a.crashAfter.index < b.crashAfter.index);
}

/** The reason a failed check is grouped under (a checker may fail without a word). */
export function groupReason(reason: string): string {
  return reason === '' ? 'the check failed without output' : reason;
}

export function groupViolations(checked: readonly Failed[]): ViolationGroup[] {
  const groups = new Map<string, { count: number; example: Failed }>();
  for (const state of checked) {
    if (state.ok) continue;
    const reason = groupReason(state.reason);
    const group = groups.get(reason);
    if (group === undefined) groups.set(reason, { count: 1, example: state });
    else {
      group.count++;
      if (simpler(state.summary, group.example.summary)) group.example = state;
    }
  }
  const violations = [...groups].map(([reason, { count, example }]): ViolationGroup => ({
    reason,
    count,
    example: example.summary.text,
    exampleSummary: example.summary,
    exampleIds: example.ids,
    ...(example.detail === undefined ? {} : { exampleDetail: example.detail }),
  }));
  return violations.sort((a, b) => b.count - a.count);
}
