// openWal's own arguments and environment (src/open-wal.ts): a directory that is no non-empty
// path is an InvalidArgument naming `dir`, never a stack trace from the file system; a directory
// that cannot be made is an I/O error, not AlreadyOpen; `io` picks the file system every call
// goes through; and WALREF_TRACE set but empty records nothing.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nodeFileSystem } from '../../src/fs/node-fs.js';
import { openWal, type WalOptions } from '../../src/index.js';
import { commitTx, expectWalError, IO_CHOICES, tempDir } from './helpers.js';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('openWal', () => {
  it('refuses a directory that is no non-empty path with InvalidArgument naming dir', async () => {
    for (const dir of ['', 42, undefined, null, ['/tmp/x']]) {
      const error = await expectWalError(openWal(dir as unknown as string), 'InvalidArgument');
      expect(error.info).toEqual({ code: 'InvalidArgument', argument: 'dir', detail: 'must be a non-empty path' });
      expect(error.message).toBe('invalid argument dir: must be a non-empty path');
    }
  });

  it('reports a directory it cannot make as the I/O error, naming the path, not as AlreadyOpen', async () => {
    const file = join(tempDir('not-a-dir'), 'plain-file');
    writeFileSync(file, 'x');
    const error = await expectWalError(openWal(join(file, 'wal')), 'IoError');
    expect(error.message).toContain(file);
  });

  for (const [io, used, unused] of IO_CHOICES) {
    it(`goes through the ${used === nodeFileSystem ? 'non-blocking' : 'blocking'} node file system under io ${String(io)}`, async () => {
      const calls = { used: [vi.spyOn(used, 'lockDirectory'), vi.spyOn(used, 'open')], unused: [vi.spyOn(unused, 'lockDirectory'), vi.spyOn(unused, 'open')] };
      const options: WalOptions = io === undefined ? {} : { io };
      const { wal } = await openWal(tempDir('io-choice'), options);
      await commitTx(wal, ['a']);
      await wal.close();
      expect(calls.used.map((spy) => spy.mock.calls.length > 0)).toEqual([true, true]);
      expect(calls.unused.map((spy) => spy.mock.calls.length)).toEqual([0, 0]);
    });
  }

  it('records no trace when WALREF_TRACE is set but empty', async () => {
    vi.stubEnv('WALREF_TRACE', '');
    const dir = tempDir('trace-empty');
    const { wal } = await openWal(dir);
    await commitTx(wal, ['a']);
    // A sink on the empty path would fail at the first action it appends, the Recover line.
    await wal.close();
  });
});
