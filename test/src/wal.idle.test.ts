// Wal.idle() resolves once every call made before it has finished, the calls still waiting in the
// writer lane included (src/wal-core.ts): an append whose payload is still being deflated on the
// thread pool holds its place in that lane, and idle() must wait for its step, not only for the
// sync lane.
import { describe, expect, it } from 'vitest';
import { openWal } from '../../src/index.js';
import { tempDir } from './helpers.js';

describe('Wal.idle', () => {
  it('waits for a call still in the writer lane (an append whose payload is being deflated)', async () => {
    const { wal } = await openWal(tempDir('idle'), { compression: 'deflate', sync: { mode: 'group', intervalMs: 60_000 } });
    const begin = await wal.begin();
    const before = wal.nextLsn();
    let appendedLsn: number | null = null;
    const appending = wal.append(begin, new TextEncoder().encode('compressible '.repeat(4096))).then((lsn) => (appendedLsn = lsn));
    expect(wal.nextLsn()).toBe(before);
    await wal.idle();
    expect(wal.nextLsn()).toBe(before + 1);
    await appending;
    expect(appendedLsn).toBe(before);
    await wal.close();
  });
});
