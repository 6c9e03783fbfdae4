import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../cli/args.js';
import { describeFailure, exitCodeOf } from '../../cli/cli-failure.js';
import { bufferedIo } from '../../cli/io.js';
import { runCli } from '../../cli/run-cli.js';
import { nodeFileSystem } from '../../src/fs/node-fs.js';

function usageMessage(argv: string[]): string {
  const parsed = parseCommandLine(argv);
  if (parsed.ok) throw new Error(`expected a usage failure for ${argv.join(' ')}`);
  expect(parsed.failure.kind).toBe('usage');
  expect(exitCodeOf(parsed.failure)).toBe(2);
  return describeFailure(parsed.failure);
}

describe('walref command line', () => {
  it('dump, verify and replay take one directory and their own flags', () => {
    expect(parseCommandLine(['dump', '/tmp/w'])).toEqual({ ok: true, command: { name: 'dump', dir: '/tmp/w' } });
    expect(parseCommandLine(['verify', '/tmp/w', '--strict'])).toEqual({
      ok: true,
      command: { name: 'verify', dir: '/tmp/w', strict: true, recovery: 'tolerate-torn-tail' },
    });
    expect(parseCommandLine(['replay', '--json', '/tmp/w', '--checkpoint-lsn', '42'])).toEqual({
      ok: true,
      command: { name: 'replay', dir: '/tmp/w', json: true, checkpointLsn: 42, recovery: 'tolerate-torn-tail' },
    });
    expect(parseCommandLine(['replay', '/tmp/w'])).toEqual({
      ok: true,
      command: { name: 'replay', dir: '/tmp/w', json: false, checkpointLsn: 0, recovery: 'tolerate-torn-tail' },
    });
    expect(parseCommandLine(['replay', '/tmp/w', '--recovery', 'point-in-time'])).toMatchObject({ command: { recovery: 'point-in-time' } });
    expect(parseCommandLine(['verify', '/tmp/w', '--recovery', 'skip-corrupted'])).toMatchObject({ command: { recovery: 'skip-corrupted' } });
  });

  it('a recovery policy that is not one of the four is a usage error naming --recovery', () => {
    expect(usageMessage(['replay', 'd', '--recovery', 'optimistic'])).toContain('--recovery');
    expect(usageMessage(['verify', 'd', '--recovery', ''])).toContain('--recovery');
  });

  it('explore and demo receive the rest of the arguments untouched', () => {
    expect(parseCommandLine(['explore', '--seed', '7', 'x'])).toEqual({
      ok: true,
      command: { name: 'explore', argv: ['--seed', '7', 'x'] },
    });
    expect(parseCommandLine(['demo'])).toEqual({ ok: true, command: { name: 'demo', argv: [] } });
  });

  it('a checkpoint LSN that is not a non-negative safe integer is a usage error naming the option', () => {
    expect(usageMessage(['replay', 'd', '--checkpoint-lsn', 'abc'])).toContain('--checkpoint-lsn must be a non-negative integer');
    expect(usageMessage(['replay', 'd', '--checkpoint-lsn', '-1'])).toContain('--checkpoint-lsn');
    expect(usageMessage(['replay', 'd', '--checkpoint-lsn', '9007199254740992'])).toContain('at most 2^53 - 1');
  });

  it('an unknown option, a missing directory argument, extra arguments and an unknown command are usage errors', () => {
    expect(usageMessage(['dump', 'd', '--json'])).toContain("Unknown option '--json'");
    expect(usageMessage(['verify'])).toContain('expected exactly one <dir> argument, got 0');
    expect(usageMessage(['dump', 'a', 'b'])).toContain('got 2');
    expect(usageMessage(['frobnicate'])).toContain('unknown command "frobnicate"');
    expect(usageMessage([])).toContain('no command given');
  });

  it('help, --help and -h ask for the usage text', () => {
    for (const word of ['help', '--help', '-h']) {
      expect(parseCommandLine([word])).toEqual({ ok: true, command: { name: 'help' } });
    }
  });
});

describe('walref dispatch', () => {
  it('an error before any command is named is prefixed "walref:" and followed by the usage text', async () => {
    const io = bufferedIo();
    expect(await runCli([], io, nodeFileSystem)).toBe(2);
    expect(io.err()).toMatch(/^walref: no command given \(run "walref help" for usage\)\nusage: walref <command>/);
  });

  it('walref explore is handed its own arguments through the lazy import', async () => {
    const io = bufferedIo();
    expect(await runCli(['explore', '--help'], io, nodeFileSystem)).toBe(0);
    expect(io.out()).toContain('usage: walref explore');
  });
});
