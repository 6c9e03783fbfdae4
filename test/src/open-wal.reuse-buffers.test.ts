// openWal with onTransaction and reuseBuffers replays into two read buffers it reuses (1 MiB
// chunks, log-reader.ts), so each transaction is valid only during its onTransaction call. What
// the host sees during those calls must be what openWal without the option returns, on a log whose
// segments span several chunks and whose transactions stay open across chunks; and without
// onTransaction the option is refused, since replay.transactions would outlive the buffers.

import { describe, expect, it } from 'vitest';
import { openWal, WalError, type ReplayedTransaction } from '../../src/index.js';
import { tempDir, text, writeInterleavedLog } from './helpers.js';

const describeTx = (t: ReplayedTransaction): string => `${t.beginLsn}-${t.commitLsn}: ${t.events.map(text).join('|')}`;

describe('openWal with onTransaction and reuseBuffers', () => {
  it('hands each transaction over as openWal without it returns it', async () => {
    const dir = tempDir('open-reuse-buffers');
    // About 5 MiB in segments of 3 MiB: several chunks per segment, a transaction open across all of them.
    await writeInterleavedLog(dir, 7, { segmentTargetBytes: 3 * 1024 * 1024, steps: 2_400, maxEventBytes: 6_000, preallocate: false });
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
