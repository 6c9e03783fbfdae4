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
  /** The command profile the counterexample was found with (default 'all'). */
  readonly profile?: 'all' | 'segments' | 'interrupted-recovery';
}

const all: readonly SyncPolicy[] = ['per-commit', 'group', 'none'];

export const pins = {
  'commit of an empty buffer writes records': {
    policies: all,
    seed: -870088894,
    path: '1:0:0:0:0:0:2:1',
    replayPath: 'BACHE:V',
    commands: 'per-commit: arm, commit',
  },
  'abort leaves events to be replayed': {
    policies: all,
    seed: -86769185,
    path: '81:0:0:0:0:0:0:0:0:2:2:8:5',
    replayPath: 'BBBBAABBEAFCEQU:VVF',
    commands: 'per-commit: arm, record("a"), abort, abort',
  },
  'acknowledging durability before fsync': {
    policies: ['group', 'none'],
    seed: -400807915,
    path: '3:0:0:0:0:3:6:7:7',
    replayPath: 'AABCAAABACBCAYAB:qqK',
    commands: 'group: arm, record("a"), commit, recorder.flush',
  },
  'replay keeps the events of an aborted transaction': {
    policies: all,
    seed: 1322295722,
    path: '8:0:0:0:0:0:3:3',
    replayPath: 'AACBBAAiH:VF',
    commands: 'per-commit: walAbort(0), reopen',
  },
  'replay releasing an uncommitted tail': {
    policies: all,
    seed: -728489427,
    path: '13:1:2:2:4:3:3:5:6:1:2:0',
    replayPath: 'AADABABAIAAABJAAAAV:VVVB',
    commands: 'none, unordered 16-byte sectors: transaction(1), crash(0)',
  },
  'retrying fsync after EIO and reporting success': {
    policies: all,
    seed: 1253507473,
    path: '40:0:0:0:0:0:0:2:1:1:1:1:1:1:1',
    replayPath: 'GAABADDBAAAEFBBIh:VVV',
    commands: 'per-commit: checkpoint(0), fsyncEIO(recorder.flush)',
  },
  'not fsyncing the directory after creating a segment': {
    policies: all,
    seed: -2005048450,
    path: '5:1:1:1:3:3:4',
    replayPath: 'ACDACDFAE:VF',
    commands: 'group, dirSync: walAbort(0), groupSync, crash(0)',
  },
  'reusing LSNs after a torn tail': {
    policies: all,
    seed: -1243325204,
    path: '164:1:0:0:0:2:1:4:4:3:3',
    replayPath: 'BAABBBEABACXZ:VVB',
    commands: 'none, unordered 16-byte sectors: walAbort(0), recorder.flush, crash(0)',
  },
  'repair cuts the active segment back before rewriting it': {
    profile: 'interrupted-recovery',
    policies: all,
    seed: -2063035613,
    path: '1:1:1:4:3:5:0:2:4:3:10:3:4:3:3:8:3:6:6',
    replayPath: 'BBDABEEIMw:qK',
    commands: 'per-commit, unordered, 16-byte sectors: transaction(1), crashDuringRecover(0, after 1, 330839823)',
  },
} as const satisfies Record<string, Pin>;

/** The concurrency counterexample of "acknowledging durability before fsync" (fc.scheduler). */
export const concurrencyPin = { seed: 1527188468, path: '0:0:0:0:0' } as const;
