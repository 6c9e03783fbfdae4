// Planted bugs in the checkpoint protocol: each breaks one ordering rule of src/core/checkpoint.ts
// and must turn the crash check of checkpoint-crashes.ts red, with a counterexample that names the
// crash point and the crash state. The same property passes on the real protocol
// (checkpoint-crashes.test.ts). TLC finds the same bugs in spec/Manifest.tla (spec/README.md), and
// walref explore's oracle finds them too when they are planted in the file system beneath the WAL
// (the second group: the workload oracle/explore/workloads/checkpoint-manifest.json).
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Effect } from '../../src/core/effects.js';
import { budget } from '../model-based/run-config.js';
import { checkCheckpointCrashes, emptyStats, knobsArbitrary, stepsArbitrary } from './checkpoint-crashes.js';
import type { OpenWalLike } from '../../oracle/explore/wal-api.js';
import { wrapFs, type FsOverrides } from '../crash-sim/wrap-fs.js';
import { explore, realOpenWal, storedWorkload, violationText } from './helpers.js';

type Bug = 'none' | 'rename-without-dir-fsync' | 'snapshot-never-synced' | 'delete-before-commit';
const planted = vi.hoisted(() => ({ bug: 'none' as Bug }));

const isRename = (e: Effect): boolean => e.kind === 'rename';

vi.mock('../../src/core/checkpoint.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/core/checkpoint.js')>();
  return {
    ...actual,
    commitCheckpoint: (...args: Parameters<typeof actual.commitCheckpoint>) => {
      const step = actual.commitCheckpoint(...args);
      if (!step.ok) return step;
      const effects = [...step.effects];
      const rename = effects.findIndex(isRename);
      switch (planted.bug) {
        case 'none':
          break;
        case 'rename-without-dir-fsync':
          // The directory fsync right after the rename is gone: the removals follow at once.
          effects.splice(rename + 1, 1);
          break;
        case 'snapshot-never-synced':
          effects.splice(0, 1);
          break;
        case 'delete-before-commit': {
          const removals: Effect[] = effects.filter((e) => e.kind === 'remove');
          const rest: Effect[] = effects.filter((e) => e.kind !== 'remove');
          rest.splice(rest.findIndex(isRename), 0, ...removals);
          return { ...step, effects: rest };
        }
      }
      return { ...step, effects };
    },
  };
});

afterEach(() => {
  planted.bug = 'none';
});

/** The crash check on tiny segments, with directory entries that wait for a directory fsync. */
async function findsIt(bug: Bug, property: RegExp): Promise<void> {
  planted.bug = bug;
  const details = await fc.check(
    fc.asyncProperty(knobsArbitrary.map((knobs) => ({ ...knobs, dirSync: true })), stepsArbitrary, fc.nat(), async (knobs, steps, seed) => {
      const violations = await checkCheckpointCrashes({ knobs, segmentTargetBytes: 64, steps, statesPerPoint: 48, seed }, emptyStats());
      expect(violations, violations.join('\n\n')).toEqual([]);
    }),
    { numRuns: budget.deep ? 400 : 150, seed: 20 },
  );
  const report = fc.defaultReportMessage(details) ?? '';
  if (process.env['WALREF_REPORT']) console.log(`planted bug ${bug}:\n${report}\n${String(details.errorInstance)}`);
  expect(details.failed, `planted bug ${bug} was not found`).toBe(true);
  expect(String(details.errorInstance)).toMatch(property);
  expect(String(details.errorInstance)).toMatch(/crash after op \d+/);
}

describe('planted bugs in the checkpoint protocol', () => {
  it('a rename without a directory fsync after it breaks OneEpochInv or EpochDurabilityInv', async () => {
    await findsIt('rename-without-dir-fsync', /OneEpochInv|EpochDurabilityInv/);
  }, budget.testTimeoutMs);

  it('a snapshot that was never fsynced breaks OneEpochInv', async () => {
    await findsIt('snapshot-never-synced', /OneEpochInv/);
  }, budget.testTimeoutMs);

  it('deleting what the new MANIFEST drops before the commit breaks OneEpochInv', async () => {
    await findsIt('delete-before-commit', /OneEpochInv/);
  }, budget.testTimeoutMs);
});

const isManifest = (path: string): boolean => path.endsWith('/MANIFEST');

function plantedOpenWal(makeOverrides: () => FsOverrides): OpenWalLike {
  return (dir, options) => realOpenWal(dir, { ...options, fs: wrapFs(options.fs, makeOverrides()) });
}

/** The directory fsync right after the MANIFEST's rename does nothing. */
const renameWithoutDirFsync = plantedOpenWal(() => {
  let skip = false;
  return {
    rename: (fs, from, to) => {
      fs.rename(from, to);
      skip = isManifest(to);
    },
    fsyncDir: (fs, path) => {
      if (!skip) return fs.fsyncDir(path);
      skip = false;
      return Promise.resolve();
    },
  };
});

/** fdatasync of a snapshot file does nothing. */
const snapshotNeverSynced = plantedOpenWal(() => ({ datasync: (handle) => (handle.path.endsWith('.snap') ? Promise.resolve() : handle.datasync()) }));

const manifestWorkload = storedWorkload('checkpoint-manifest.json');

describe('planted checkpoint bugs, found by walref explore', () => {
  for (const [label, openWal, property] of [
    ['a rename without a directory fsync', renameWithoutDirFsync, /OneEpochInv|EpochDurabilityInv/],
    ['a snapshot never synced', snapshotNeverSynced, /OneEpochInv/],
    ['deletion before the commit (planted in the core: the removals move before the rename)', realOpenWal, /OneEpochInv/],
  ] as const) {
    it(`${label} turns the oracle red`, async () => {
      if (openWal === realOpenWal) planted.bug = 'delete-before-commit';
      const result = await explore(manifestWorkload, { openWal });
      const text = violationText(result);
      expect(text).toMatch(property);
      expect(text).toMatch(/crash after op \d+/);
    });
  }

  it('the same workload passes on the real WAL', async () => {
    expect(violationText(await explore(manifestWorkload))).toBe('');
  });
});
