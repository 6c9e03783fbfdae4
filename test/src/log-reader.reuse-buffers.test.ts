// replayBatches with reuseBuffers reads every chunk into one of two buffers it reuses. What it
// hands out must be what the default (a new buffer per chunk) hands out, batch after batch, as
// long as the host takes each batch's events before asking for the next one: in particular the
// events of transactions still open when their chunk's buffer comes round again.

import { describe, expect, it } from 'vitest';
import { openWal, replayBatches, type ReplaySummary } from '../../src/index.js';
import { ev, tempDir, text } from './helpers.js';

/** A small deterministic generator, so a failure names the same log every run. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Writes interleaved transactions (some held open across many chunks), over several segments. */
async function writeInterleavedLog(dir: string, seed: number): Promise<void> {
  const random = prng(seed);
  const { wal } = await openWal(dir, { sync: { mode: 'none' }, segmentTargetBytes: 48 * 1024 });
  const open: number[] = [];
  const longLived = await wal.begin();
  await wal.append(longLived, ev('begun first, committed last'));
  for (let step = 0; step < 1_500; step++) {
    const roll = random();
    if (open.length < 4 && roll < 0.3) open.push(await wal.begin());
    else if (open.length > 0 && roll < 0.85) {
      const tx = open[Math.floor(random() * open.length)]!;
      const size = Math.floor(random() * 900);
      await wal.append(tx, ev(`${tx}:${step}:`.padEnd(size, String.fromCharCode(97 + (step % 26)))));
    } else if (open.length > 0) {
      const tx = open.splice(Math.floor(random() * open.length), 1)[0]!;
      await (random() < 0.8 ? wal.commit(tx) : wal.abort(tx));
    }
    if (step === 700) await wal.append(longLived, ev('appended halfway'));
  }
  await wal.commit(longLived);
  await wal.close();
}

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
      await writeInterleavedLog(dir, seed);
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
    await writeInterleavedLog(dir, 4);
    // Small chunks: the active segment's zeros behind its last frame take many reads, and every
    // transaction is taken only after the sweep ended (nothing is copied before the next batch).
    const all: { beginLsn: number; events: readonly Uint8Array[] }[] = [];
    for await (const batch of replayBatches(dir, { chunkBytes: 512 })) all.push(...batch);
    const whole = await sweep(dir, false, 1 << 20);
    expect(all.map((t) => `${t.beginLsn}: ${t.events.map(text).join('|')}`)).toEqual(whole.batches.flat().map((line) => line.replace(/^(\d+)-\d+:/, '$1:')));
  });
});
