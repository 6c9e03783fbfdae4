// The state of a WAL opened on an empty directory.

import type { ModelState, SyncPolicy } from './state.js';

export function initialState(policy: SyncPolicy = 'per-commit'): ModelState {
  return {
    policy,
    recorder: { armed: false, buffer: [], poisoned: null },
    walPoisoned: null,
    log: [],
    writtenCount: 0,
    attemptedCount: 0,
    syncedCount: 0,
    durableLsn: 0,
    openedAtLsn: 0,
    nextLsn: 1,
    checkpointLsn: 0,
    lastSnapshotLsn: null,
    committed: [],
    aborted: [],
    down: null,
    recoveries: [],
  };
}
