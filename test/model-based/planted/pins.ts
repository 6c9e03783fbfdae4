// One shrunk counterexample per planted bug, as fast-check printed it when the bug was planted:
// seed and path replay the failing case, replayPath replays which commands ran. The planted-bug
// files check that each still fails with its bug; regressions.test.ts that each passes on src/.

import type { SyncPolicy } from '../../../model/index.js';

export interface Pin {
  readonly policies: readonly SyncPolicy[];
  readonly seed: number;
  readonly path: string;
  readonly replayPath: string;
  /** The shrunk command list fast-check printed, for readers. */
  readonly commands: string;
}

const all: readonly SyncPolicy[] = ['per-commit', 'group', 'none'];

export const pins = {
  'commit of an empty buffer writes records': {
    policies: all,
    seed: -1574621237,
    path: '0:0:0:0:0:0:0',
    replayPath: 'BG:B',
    commands: 'per-commit: arm, commit',
  },
  'abort leaves events to be replayed': {
    policies: all,
    seed: 1642308477,
    path: '16:0:0:0:0:0:2:5',
    replayPath: 'BBDjH:V',
    commands: 'per-commit: arm, record("a"), abort, abort',
  },
  'acknowledging durability before fsync': {
    policies: ['group', 'none'],
    seed: 1662088902,
    path: '1:0:0:0:0:0:2:1:2:1',
    replayPath: 'BBACDCK:VB',
    commands: 'group: checkpoint, recorder.flush',
  },
  'replay keeps the events of an aborted transaction': {
    policies: all,
    seed: -1173534171,
    path: '4:0:0:0:4:5:6:3:3:3',
    replayPath: 'AABCAEQIAQ:qK',
    commands: 'per-commit: walAbort(0), recorder.flush, crash(0)',
  },
  'replay releasing an uncommitted tail': {
    policies: all,
    seed: 1265042663,
    path: '86:1:0:9:7:11:14:16:8:9',
    replayPath: 'EAAAEAAADA/J:V1',
    commands: 'group: arm, record("a"), commit, fsyncEIO(groupSync), crash(0)',
  },
  'retrying fsync after EIO and reporting success': {
    policies: all,
    seed: -152391161,
    path: '32:0:0:0:0:0:0:0:2',
    replayPath: 'ABjB:K',
    commands: 'per-commit: checkpoint, fsyncEIO(recorder.flush)',
  },
  'not fsyncing the directory after creating a segment': {
    policies: all,
    seed: -1043511831,
    path: '55:0:0:0:0:1:1:4:11:11:9:9',
    replayPath: 'AADDAABBAFb:VV',
    commands: 'per-commit, dirSync: arm, record("a"), commit, recorder.forceFsync, crash(0)',
  },
  'reusing LSNs after a torn tail': {
    policies: all,
    seed: 2105041643,
    path: '38:1:0:0:0:0:7:6:6:7:5:5:3:4:4:3:6:3:3:4:5:4:6:3:4:5:3',
    replayPath: 'ACDC/E:1',
    commands: 'group, unordered 16-byte sectors: walAbort(0), recorder.flush, crash(275977538)',
  },
} as const satisfies Record<string, Pin>;

/** The concurrency counterexample of "acknowledging durability before fsync" (fc.scheduler). */
export const concurrencyPin = { seed: -402413655, path: '0:0:0:0:0:0:0' } as const;
