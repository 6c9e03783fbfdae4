// replayBatches with reuseBuffers reads every chunk into one of two buffers it reuses. What it
// hands out must be what the default (a new buffer per chunk) hands out, batch after batch, as
// long as the host takes each batch's events before asking for the next one: in particular the
// events of transactions still open when their chunk's buffer comes round again.

import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayBatches, type ReplaySummary } from '../../src/index.js';
import { tempDir, text, writeInterleavedLog } from './helpers.js';

/** Segments of 48 KiB and events up to 900 bytes: many chunks, transactions open across them. */
const LOG_SHAPE = { segmentTargetBytes: 48 * 1024, steps: 1_500, maxEventBytes: 900 };

/** Every batch's transactions as plain text, taken before the next batch is asked for. */
async function sweep(dir: string, reuseBuffers: boolean, chunkBytes: number): Promise<{ batches: string[][]; summary: ReplaySummary }> {
  const batches: string[][] = [];
  const iterator = replayBatches(dir, { reuseBuffers, chunkBytes });
  let step = await iterator.next();
  for (; step.done !== true; step = await iterator.next()) {
    batches.push(step.value.map((t) => `${t.beginLsn}-${t.commitLsn}: ${t.events.map(text).join('|')}`));
  }
  return { batches, summary: step.value };
}

describe('replayBatches with reuseBuffers', () => {
  for (const [seed, chunkBytes] of [
    [1, 4096],
    [2, 1000],
    [3, 64 * 1024],
  ] as const) {
    it(`hands out the same batches as a new buffer per chunk (seed ${seed}, ${chunkBytes}-byte chunks)`, async () => {
      const dir = tempDir('reuse-buffers');
      await writeInterleavedLog(dir, seed, LOG_SHAPE);
      const fresh = await sweep(dir, false, chunkBytes);
      const reused = await sweep(dir, true, chunkBytes);
      expect(fresh.batches.flat().length).toBeGreaterThan(100);
      expect(fresh.batches.flat().at(-1)).toContain('begun first, committed last|appended halfway');
      expect(reused.batches).toEqual(fresh.batches);
      expect(reused.summary).toEqual(fresh.summary);
    });
  }
});

describe('replayBatches without reuseBuffers', () => {
  it('reads behind the end of the live frames into scratch buffers without changing a transaction', async () => {
    const dir = tempDir('scratch-buffers');
    await writeInterleavedLog(dir, 4, LOG_SHAPE);
    // Small chunks: the active segment's zeros behind its last frame take many reads, and every
    // transaction is taken only after the sweep ended (nothing is copied before the next batch).
    const all: { beginLsn: number; events: readonly Uint8Array[] }[] = [];
    for await (const batch of replayBatches(dir, { chunkBytes: 512 })) all.push(...batch);
    const whole = await sweep(dir, false, 1 << 20);
    expect(all.map((t) => `${t.beginLsn}: ${t.events.map(text).join('|')}`)).toEqual(whole.batches.flat().map((line) => line.replace(/^(\d+)-\d+:/, '$1:')));
  });
});

describe('replayBatches under skip-corrupted, which reads frames again after damage', () => {
  it('keeps the events of frames read after a skipped range in buffers of their own, never in the scratch buffers behind the end', async () => {
    const dir = tempDir('skip-scratch');
    await writeInterleavedLog(dir, 5, { segmentTargetBytes: 1 << 20, steps: 600, maxEventBytes: 300 });
    const [active] = readdirSync(dir).filter((name) => name.endsWith('.wal'));
    const path = join(dir, active!);
    const bytes = readFileSync(path);
    // Damage a byte a third of the way in: skip-corrupted skips that frame and reads on.
    let end = bytes.length;
    while (bytes[end - 1] === 0) end--;
    const at = Math.floor(end / 3);
    bytes[at] = bytes[at]! ^ 0xff;
    writeFileSync(path, bytes);
    const taken = async (chunkBytes: number): Promise<string[]> => {
      const all: { beginLsn: number; events: readonly Uint8Array[] }[] = [];
      for await (const batch of replayBatches(dir, { chunkBytes, recovery: 'skip-corrupted' })) all.push(...batch);
      return all.map((t) => `${t.beginLsn}: ${t.events.map(text).join('|')}`);
    };
    const whole = await taken(4 << 20);
    expect(whole.length).toBeGreaterThan(50);
    expect(await taken(512)).toEqual(whole);
  });
});
