// The one line each recorded operation gets in counterexamples and reports: its kind, the names it
// touched and the facts that matter for a crash (offset, bytes written of bytes asked, the errno).
import { describe, expect, it } from 'vitest';
import { describeOp } from '../../crash-sim/describe-op.js';
import type { SimOp, SimOpInput } from '../../crash-sim/sim-state.js';
import { recorded } from './op-log.js';

const op = (input: SimOpInput): SimOp => recorded(input);
const bytes = new Uint8Array(76);

describe('describeOp', () => {
  it('gives every kind of operation one line naming what it touched', () => {
    const cases: [SimOpInput, string][] = [
      [{ kind: 'mark', label: 'commit 3 acknowledged', data: null }, 'mark commit 3 acknowledged'],
      [{ kind: 'crash', files: [['/wal/a', bytes], ['/wal/b', bytes]], dirs: ['/wal'], description: 'x' }, 'crash: the disk becomes one crash state (2 files)'],
      [{ kind: 'mkdir', path: '/wal' }, 'mkdir /wal'],
      [{ kind: 'create', path: '/wal/a', inode: 2 }, 'create /wal/a'],
      [{ kind: 'write', path: '/wal/a', inode: 2, offsetBytes: 32, data: bytes, writtenBytes: 76, errno: null }, 'write /wal/a @32 76/76 bytes'],
      [{ kind: 'truncate', path: '/wal/a', inode: 2, sizeBytes: 12 }, 'truncate /wal/a to 12'],
      [{ kind: 'fallocate', path: '/wal/a', inode: 2, offsetBytes: 0, lengthBytes: 4096, keepSize: false }, 'fallocate /wal/a @0+4096'],
      [{ kind: 'fallocate', path: '/wal/a', inode: 2, offsetBytes: 8, lengthBytes: 64, keepSize: true }, 'fallocate /wal/a @8+64 keeping its size'],
      [{ kind: 'fsync', path: '/wal/a', inode: 2, errno: null }, 'fsync /wal/a'],
      [{ kind: 'fsyncDir', path: '/wal', errno: null }, 'fsyncDir /wal'],
      [{ kind: 'rename', from: '/wal/a.tmp', to: '/wal/a', inode: 2 }, 'rename /wal/a.tmp -> /wal/a'],
      [{ kind: 'renameDir', from: '/wal', to: '/old-wal' }, 'rename directory /wal -> /old-wal'],
      [{ kind: 'unlink', path: '/wal/a', inode: 2 }, 'unlink /wal/a'],
      [{ kind: 'link', from: '/wal/a', to: '/wal/b', inode: 2 }, 'link /wal/a -> /wal/b'],
      [{ kind: 'rmdir', path: '/wal' }, 'rmdir /wal'],
      [{ kind: 'syncAll', errno: null }, 'sync everything'],
    ];
    for (const [input, line] of cases) expect(describeOp(op(input))).toBe(line);
  });

  it('says how a failed write, fsync or sync ended', () => {
    expect(describeOp(op({ kind: 'write', path: '/wal/a', inode: 2, offsetBytes: 0, data: bytes, writtenBytes: 10, errno: 'ENOSPC' }))).toBe('write /wal/a @0 10/76 bytes then ENOSPC');
    expect(describeOp(op({ kind: 'fsync', path: '/wal/a', inode: 2, errno: 'EIO' }))).toBe('fsync /wal/a -> EIO');
    expect(describeOp(op({ kind: 'fsyncDir', path: '/wal', errno: 'EIO' }))).toBe('fsyncDir /wal -> EIO');
    expect(describeOp(op({ kind: 'syncAll', errno: 'EIO' }))).toBe('sync everything -> EIO');
  });
});
