// openWal with onTransaction and reuseBuffers replays into two read buffers it reuses (1 MiB
// chunks, log-reader.ts), so each transaction is valid only during its onTransaction call. What
// the host sees during those calls must be what openWal without the option returns, on a log whose
// segments span several chunks and whose transactions stay open across chunks; and without
// onTransaction the option is refused, since replay.transactions would outlive the buffers.

import { describe, expect, it } from 'vitest';
import { openWal, WalError, type ReplayedTransaction } from '../../src/index.js';
import { ev, tempDir, text } from './helpers.js';

/** A small deterministic generator, so a failure names the same log every run. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** About 5 MiB of interleaved transactions in segments of 3 MiB: several chunks per segment, a transaction open across all of them. */
async function writeLog(dir: string, seed: number): Promise<void> {
  const random = prng(seed);
  const { wal } = await openWal(dir, { sync: { mode: 'none' }, segmentTargetBytes: 3 * 1024 * 1024, preallocate: false });
  const open: number[] = [];
  const longLived = await wal.begin();
  await wal.append(longLived, ev('begun first, committed last'));
  for (let step = 0; step < 2_400; step++) {
    const roll = random();
    if (open.length < 4 && roll < 0.3) open.push(await wal.begin());
    else if (open.length > 0 && roll < 0.85) {
      const tx = open[Math.floor(random() * open.length)]!;
      const size = Math.floor(random() * 6_000);
      await wal.append(tx, ev(`${tx}:${step}:`.padEnd(size, String.fromCharCode(97 + (step % 26)))));
    } else if (open.length > 0) {
      const tx = open.splice(Math.floor(random() * open.length), 1)[0]!;
      await (random() < 0.8 ? wal.commit(tx) : wal.abort(tx));
    }
    if (step === 1_200) await wal.append(longLived, ev('appended halfway'));
  }
  await wal.commit(longLived);
  await wal.close();
}

const describeTx = (t: ReplayedTransaction): string => `${t.beginLsn}-${t.commitLsn}: ${t.events.map(text).join('|')}`;

describe('openWal with onTransaction and reuseBuffers', () => {
  it('hands each transaction over as openWal without it returns it', async () => {
    const dir = tempDir('open-reuse-buffers');
    await writeLog(dir, 7);
    const first = await openWal(dir);
    const collected = first.replay.transactions.map(describeTx);
    await first.wal.close();
    const seen: string[] = [];
    const second = await openWal(dir, { onTransaction: (t) => seen.push(describeTx(t)), reuseBuffers: true });
    expect(second.replay.transactions).toEqual([]);
    expect(second.replay.segments.length).toBeGreaterThan(1);
    expect(second.replay.segments[0]!.validBytes).toBeGreaterThan(2 * 1024 * 1024);
    expect(collected.length).toBeGreaterThan(250);
    expect(collected.at(-1)).toContain('begun first, committed last|appended halfway');
    expect(seen).toEqual(collected);
    expect(second.replay.maxLsn).toBe(first.replay.maxLsn);
    await second.wal.close();
  });

  it('refuses reuseBuffers without onTransaction', async () => {
    const error = await openWal(tempDir('open-reuse-refused'), { reuseBuffers: true }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WalError);
    expect((error as WalError).info).toMatchObject({ code: 'InvalidOption', option: 'reuseBuffers' });
  });
});
