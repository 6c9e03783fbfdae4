// oracle/explore/recover-crash-state.ts: one crash image recovered with the openWal it is handed.
// It passes on only the options it was given, copies what replay returned, reads the live snapshot
// back (or why it could not), reports a refused open or a refused probe in words, and recovers
// again each crash state of recovery's own writes (idempotence), never the image itself, never
// twice the same, and not at all when recovery wrote nothing or the bound is 0.
import { describe, expect, it } from 'vitest';
import { crashSpacesAlong } from '../../../crash-sim/crash-points.js';
import { crashSpace, enumerateCrashStates, type CrashState } from '../../../crash-sim/crash-states.js';
import { SimFileSystem } from '../../../crash-sim/sim-fs.js';
import { recoverCrashState, type RecoverOptions } from '../../../oracle/explore/recover-crash-state.js';
import type { OpenWalLike, WalLike, WalOpenOptionsLike } from '../../../oracle/explore/wal-api.js';

/** The one crash state of a synced file /wal/a (entry changes durable at once, so every crash state of a recovery's write is a distinct image). */
function crashState(): CrashState {
  const sim = new SimFileSystem({ dirSync: false });
  sim.mkdirp('/wal');
  const h = sim.open('/wal/a', 'create-exclusive');
  h.write(Uint8Array.of(1, 2, 3), 0);
  void h.sync();
  void sim.fsyncDir('/wal');
  const { states } = enumerateCrashStates(crashSpace(sim.state), { maxStates: 10, seed: 1 });
  expect(states).toHaveLength(1);
  return states[0] as CrashState;
}

interface Fake {
  readonly openWal: OpenWalLike;
  readonly opened: WalOpenOptionsLike[];
  readonly events: Uint8Array[];
  readonly probe: string[];
}

/**
 * An openWal that replays one transaction and, when `writes`, does what a recovery does: writes
 * (`writeBytes`, four unsynced sectors by default, so a crash after them has five states) before it returns.
 */
function fake(options: { writes?: boolean; writeBytes?: number; overwrite?: boolean; refuseAgain?: boolean; mkdir?: boolean; refuseOpen?: unknown; refuseProbe?: Error; snapshot?: 'ok' | 'fails' | 'none' } = {}): Fake {
  const opened: WalOpenOptionsLike[] = [];
  const events = [Uint8Array.of(9, 9)];
  const probe: string[] = [];
  const openWal: OpenWalLike = async (_dir, openOptions) => {
    opened.push(openOptions);
    if (options.refuseOpen !== undefined) throw options.refuseOpen;
    if (options.refuseAgain === true && openOptions.fs.exists('/wal/b')) throw Object.assign(new Error('b is in the way'), { code: 'Corruption' });
    if (options.mkdir === true) openOptions.fs.mkdirp('/wal/sub');
    // A directory fsync first, as a recovery's first step may be: it writes nothing.
    if (options.writes === true) await openOptions.fs.fsyncDir('/wal');
    if (options.writes === true && !openOptions.fs.exists('/wal/b')) openOptions.fs.open('/wal/b', 'create-exclusive').write(new Uint8Array(options.writeBytes ?? 2048).fill(5), 0);
    // An unsynced overwrite of a byte of /wal/a: a crash may keep the image exactly as it was.
    if (options.overwrite === true) openOptions.fs.open('/wal/a', 'read-write').write(Uint8Array.of(7), 0);
    let next = 7;
    const wal = {
      nextLsn: () => next,
      recorder: () => ({
        arm: () => probe.push('arm'),
        record: (event: Uint8Array) => {
          probe.push(`record ${new TextDecoder().decode(event)}`);
          if (options.refuseProbe !== undefined) throw options.refuseProbe;
          next = 8;
        },
        commit: async () => {
          probe.push('commit');
          return 'yes' as const;
        },
        flush: async () => {
          probe.push('flush');
        },
      }),
    } as unknown as WalLike;
    const snapshot =
      options.snapshot === 'ok'
        ? { lsn: 4, epoch: 1, read: async () => Uint8Array.of(4, 4) }
        : options.snapshot === 'fails'
          ? { lsn: 4, epoch: 1, read: async () => Promise.reject(Object.assign(new Error('snapshot file is short'), { code: 'Corruption' })) }
          : null;
    return { wal, replay: { transactions: [{ beginLsn: 1, commitLsn: 3, events }], maxLsn: 3, checkpointObserved: 2 }, snapshot };
  };
  return { openWal, opened, events, probe };
}

const base = (f: Fake, more: Partial<RecoverOptions> = {}): RecoverOptions => ({ openWal: f.openWal, dir: '/wal', checkpointLsn: 0, segmentTargetBytes: undefined, idempotenceStates: 0, seed: 1, ...more });

describe('recoverCrashState', () => {
  it('opens the image with only the options it was given, and reports what replay and the WAL said', async () => {
    const f = fake({ snapshot: 'ok' });
    const observed = await recoverCrashState(crashState(), base(f));
    expect(Object.keys(f.opened[0] ?? {})).toEqual(['fs']);
    expect(observed).toMatchObject({ replayed: [{ beginLsn: 1, commitLsn: 3, events: [Uint8Array.of(9, 9)] }], error: null, checkpointObserved: 2, nextLsn: 7, probeBeginLsn: 8, idempotence: [], snapshot: { lsn: 4, bytes: Uint8Array.of(4, 4), error: null } });
    expect(f.probe).toEqual(['arm', 'record walref-explore-probe', 'commit', 'flush']);
    // The replay is a copy: the WAL reusing its buffers later changes nothing observed.
    f.events[0]?.fill(0);
    expect([...(observed.replayed?.[0]?.events[0] ?? [])]).toEqual([9, 9]);
  });

  it('passes on the checkpoint LSN, the segment size and the recovery policy when given', async () => {
    const f = fake();
    await recoverCrashState(crashState(), base(f, { checkpointLsn: 5, segmentTargetBytes: 4096, recovery: 'absolute' }));
    const { fs, ...rest } = f.opened[0] as WalOpenOptionsLike;
    expect(fs).toBeInstanceOf(SimFileSystem);
    expect(rest).toEqual({ checkpointLsn: 5, segmentTargetBytes: 4096, recovery: 'absolute' });
  });

  it('reports a refused open with its code, and nothing else', async () => {
    const f = fake({ refuseOpen: Object.assign(new Error('segment 3 is corrupt at offset 44'), { code: 'Corruption' }) });
    expect(await recoverCrashState(crashState(), base(f))).toEqual({ replayed: null, error: 'Corruption: segment 3 is corrupt at offset 44', nextLsn: null, probeBeginLsn: null, idempotence: [] });
    expect((await recoverCrashState(crashState(), base(fake({ refuseOpen: 'a string' })))).error).toBe('a string');
  });

  it('reports a probe transaction the recovered WAL refused, and a snapshot it could not read back', async () => {
    const observed = await recoverCrashState(crashState(), base(fake({ refuseProbe: new Error('poisoned'), snapshot: 'fails' })));
    expect(observed.error).toBe('the recovered WAL refused a new transaction: poisoned');
    expect(observed.probeBeginLsn).toBeNull();
    expect(observed.snapshot).toEqual({ lsn: 4, bytes: null, error: 'Corruption: snapshot file is short' });
    expect(observed.replayed).toHaveLength(1);
  });

  it('recovers again every crash state of recovery\'s own writes, each once, and never the image itself', async () => {
    const f = fake({ writes: true });
    const observed = await recoverCrashState(crashState(), base(f, { idempotenceStates: 100 }));
    // After the create: b empty; after the write: b with 0 (the same again), 1, 2, 3 or 4 sectors.
    expect(observed.idempotence).toHaveLength(5);
    const described = observed.idempotence.map((again) => again.describe());
    expect(new Set(described).size).toBe(described.length);
    expect(observed.idempotence.every((again) => again.error === null && again.replayed?.length === 1)).toBe(true);
    // The first open, then one per state recovered again.
    expect(f.opened).toHaveLength(1 + observed.idempotence.length);
  });

  it('recovers every state when they all fit the bound exactly, and shares a smaller bound among the crash points', async () => {
    // The crash spaces along the fake recovery's writes, as recoverCrashState finds them.
    const state = crashState();
    const dry = state.image();
    await fake({ writes: true }).openWal('/wal', { fs: dry });
    const spaces = crashSpacesAlong(state.image(), dry.opLog);
    const sum = spaces.reduce((n, space) => n + space.total, 0);
    // After the directory fsync (the image itself), the create, and the write.
    expect(spaces.map((space) => space.total)).toEqual([1, 1, 5]);
    expect((await recoverCrashState(state, base(fake({ writes: true }), { idempotenceStates: sum }))).idempotence).toHaveLength(5);
    // One fewer than fits: each crash point gets an equal share (2): the image itself (skipped), b
    // empty, and two of the write's five, so at most 1 + 2 new states.
    const shared = (await recoverCrashState(state, base(fake({ writes: true }), { idempotenceStates: sum - 1 }))).idempotence.length;
    expect(shared).toBeGreaterThanOrEqual(2);
    expect(shared).toBeLessThanOrEqual(3);
    // A bound below the number of crash points still gives each point its two extremes: the
    // create's one state (b empty) and the write's first and last, never none.
    const least = (await recoverCrashState(state, base(fake({ writes: true }), { idempotenceStates: 1 }))).idempotence.length;
    expect(least).toBeGreaterThanOrEqual(2);
    expect(least).toBeLessThanOrEqual(3);
  });

  it('gives each crash point its share of a bound that does not fit, beyond the two extremes', async () => {
    // A write of 16 sectors: 17 crash states after it, 19 along the recovery in all. A bound of 18
    // is 6 a point: the image (skipped), b empty, and 6 of the write's 17, whose first (nothing of
    // it kept) is b empty again.
    const state = crashState();
    const big = fake({ writes: true, writeBytes: 8192 });
    const dry = state.image();
    await big.openWal('/wal', { fs: dry });
    expect(crashSpacesAlong(state.image(), dry.opLog).map((space) => space.total)).toEqual([1, 1, 17]);
    const observed = await recoverCrashState(state, base(big, { idempotenceStates: 18 }));
    expect(observed.idempotence.length).toBe(6);
  });

  it('reports a crash state of recovery that does not open again, with its words', async () => {
    const observed = await recoverCrashState(crashState(), base(fake({ writes: true, refuseAgain: true }), { idempotenceStates: 100 }));
    expect(observed.error).toBeNull();
    expect(observed.idempotence).toHaveLength(5);
    expect(observed.idempotence.every((again) => again.replayed === null && again.error === 'Corruption: b is in the way')).toBe(true);
  });

  it('never recovers again a crash state that is the image itself', async () => {
    const observed = await recoverCrashState(crashState(), base(fake({ overwrite: true }), { idempotenceStates: 100 }));
    // The overwrite kept or lost: only the kept one is a new disk.
    expect(observed.idempotence).toHaveLength(1);
  });

  it('recovers nothing again when the bound is 0 or when recovery wrote nothing', async () => {
    // Making a directory writes no file: it is durable at once, and the disk is the image.
    expect((await recoverCrashState(crashState(), base(fake({ mkdir: true }), { idempotenceStates: 100 }))).idempotence).toEqual([]);
    expect((await recoverCrashState(crashState(), base(fake({ writes: true }), { idempotenceStates: 0 }))).idempotence).toEqual([]);
    const quiet = fake();
    expect((await recoverCrashState(crashState(), base(quiet, { idempotenceStates: 100 }))).idempotence).toEqual([]);
    expect(quiet.opened).toHaveLength(1);
  });
});
