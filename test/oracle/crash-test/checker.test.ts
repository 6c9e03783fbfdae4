// What a check function may return, and what crash-test makes of it: true is fine, a string is the
// reason of a violation, { ok, reason, detail } says both; anything else, a throw or a timeout is a
// violation whose reason says so.
import { describe, expect, it } from 'vitest';
import { functionChecker, outcomeOfThrow, outcomeOfVerdict } from '../../../oracle/crash-test/checker.js';

describe('verdicts of a check function', () => {
  it('true passes; a string fails with its first line as the reason and the whole as the detail', () => {
    expect(outcomeOfVerdict(true)).toMatchObject({ ok: true, timedOut: false });
    expect(outcomeOfVerdict('a key was lost\nkey-3 missing')).toEqual({ ok: false, reason: 'a key was lost', detail: 'a key was lost\nkey-3 missing', exitCode: null, timedOut: false });
    expect(outcomeOfVerdict('')).toMatchObject({ ok: false, reason: 'the check returned an empty reason' });
  });

  it('{ ok, reason, detail } is taken as it is; false and other values fail, naming what came back', () => {
    expect(outcomeOfVerdict({ ok: false, reason: 'lost', detail: 'key-1' })).toMatchObject({ ok: false, reason: 'lost', detail: 'key-1' });
    expect(outcomeOfVerdict({ ok: true })).toMatchObject({ ok: true, reason: '' });
    expect(outcomeOfVerdict({ ok: false })).toMatchObject({ ok: false, reason: 'the check failed without a reason' });
    expect(outcomeOfVerdict(false)).toMatchObject({ ok: false, reason: 'the check returned false' });
    expect(outcomeOfVerdict(undefined)).toMatchObject({ ok: false, reason: 'the check returned undefined, not true, a reason string or { ok, reason }' });
    expect(outcomeOfVerdict(3)).toMatchObject({ ok: false, reason: 'the check returned a number, not true, a reason string or { ok, reason }' });
  });

  it('a throw is a violation whose reason is the first line of its message', () => {
    expect(outcomeOfThrow(new SyntaxError('Unexpected end of JSON input\nat line 1'))).toMatchObject({ ok: false, reason: 'the check threw: Unexpected end of JSON input' });
  });
});

describe('a check function called in this thread', () => {
  it('gets the state directory and the acknowledged ids, async or not', async () => {
    const seen: unknown[] = [];
    const checker = functionChecker(async (dir, ids) => {
      seen.push([dir, ids]);
      return ids.includes('2') ? 'two is not allowed' : true;
    });
    expect(await checker.check('/s/1', ['1'], 1000)).toMatchObject({ ok: true });
    expect(await checker.check('/s/2', ['1', '2'], 1000)).toMatchObject({ ok: false, reason: 'two is not allowed' });
    expect(seen).toEqual([['/s/1', ['1']], ['/s/2', ['1', '2']]]);
    const throwing = functionChecker(() => {
      throw new Error('boom');
    });
    expect(await throwing.check('/s', [], 1000)).toMatchObject({ ok: false, reason: 'the check threw: boom' });
  });

  it('that does not answer in time is a timed-out violation', async () => {
    const checker = functionChecker(() => new Promise<true>(() => undefined));
    expect(await checker.check('/s', [], 20)).toEqual({ ok: false, reason: 'check timed out after 20 ms', exitCode: null, timedOut: true });
  });
});
