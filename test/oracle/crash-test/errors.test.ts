// oracle/crash-test/errors.ts: what stops `walref crash-test` before it has an answer reaches a
// library user as a CrashTestError, which an Error-aware log prints by its name, its code and its
// message.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CrashTestError, type CrashTestErrorCode } from '../../../oracle/crash-test/errors.js';

describe('CrashTestError', () => {
  it('is an Error named CrashTestError that carries its code and its message', () => {
    const error = new CrashTestError('BadDataDir', '--dir /tmp/x is not a directory');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('CrashTestError');
    const code: CrashTestErrorCode = error.code;
    expect(code).toBe('BadDataDir');
    expect(error.message).toBe('--dir /tmp/x is not a directory');
    expect(String(error)).toBe('CrashTestError: --dir /tmp/x is not a directory');
    expect(inspect(error)).toMatch(/^CrashTestError: --dir \/tmp\/x is not a directory\n/);
    expect(error.stack).toMatch(/^CrashTestError: /);
  });
});
