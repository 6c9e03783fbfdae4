// crash-sim/apply-op.ts folds a log of file-system ops into a state. A log is made by the
// simulator and replayed by the enumerator; an op that names a directory or an inode the state
// does not have means the log and the state disagree (a bug in whoever built the log), and the fold
// must stop there with an error that names what was missing, not corrupt the state.
import { describe, expect, it } from 'vitest';
import { stateAfter } from '../../crash-sim/apply-op.js';
import { DEFAULT_KNOBS } from '../../crash-sim/knobs.js';
import type { SimOp } from '../../crash-sim/sim-state.js';

const op = (o: Record<string, unknown>, index: number): SimOp => ({ ...o, index, durableLsnProbe: null }) as SimOp;

describe('applyOp refuses a log that disagrees with its state', () => {
  it('names the directory a create names when it does not exist', () => {
    const log = [op({ kind: 'create', path: '/missing/f', inode: 1 }, 0)];
    expect(() => stateAfter(DEFAULT_KNOBS, log, 1)).toThrow('crash-sim: op names unknown directory /missing');
  });

  it('names the inode a write names when no file has it', () => {
    const log = [op({ kind: 'write', path: '/f', inode: 7, offsetBytes: 0, data: new Uint8Array([1]), writtenBytes: 1, errno: null }, 0)];
    expect(() => stateAfter(DEFAULT_KNOBS, log, 1)).toThrow('crash-sim: op names unknown inode 7');
  });

  it('folds a log that agrees with its state', () => {
    const log = [op({ kind: 'mkdir', path: '/d' }, 0), op({ kind: 'create', path: '/d/f', inode: 1 }, 1)];
    const state = stateAfter(DEFAULT_KNOBS, log, 2);
    expect(state.dirs.get('/d')?.live.get('f')).toBe(1);
  });
});
