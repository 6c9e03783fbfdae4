// src/io-error.ts: the one place a port's FsError becomes the public WalError (IoError, naming the
// call, the path and the errno); anything else passes through unchanged.
import { describe, expect, it } from 'vitest';
import { WalError } from '../../src/core/errors.js';
import { FsError } from '../../src/fs/port.js';
import { throwingWalErrors, walErrorFromFs } from '../../src/io-error.js';

describe('walErrorFromFs and throwingWalErrors', () => {
  it('turns an FsError into an IoError that names the call, the path and the errno', () => {
    const error = walErrorFromFs(new FsError('ENOSPC', 'write', '/wal/00000000000000000001.wal'));
    expect(error).toBeInstanceOf(WalError);
    expect((error as WalError).info).toEqual({ code: 'IoError', op: 'write', path: '/wal/00000000000000000001.wal', errno: 'ENOSPC' });
    expect(error.message).toContain('ENOSPC');
    expect(error.message).toContain('/wal/00000000000000000001.wal');
  });

  it('hands anything else back as it was', () => {
    const walError = new WalError({ code: 'Closed' });
    const bug = new TypeError('a bug');
    expect(walErrorFromFs(walError)).toBe(walError);
    expect(walErrorFromFs(bug)).toBe(bug);
    expect(walErrorFromFs('text')).toBe('text');
  });

  it('returns the action\'s value, and rethrows its FsError as a WalError and anything else unchanged', () => {
    expect(throwingWalErrors(() => 5)).toBe(5);
    expect(() =>
      throwingWalErrors(() => {
        throw new FsError('EIO', 'fsync', '/wal/x');
      }),
    ).toThrow(expect.objectContaining({ info: { code: 'IoError', op: 'fsync', path: '/wal/x', errno: 'EIO' } }));
    const bug = new RangeError('out of range');
    expect(() =>
      throwingWalErrors(() => {
        throw bug;
      }),
    ).toThrow(bug);
  });
});
