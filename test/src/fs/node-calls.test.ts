// How the node:fs adapter makes a call (src/fs/node-calls.ts), checked directly: Node's errors
// become FsErrors carrying the POSIX code (EIO when a thrown value has none), an FsError passes
// through as it is, a callback call is a promise that rejects with the FsError, and a blocking
// call gives the event loop one turn before its promise settles, and never throws synchronously.
import * as fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockingThenTurn, guarded, pooled, rethrow, toFsError, turn } from '../../../src/fs/node-calls.js';
import { FsError } from '../../../src/fs/port.js';
import { tempDir } from '../helpers.js';

const missing = (): string => join(tempDir('node-calls'), 'no-such-file');

describe('toFsError', () => {
  it('keeps an FsError as it is', () => {
    const error = new FsError('ENOSPC', 'write', '/wal/1.wal');
    expect(toFsError(error, 'fsync', '/elsewhere')).toBe(error);
  });

  it("carries a Node error's code, the call and the path, with Node's message", () => {
    const path = missing();
    let thrown: unknown;
    try {
      fs.openSync(path, 'r');
    } catch (error) {
      thrown = error;
    }
    const converted = toFsError(thrown, 'open', path);
    expect(converted).toBeInstanceOf(FsError);
    expect(converted).toMatchObject({ errno: 'ENOENT', op: 'open', path, message: (thrown as Error).message });
  });

  it('says EIO for a thrown value without a code: an Error keeps its message, anything else gets one naming the call and path', () => {
    expect(toFsError(new Error('disk on fire'), 'write', '/p')).toMatchObject({ errno: 'EIO', op: 'write', path: '/p', message: 'disk on fire' });
    for (const thrown of ['boom', undefined, null, 42]) {
      expect(toFsError(thrown, 'read', '/q')).toMatchObject({ errno: 'EIO', op: 'read', path: '/q', message: 'read /q: EIO' });
    }
    expect(toFsError({ code: 'EBADF' }, 'close', '/r')).toMatchObject({ errno: 'EBADF', message: 'close /r: EBADF' });
  });
});

describe('guarded and rethrow', () => {
  it('return what the call returns, and throw its failure as an FsError', () => {
    expect(guarded('stat', '/', () => 7)).toBe(7);
    const path = missing();
    expect(() => guarded('open', path, () => fs.openSync(path, 'r'))).toThrow(expect.objectContaining({ errno: 'ENOENT', op: 'open', path }) as Error);
    expect(() => rethrow('x', 'unlink', '/s')).toThrow(FsError);
  });
});

describe('pooled', () => {
  it('resolves with the callback value, and rejects with the failure as an FsError', async () => {
    const dir = tempDir('pooled');
    await expect(pooled<string[]>('readdir', dir, (done) => fs.readdir(dir, done))).resolves.toEqual([]);
    const path = missing();
    await expect(pooled<number>('open', path, (done) => fs.open(path, 'r', done))).rejects.toMatchObject({ errno: 'ENOENT', op: 'open', path });
  });
});

describe('blockingThenTurn', () => {
  it('settles only after one event-loop turn, with the value or the failure as a rejected FsError', async () => {
    const order: string[] = [];
    setImmediate(() => order.push('turn'));
    const value = blockingThenTurn('fstat', '/', () => 'done').then((v) => order.push(v));
    await value;
    expect(order).toEqual(['turn', 'done']);
    const path = missing();
    const failing = blockingThenTurn('open', path, () => fs.openSync(path, 'r'));
    await expect(failing).rejects.toMatchObject({ errno: 'ENOENT', op: 'open', path });
  });

  it('turn() resolves after the immediates already queued', async () => {
    const order: string[] = [];
    setImmediate(() => order.push('queued'));
    await turn();
    order.push('after');
    expect(order).toEqual(['queued', 'after']);
  });
});
