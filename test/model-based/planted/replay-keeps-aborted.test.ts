// Planted bug, the replay side of "abort leaves events to be replayed": replay treats TxAbort as
// TxCommit, so an explicitly aborted transaction's events come back after recovery.

import { vi } from 'vitest';
import { describePlantedBug } from './catch-planted-bug.js';

vi.mock('../../../src/core/replay.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/core/replay.js')>();
  type OnRecord = (this: unknown, record: { readonly kind: string }, ...rest: unknown[]) => unknown;
  const applyRecord = (actual.Replayer.prototype as unknown as { onRecord: OnRecord }).onRecord;
  class ReplaysAborted extends actual.Replayer {}
  (ReplaysAborted.prototype as unknown as { onRecord: OnRecord }).onRecord = function (record, ...rest) {
    return applyRecord.call(this, record.kind === 'TxAbort' ? { ...record, kind: 'TxCommit' } : record, ...rest);
  };
  return { ...actual, Replayer: ReplaysAborted };
});

describePlantedBug('replay keeps the events of an aborted transaction', ['per-commit', 'group', 'none']);
