// oracle/check-trace/action-trace.ts: the trust boundary of check-trace. Every line of ndjson text
// is one action or the text is refused, naming the line (1-based, blank lines counted) and what is
// wrong with it; the first action must be a Recover (or Open, its former name).
import { describe, expect, it } from 'vitest';
import { parseActionTrace } from '../../../oracle/check-trace/action-trace.js';

const RECOVER = { action: 'Recover', nextLsn: 1, durableLsn: 0, transactions: [] };
const lines = (...values: readonly unknown[]): string => values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('\n');

describe('parseActionTrace', () => {
  it('reads every action, with its line number counting blank lines, and skips blank and padded lines', () => {
    const parsed = parseActionTrace(lines(RECOVER, '', '   ', `  ${JSON.stringify({ action: 'Arm' })}  `, { action: 'Close' }, ''));
    expect(parsed).toEqual({
      ok: true,
      trace: [
        { lineNo: 1, line: RECOVER },
        { lineNo: 4, line: { action: 'Arm' } },
        { lineNo: 5, line: { action: 'Close' } },
      ],
    });
  });

  it('takes Open, the former name of Recover, as a Recover, and no other name', () => {
    const parsed = parseActionTrace(lines({ ...RECOVER, action: 'Open' }, { ...RECOVER, action: 'Open' }));
    expect(parsed.ok && parsed.trace.map((entry) => entry.line)).toEqual([RECOVER, RECOVER]);
    expect(parseActionTrace(lines({ ...RECOVER, action: 'Opened' }))).toMatchObject({ ok: false, line: 1, property: 'TraceFormat' });
  });

  it('refuses a line that is not JSON, naming it', () => {
    expect(parseActionTrace(lines(RECOVER, '', '{"action":'))).toEqual({ ok: false, line: 3, property: 'TraceFormat', message: 'not JSON' });
  });

  it('refuses a line that is no action, naming the field and what is wrong with it', () => {
    const bad = parseActionTrace(lines(RECOVER, { action: 'Flush', writtenLsn: 3, durableLsn: -1 }));
    expect(bad).toMatchObject({ ok: false, line: 2, property: 'TraceFormat' });
    expect(!bad.ok && bad.message).toMatch(/^not a trace event: durableLsn .+/);
    // A field inside a list is named by its whole path.
    const nested = parseActionTrace(lines({ ...RECOVER, transactions: [{ beginLsn: 1, commitLsn: 3, events: ['a', 5] }] }));
    expect(!nested.ok && nested.message).toMatch(/^not a trace event: transactions\.0\.events\.1 .+/);
    // An unknown action, or a value that is no object at all, is named by its action.
    for (const value of [{ action: 'Jump' }, 5, null, [], '"text"']) {
      const refused = parseActionTrace(lines(RECOVER, value));
      expect(refused).toMatchObject({ ok: false, line: 2, property: 'TraceFormat' });
      expect(!refused.ok && refused.message).toMatch(/^not a trace event: action .+/);
    }
  });

  it('refuses a trace whose first action is not a Recover, and an empty one', () => {
    expect(parseActionTrace(lines('', { action: 'Arm' }, RECOVER))).toEqual({ ok: false, line: 2, property: 'Init', message: 'a trace starts with Recover' });
    expect(parseActionTrace('')).toEqual({ ok: false, line: 1, property: 'TraceFormat', message: 'the trace is empty' });
    expect(parseActionTrace('\n  \n')).toEqual({ ok: false, line: 1, property: 'TraceFormat', message: 'the trace is empty' });
  });
});
