// src/compression.ts: a deflate that fails (zlib cannot, short of memory) stores the payload as it
// is, on the pool and on the calling thread, and a WAL with compression on still commits and
// replays its events. node:zlib's deflate calls are replaced by failing ones for this file only.
import { describe, expect, it, vi } from 'vitest';
import { pooledDeflater, syncDeflater } from '../../src/compression.js';
import { openWal } from '../../src/index.js';
import { commitTx, tempDir, text } from './helpers.js';

vi.mock('node:zlib', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:zlib')>();
  const outOfMemory = (): Error => Object.assign(new Error('zlib: out of memory'), { code: 'Z_MEM_ERROR' });
  return {
    ...real,
    deflateRaw: (_raw: Uint8Array, callback: (error: Error | null, out?: Buffer) => void) => setImmediate(() => callback(outOfMemory())),
    deflateRawSync: () => {
      throw outOfMemory();
    },
  };
});

const compressible = new TextEncoder().encode(JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ id: i, kind: 'order' }))));

describe('a deflate that fails', () => {
  it('stores the payload as it is, on the pool and on the calling thread', async () => {
    expect(await pooledDeflater.event(compressible)).toBeNull();
    expect(await pooledDeflater.batch([compressible, compressible])).toBeNull();
    expect(syncDeflater.event(compressible)).toBeNull();
    expect(syncDeflater.batch([compressible])).toBeNull();
  });

  for (const io of ['non-blocking', 'blocking'] as const) {
    it(`leaves a WAL with compression on (io ${io}) committing and replaying its events`, async () => {
      const dir = tempDir('deflate-fails');
      const event = text(compressible);
      const { wal } = await openWal(dir, { compression: 'deflate', io });
      await commitTx(wal, [event, `${event}!`]);
      await wal.close();
      const { wal: reopened, replay } = await openWal(dir, { io });
      expect(replay.transactions.map((t) => t.events.map(text))).toEqual([[event, `${event}!`]]);
      await reopened.close();
    });
  }
});
