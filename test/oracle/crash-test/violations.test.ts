// Grouping failed checks: every failed state is counted in exactly one group (a checker that
// failed without a word too), no passing state is counted, the counts add up, groups come most
// frequent first, and each group's example is its simplest state: fewest calls lost, then the
// earliest crash point.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StateSummary } from '../../../oracle/crash-test/describe.js';
import { groupReason, groupViolations, simpler } from '../../../oracle/crash-test/violations.js';

const summary = (weight: number, index: number): StateSummary => ({ text: `crash after #${index} (${weight} lost)`, weight, crashAfter: { index, call: `call ${index}` }, calls: [], grown: [] });

const checked = fc.array(
  fc.record({ ok: fc.boolean(), reason: fc.constantFrom('', 'lost', 'corrupt', 'does not open'), weight: fc.nat(4), index: fc.nat(9) }).map(({ ok, reason, weight, index }) => ({ ok, reason, summary: summary(weight, index), ids: [String(index)] })),
  { maxLength: 40 },
);

describe('violations grouped by reason', () => {
  it('count every failed state once, and only failed states, with the simplest example of each', () => {
    fc.assert(
      fc.property(checked, (states) => {
        const groups = groupViolations(states);
        const failed = states.filter((s) => !s.ok);
        expect(groups.reduce((n, g) => n + g.count, 0)).toBe(failed.length);
        expect(new Set(groups.map((g) => g.reason))).toEqual(new Set(failed.map((s) => groupReason(s.reason))));
        for (const g of groups) {
          const members = failed.filter((s) => groupReason(s.reason) === g.reason);
          expect(g.count).toBe(members.length);
          expect(members.some((s) => simpler(s.summary, g.exampleSummary))).toBe(false);
          expect(members.map((s) => s.summary)).toContainEqual(g.exampleSummary);
        }
        expect(groups.map((g) => g.count)).toEqual([...groups.map((g) => g.count)].sort((a, b) => b - a));
      }),
      { numRuns: 300 },
    );
  });

  it('gives each group the detail of its example when the checker said more, and no detail key when it did not', () => {
    const withDetail = { ok: false, reason: 'lost', summary: summary(0, 1), ids: ['a'], detail: 'id a missing' };
    const plain = { ok: false, reason: 'corrupt', summary: summary(0, 2), ids: ['b'] };
    const groups = groupViolations([plain, withDetail]);
    expect(groups.find((g) => g.reason === 'lost')).toStrictEqual({ reason: 'lost', count: 1, example: withDetail.summary.text, exampleSummary: withDetail.summary, exampleIds: ['a'], exampleDetail: 'id a missing' });
    // No key at all, not one holding undefined: the JSON report then has no empty field.
    expect(Object.keys(groups.find((g) => g.reason === 'corrupt') ?? {})).not.toContain('exampleDetail');
    // The detail follows the simplest example, not the first failure of the group.
    const later = { ...withDetail, summary: summary(0, 0), detail: 'the simpler one' };
    expect(groupViolations([withDetail, later])[0]?.exampleDetail).toBe('the simpler one');
  });

  it('puts the more frequent reason first, whichever came first', () => {
    const fail = (reason: string, index: number) => ({ ok: false, reason, summary: summary(0, index), ids: [] });
    expect(groupViolations([fail('rare', 0), fail('common', 1), fail('common', 2)]).map((g) => [g.reason, g.count])).toEqual([
      ['common', 2],
      ['rare', 1],
    ]);
  });

  it('a checker that fails without a word is a violation too', () => {
    expect(groupViolations([{ ok: false, reason: '', summary: summary(0, 1), ids: [] }])).toMatchObject([{ reason: 'the check failed without output', count: 1 }]);
  });

  it('simpler: fewer calls lost first, then the earlier crash point', () => {
    expect(simpler(summary(1, 9), summary(2, 1))).toBe(true);
    expect(simpler(summary(1, 1), summary(1, 2))).toBe(true);
    expect(simpler(summary(1, 2), summary(1, 2))).toBe(false);
    expect(simpler(summary(2, 1), summary(1, 9))).toBe(false);
  });
});
