// The call a fault command aims its fault at, on the real WAL.

import { vi } from 'vitest';
import type { Caller, SyncingCall } from '../../model/index.js';
import { attempt, GROUP_INTERVAL_MS, type Observed, type RealBox } from './world.js';

export async function runSyncingCall(r: RealBox, call: SyncingCall, caller: Caller): Promise<Observed<void>> {
  switch (call) {
    case 'flush':
      return attempt(() => (caller === 'recorder' ? r.recorder.flush() : r.wal.flush()));
    case 'forceFsync':
      return attempt(() => (caller === 'recorder' ? r.recorder.forceFsync() : r.wal.forceFsync()));
    case 'groupSync':
      // The background flusher swallows its failure and latches it as poison.
      vi.advanceTimersByTime(GROUP_INTERVAL_MS);
      await r.wal.idle();
      return { ok: true, value: undefined };
  }
}

export function describeCall(call: SyncingCall, caller: Caller): string {
  return call === 'groupSync' ? 'groupSync' : `${caller}.${call}`;
}
