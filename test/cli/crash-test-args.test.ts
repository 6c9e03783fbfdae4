// The arguments of `walref crash-test` that need no run: --fail-fsync is a positive whole number,
// passed on to the capture, and makes no sense with a capture that was already made.
import { describe, expect, it } from 'vitest';
import { CRASH_TEST_USAGE, parseCrashTestArgs, type CrashTestArgs } from '../../cli/crash-test-args.js';

const BASE = ['--dir', '/tmp/x', '--workload', 'true', '--check', 'true'];

function parsed(...extra: string[]): CrashTestArgs {
  const args = parseCrashTestArgs([...BASE, ...extra]);
  if (args === 'help') throw new Error('unexpected help');
  return args;
}

describe('walref crash-test --fail-fsync', () => {
  it('is absent unless given, and a positive whole number when given', () => {
    expect(parsed().failFsync).toBeUndefined();
    expect(parsed('--fail-fsync', '2').failFsync).toBe(2);
  });

  it('refuses zero, a negative or a fraction, naming the argument', () => {
    for (const bad of ['0', '-1', '1.5', 'x']) expect(() => parsed('--fail-fsync', bad)).toThrow(/fail-?fsync/i);
  });

  it('contradicts --from-capture: a capture holds the failures it was made with', () => {
    expect(() => parseCrashTestArgs(['--dir', '/tmp/x', '--from-capture', 'c', '--check', 'true', '--fail-fsync', '2'])).toThrow(/^--fail-fsync and --from-capture contradict each other/);
  });

  it('is in the usage text', () => {
    expect(CRASH_TEST_USAGE).toContain('[--fail-fsync N]');
    expect(CRASH_TEST_USAGE).toMatch(/--fail-fsync N makes strace fail the N-th fsync and the N-th fdatasync of each process/);
  });
});
