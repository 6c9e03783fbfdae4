// Reads of synced data that return flipped bits (the simulator's read fault): corruption must be
// reported, never replayed silently. Every byte of every frame of a rotated, fully synced log is
// flipped in turn: recovery either refuses the log or replays only committed transactions with
// their exact events (AtomicityInv); in a sealed segment it must refuse it.
import { describe, expect, it } from 'vitest';
import { atomicityViolations } from '../../oracle/explore/recovery-oracle.js';
import { SimFileSystem } from '../../crash-sim/sim-fs.js';
import type { ReplayedTx } from '../../oracle/explore/explore-history.js';
import { realOpenWal } from './helpers.js';

async function syncedLog(): Promise<{ files: Map<string, Uint8Array>; committed: ReplayedTx[] }> {
  const sim = new SimFileSystem();
  const { wal } = await realOpenWal('/wal', { fs: sim, segmentTargetBytes: 120 });
  const recorder = wal.recorder();
  for (const event of ['first', 'second', 'third']) {
    recorder.arm();
    recorder.record(new TextEncoder().encode(event));
    await recorder.commit();
    await recorder.flush();
  }
  await wal.close();
  const files = new Map(sim.readdir('/wal').filter((n) => n.endsWith('.wal')).sort().map((n) => [`/wal/${n}`, sim.readFile(`/wal/${n}`)] as const));
  const { replay } = await realOpenWal('/wal', { fs: SimFileSystem.fromImage(sim.knobs, files), segmentTargetBytes: 4096 });
  return { files, committed: replay.transactions.map((t) => ({ beginLsn: t.beginLsn, commitLsn: t.commitLsn, events: t.events.map((e) => e.slice()) })) };
}

describe('bit flips in synced frames', () => {
  it('are reported or dropped, never replayed as something that was not committed', async () => {
    const { files, committed } = await syncedLog();
    expect(committed).toHaveLength(3);
    const paths = [...files.keys()];
    expect(paths.length).toBeGreaterThan(1);
    let refusedInSealed = 0;
    let flips = 0;
    for (const [path, bytes] of files) {
      const sealed = path !== paths.at(-1);
      for (let offset = 32; offset < bytes.length; offset++) {
        const sim = SimFileSystem.fromImage(new SimFileSystem().knobs, files);
        sim.flipBitsOnRead(path, offset, 1);
        flips++;
        let replayed: readonly ReplayedTx[] | null = null;
        try {
          replayed = (await realOpenWal('/wal', { fs: sim, segmentTargetBytes: 4096 })).replay.transactions;
        } catch (error) {
          expect((error as { code?: string }).code, `${path}@${offset}`).toMatch(/^(Corruption|Malformed|BadSegmentHeader)$/);
        }
        if (replayed === null) {
          if (sealed) refusedInSealed++;
          continue;
        }
        expect(atomicityViolations(committed, replayed), `${path}@${offset}`).toEqual([]);
        expect(sealed, `a flip at ${path}@${offset} in a sealed segment was not reported`).toBe(false);
      }
    }
    expect(flips).toBeGreaterThan(100);
    expect(refusedInSealed).toBeGreaterThan(0);
  });
});
