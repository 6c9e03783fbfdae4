// What exploreWorkload (oracle/explore/explore.ts) reports besides the crash states themselves:
// a clean reopen of a log the WAL damaged (even when its replay of that log is empty), the
// damage itself as a Layout finding with no counterexample, and the segment target every recovery
// opens the WAL with. Each test plants one wrong WAL through the structural port.
import { describe, expect, it } from 'vitest';
import type { ExploreOptions } from '../../../oracle/explore/explore.js';
import { segmentIdOf } from '../../../oracle/explore/disk-format.js';
import type { OpenWalLike } from '../../../oracle/explore/wal-api.js';
import { WORKLOAD_SEGMENT_TARGET_BYTES, type Workload } from '../../../oracle/explore/workload.js';
import { exploreWith, realOpenWal, storedWorkload } from '../../crash-recovery/helpers.js';

/** Every violation, not the first 20. */
const explore = (workload: Workload, openWal: OpenWalLike, options: Partial<ExploreOptions> = {}) => exploreWith(workload, openWal, { maxViolations: 100_000, ...options });

/** rotation.json (several segments), then a clean close, a reopen and one more transaction. */
const rotationReopened: Workload = (() => {
  const rotation = storedWorkload('rotation.json');
  return { ...rotation, steps: [...rotation.steps, { flush: true }, { recover: true }, { tx: ['f1'] }] };
})();

/**
 * The real WAL, except that its close overwrites the start of the header of the oldest segment, which is sealed
 * by then, and its later opens recover under point-in-time: they stop at the damage and replay
 * nothing, where the log as written (and so the oracle) says the log cannot be replayed.
 */
function damagesOldestHeaderOnClose(): OpenWalLike {
  let opens = 0;
  return async (dir, options) => {
    const opened = await realOpenWal(dir, ++opens === 1 ? options : { ...options, recovery: 'point-in-time' });
    const close = async (): Promise<void> => {
      await opened.wal.close();
      const oldest = options.fs
        .readdir(dir)
        .filter((name) => segmentIdOf(name) !== null)
        .sort((a, b) => (segmentIdOf(a) ?? 0) - (segmentIdOf(b) ?? 0))[0];
      if (oldest === undefined) return;
      const handle = options.fs.open(options.fs.join(dir, oldest), 'read-write');
      handle.write(new Uint8Array(16).fill(0xee), 0);
      await handle.datasync();
      handle.close();
    };
    // A proxy, not a copy: the real WAL's methods read private fields of the object they are called on.
    const wal = new Proxy(opened.wal, {
      get: (target, key) => {
        if (key === 'close') return close;
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    return { ...opened, wal };
  };
}


describe('exploreWorkload: findings without a crash', () => {
  it('reports a clean reopen of a log that cannot be replayed as written, even when the WAL replays nothing of it', async () => {
    const result = await explore(rotationReopened, damagesOldestHeaderOnClose(), { crashPoints: 'end' });
    const reopen = result.violations.filter((v) => v.property === 'ExactnessInv' && v.crashAfterOp === null);
    expect(reopen.map((v) => v.message)).toEqual(['the clean reopen starting session 1 replayed something else than the log holds']);
    expect(reopen[0]?.counterexample).toMatch(/\nexpected: sealed segment 0+1\.wal has no intact header \(\d+ bytes on disk\)\nreplayed: \(none\)$/);
  });

  it('reports a write of the WAL that is no header and no record as a Layout finding, with no crash point and no counterexample', async () => {
    const result = await explore(rotationReopened, damagesOldestHeaderOnClose(), { crashPoints: 'end' });
    const layout = result.violations.filter((v) => v.property === 'Layout');
    expect(layout.length).toBeGreaterThan(0);
    expect(layout.map((v) => [v.crashAfterOp, v.counterexample, v.weight])).toEqual(layout.map(() => [null, '', 0]));
    expect(layout.every((v) => /^op \d+: a 16-byte write at offset 0 of \S+ is shorter than a segment header$/.test(v.message))).toBe(true);
  });


  it('opens the WAL for every recovery with the segment target the workload ran with, or the workloads\' default', async () => {
    for (const [name, target] of [['rotation.json', 160], ['basic.json', WORKLOAD_SEGMENT_TARGET_BYTES]] as const) {
      const targets = new Set<number | undefined>();
      const spy: OpenWalLike = (dir, options) => (targets.add(options.segmentTargetBytes), realOpenWal(dir, options));
      const result = await explore(storedWorkload(name), spy, { maxStates: 50 });
      expect(result.crashStates, name).toBeGreaterThan(0);
      expect([name, ...targets]).toEqual([name, target]);
    }
  });
});
