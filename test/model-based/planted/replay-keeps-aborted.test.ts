// Planted bug, the replay side of "abort leaves events to be replayed": replay treats TxAbort as
// TxCommit, so an explicitly aborted transaction's events come back after recovery.

import { vi } from 'vitest';
import type { WalRecord } from '../../../src/core/records.js';
import { describePlantedBug } from './catch-planted-bug.js';

vi.mock('../../../src/core/replay-apply.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/core/replay-apply.js')>();
  class ReplaysAborted extends actual.ReplayApply {
    override apply(record: WalRecord, offsetBytes: number, copyEvents: boolean) {
      return super.apply(record.kind === 'TxAbort' ? { ...record, kind: 'TxCommit' } : record, offsetBytes, copyEvents);
    }
  }
  return { ...actual, ReplayApply: ReplaysAborted };
});

describePlantedBug('replay keeps the events of an aborted transaction', ['per-commit', 'group', 'none']);
