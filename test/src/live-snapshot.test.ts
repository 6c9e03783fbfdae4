// src/live-snapshot.ts: the snapshot the MANIFEST names, read whole or a chunk at a time and
// checked against the MANIFEST's size and CRC-32C. A missing file, a size that differs, a file that
// ends early and a checksum that differs are each a BadSnapshot naming the file, the LSN and the
// cause; a port failure is an IoError; and every handle it opens is closed.
import { describe, expect, it } from 'vitest';
import { SimFileSystem } from '../../crash-sim/sim-fs.js';
import { crc32c } from '../../src/core/crc32c.js';
import { snapshotFileName } from '../../src/core/manifest.js';
import { FsError } from '../../src/fs/port.js';
import { withOpen } from './helpers.js';
import { liveSnapshotOf } from '../../src/live-snapshot.js';
import { READ_CHUNK_BYTES } from '../../src/log-reader.js';

const FILE = snapshotFileName(3);

function withSnapshot(bytes: Uint8Array): SimFileSystem {
  const sim = new SimFileSystem();
  sim.mkdirp('/wal');
  sim.open(`/wal/${FILE}`, 'create-exclusive').write(bytes, 0);
  return sim;
}

const entry = (bytes: Uint8Array, more: Partial<{ sizeBytes: number; crc32c: number }> = {}) => ({ id: 3, lsn: 40, sizeBytes: bytes.length, crc32c: crc32c(bytes, 0), ...more });

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<number[]> {
  const sizes: number[] = [];
  for await (const chunk of chunks) sizes.push(chunk.length);
  return sizes;
}

const badSnapshot = (cause: string) => expect.objectContaining({ name: 'WalError', info: { code: 'BadSnapshot', file: FILE, lsn: 40, cause } });

describe('liveSnapshotOf', () => {
  it('names the snapshot and reads it back whole, in chunks of the read size', async () => {
    const bytes = Uint8Array.from({ length: READ_CHUNK_BYTES + 10 }, (_, i) => (i * 7) & 0xff);
    const live = liveSnapshotOf(withSnapshot(bytes), '/wal', 5, entry(bytes));
    expect({ lsn: live.lsn, epoch: live.epoch, file: live.file, sizeBytes: live.sizeBytes }).toEqual({ lsn: 40, epoch: 5, file: FILE, sizeBytes: bytes.length });
    expect(Buffer.from(await live.read()).equals(Buffer.from(bytes))).toBe(true);
    expect(await collect(live.chunks())).toEqual([READ_CHUNK_BYTES, 10]);
  });

  it('reads an empty snapshot, and refuses one whose checksum is not the empty one', async () => {
    const empty = new Uint8Array(0);
    expect((await liveSnapshotOf(withSnapshot(empty), '/wal', 1, entry(empty)).read()).length).toBe(0);
    await expect(liveSnapshotOf(withSnapshot(empty), '/wal', 1, entry(empty, { crc32c: 1 })).read()).rejects.toThrow(badSnapshot('bad-checksum'));
  });

  it('refuses a missing file, a size that differs, and a checksum that differs, naming the cause', async () => {
    const bytes = Uint8Array.of(1, 2, 3, 4);
    const sim = new SimFileSystem();
    sim.mkdirp('/wal');
    await expect(liveSnapshotOf(sim, '/wal', 1, entry(bytes)).read()).rejects.toThrow(badSnapshot('missing'));
    await expect(liveSnapshotOf(withSnapshot(bytes), '/wal', 1, entry(bytes, { sizeBytes: 5 })).read()).rejects.toThrow(badSnapshot('size-mismatch'));
    await expect(liveSnapshotOf(withSnapshot(bytes), '/wal', 1, entry(bytes, { sizeBytes: 3 })).read()).rejects.toThrow(badSnapshot('size-mismatch'));
    await expect(liveSnapshotOf(withSnapshot(bytes), '/wal', 1, entry(bytes, { crc32c: entry(bytes).crc32c ^ 1 })).read()).rejects.toThrow(badSnapshot('bad-checksum'));
  });

  it('checks the checksum before handing out the last chunk', async () => {
    const bytes = Uint8Array.of(9, 9);
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const chunk of liveSnapshotOf(withSnapshot(bytes), '/wal', 1, entry(bytes, { crc32c: 0 })).chunks()) seen.push(chunk.length);
      })(),
    ).rejects.toThrow(badSnapshot('bad-checksum'));
    expect(seen).toEqual([]);
  });

  it('refuses a file that ends before the size it reported, and closes its handle', async () => {
    const bytes = Uint8Array.of(1, 2, 3, 4);
    const sim = withSnapshot(bytes);
    let closed = 0;
    const short = withOpen(sim, (path, mode, open) => {
      const handle = open(path, mode);
      return { ...handle, read: async () => new Uint8Array(0), close: () => (closed++, handle.close()) };
    });
    await expect(liveSnapshotOf(short, '/wal', 1, entry(bytes)).read()).rejects.toThrow(badSnapshot('size-mismatch'));
    expect(closed).toBe(1);
  });

  it('turns a port failure into an IoError naming the call, the file and the errno', async () => {
    const bytes = Uint8Array.of(1, 2);
    const sim = withSnapshot(bytes);
    const refusing = withOpen(sim, (path) => {
      throw new FsError('EACCES', 'open', path);
    });
    await expect(liveSnapshotOf(refusing, '/wal', 1, entry(bytes)).read()).rejects.toThrow(expect.objectContaining({ info: { code: 'IoError', op: 'open', path: `/wal/${FILE}`, errno: 'EACCES' } }));
  });
});
