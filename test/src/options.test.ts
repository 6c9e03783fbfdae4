// The `fs` option (src/options.ts): a host may hand openWal its own FileSystem, and what it hands
// over is checked at the trust boundary. Something that lacks open() or lockDirectory(), or has
// them as anything but functions, is refused at once with an InvalidOption that names `fs`, rather
// than failing later, mid-open, on the first call to the missing method.

import { describe, expect, it } from 'vitest';
import { WalError } from '../../src/core/errors.js';
import { createNodeFileSystem } from '../../src/fs/node-fs.js';
import { resolveOptions } from '../../src/options.js';

const fn = (): void => undefined;

describe('the fs option', () => {
  it('a FileSystem is taken as it is', () => {
    const fs = createNodeFileSystem('blocking');
    expect(resolveOptions({ fs }).fs).toBe(fs);
    // The test looks only at the two methods it names.
    const shape = { open: fn, lockDirectory: fn };
    expect(resolveOptions({ fs: shape }).fs).toBe(shape);
  });

  it('anything without a function open() and a function lockDirectory() is refused with InvalidOption naming fs', () => {
    const malformed: [string, unknown][] = [
      ['null', null],
      ['a string', 'node'],
      ['a function', fn],
      ['no open()', { lockDirectory: fn }],
      ['open that is no function', { open: 'yes', lockDirectory: fn }],
      ['no lockDirectory()', { open: fn }],
      ['lockDirectory that is no function', { open: fn, lockDirectory: true }],
    ];
    for (const [what, fs] of malformed) {
      let caught: unknown = null;
      try {
        resolveOptions({ fs });
      } catch (error) {
        caught = error;
      }
      expect(caught, what).toBeInstanceOf(WalError);
      const error = caught as WalError;
      expect(error.code, what).toBe('InvalidOption');
      expect(error.info, what).toEqual({ code: 'InvalidOption', option: 'fs', detail: 'must implement the FileSystem port' });
    }
  });
});
