// How src/log-reader.ts's sweep reads: one batch per chunk that committed something and never an
// empty one; every segment file it opens is closed, whether the sweep ends, its consumer stops
// early or a read fails, and never while a read is still in flight; and the buffers the reads go
// into are the ones the options promise (two reused ones under reuseBuffers; two scratch ones for
// the zeros behind the last live frame otherwise, and a new one for every read of live frames);
// and replayBatches and replayDir read through the node file system `io` names.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nodeFileSystem } from '../../src/fs/node-fs.js';
import { FsError, type FileSystem } from '../../src/fs/port.js';
import { replayBatches, replayDir, sweepBatches, type SweepOptions } from '../../src/log-reader.js';
import { IO_CHOICES, tempDir, withOpen, writeInterleavedLog } from './helpers.js';

/** A log of 1 MiB segments, preallocated: the active one ends in most of a MiB of zeros. */
async function interleavedLog(seed: number): Promise<string> {
  const dir = tempDir('sweep');
  await writeInterleavedLog(dir, seed, { segmentTargetBytes: 1 << 20, steps: 400, maxEventBytes: 700 });
  return dir;
}

interface Read {
  readonly path: string;
  readonly offsetBytes: number;
  readonly into: Uint8Array | undefined;
}

/** The node file system, noting every read (and the buffer it was offered) and every open and close. */
function watchedFs(failReadAt?: number): { fs: FileSystem; reads: Read[]; open: () => number; readsInFlightAtClose: () => number } {
  const reads: Read[] = [];
  let open = 0;
  let inFlight = 0;
  let inFlightAtClose = 0;
  const fs = withOpen(nodeFileSystem, (path, mode, real) => {
    const handle = real(path, mode);
    open++;
    return {
      ...handle,
      path: handle.path,
      read: async (offsetBytes, lengthBytes, into) => {
        reads.push({ path, offsetBytes, into });
        if (reads.length === failReadAt) throw new FsError('EIO', 'read', path);
        inFlight++;
        try {
          // A read that takes a while, so a consumer that stops early finds one in flight.
          await new Promise((resolve) => setTimeout(resolve, 1));
          return await handle.read(offsetBytes, lengthBytes, into);
        } finally {
          inFlight--;
        }
      },
      close: () => {
        inFlightAtClose += inFlight;
        open--;
        handle.close();
      },
    };
  });
  return { fs, reads, open: () => open, readsInFlightAtClose: () => inFlightAtClose };
}

async function batchesOf(fs: FileSystem, dir: string, options: SweepOptions): Promise<number[][]> {
  const batches: number[][] = [];
  for await (const batch of sweepBatches(fs, dir, options)) batches.push(batch.map((t) => t.commitLsn));
  return batches;
}

describe('sweepBatches', () => {
  it('yields one batch per chunk that committed something, never an empty one, and every commit once in order', async () => {
    const dir = await interleavedLog(11);
    const whole = (await batchesOf(nodeFileSystem, dir, { chunkBytes: 4 << 20 })).flat();
    expect(whole.length).toBeGreaterThan(30);
    for (const chunkBytes of [256, 4096]) {
      const batches = await batchesOf(nodeFileSystem, dir, { chunkBytes });
      expect(batches.filter((batch) => batch.length === 0)).toEqual([]);
      expect(batches.flat()).toEqual(whole);
    }
  });

  it('closes every file it opened, once no read is in flight: at the end, when the consumer stops early, and when a read fails', async () => {
    const dir = await interleavedLog(12);
    const whole = watchedFs();
    await batchesOf(whole.fs, dir, { chunkBytes: 4096 });
    expect(whole.reads.length).toBeGreaterThan(3);
    expect(whole.open()).toBe(0);
    // Stopped after the first batch, with the read ahead in flight.
    const early = watchedFs();
    for await (const batch of sweepBatches(early.fs, dir, { chunkBytes: 4096 })) if (batch.length > 0) break;
    expect(early.open()).toBe(0);
    expect(early.readsInFlightAtClose()).toBe(0);
    // The third read fails: the sweep throws the I/O error, after the second read settled.
    const failing = watchedFs(3);
    await expect(batchesOf(failing.fs, dir, { chunkBytes: 4096 })).rejects.toMatchObject({ code: 'IoError' });
    expect(failing.open()).toBe(0);
    expect(failing.readsInFlightAtClose()).toBe(0);
  });

  it('under reuseBuffers reads every chunk into one of two buffers, alternating', async () => {
    const dir = await interleavedLog(13);
    const { fs, reads } = watchedFs();
    await batchesOf(fs, dir, { chunkBytes: 4096, reuseBuffers: true });
    expect(reads.length).toBeGreaterThan(10);
    const buffers = [...new Set(reads.map((read) => read.into))];
    expect(buffers).toHaveLength(2);
    expect(buffers).not.toContain(undefined);
    expect(reads.every((read, i) => i === 0 || read.into !== reads[i - 1]!.into)).toBe(true);
  });

  it('without reuseBuffers reads live frames into new buffers, and the zeros behind the last one into two scratch buffers, alternating', async () => {
    const dir = await interleavedLog(14);
    const { fs, reads } = watchedFs();
    await batchesOf(fs, dir, { chunkBytes: 4096 });
    const live = reads.filter((read) => read.into === undefined);
    const scratch = reads.filter((read) => read.into !== undefined);
    expect(live.length).toBeGreaterThan(3);
    // Most of the active segment's MiB is zeros behind its last frame, read 4 KiB at a time.
    expect(scratch.length).toBeGreaterThan(100);
    expect(new Set(scratch.map((read) => read.into)).size).toBe(2);
    expect(scratch.every((read, i) => i === 0 || read.into !== scratch[i - 1]!.into)).toBe(true);
    // In each segment, the scratch reads come after every read of live frames.
    for (const path of new Set(reads.map((read) => read.path))) {
      const kinds = reads.filter((read) => read.path === path).map((read) => (read.into === undefined ? 'L' : 'S'));
      expect(kinds.join('')).toMatch(/^L*S*$/);
    }
  });
});

describe('replayBatches and replayDir', () => {
  afterEach(() => vi.restoreAllMocks());

  for (const [io, used, unused] of IO_CHOICES) {
    it(`read through the ${used === nodeFileSystem ? 'non-blocking' : 'blocking'} node file system under io ${String(io)}`, async () => {
      const dir = await interleavedLog(15);
      const opens = { used: vi.spyOn(used, 'open'), unused: vi.spyOn(unused, 'open') };
      const options = io === undefined ? {} : { io };
      let batched = 0;
      for await (const batch of replayBatches(dir, options)) batched += batch.length;
      const afterBatches = opens.used.mock.calls.length;
      let transactions = 0;
      for await (const _transaction of replayDir(dir, options)) transactions++;
      expect(transactions).toBeGreaterThan(30);
      expect(batched).toBe(transactions);
      expect(afterBatches).toBeGreaterThan(0);
      expect(opens.used.mock.calls.length).toBe(2 * afterBatches);
      expect(opens.unused).not.toHaveBeenCalled();
    });
  }
});
