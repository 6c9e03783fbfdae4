// Planted bug: replay releasing an uncommitted tail (transactions still open at the end of the
// log are handed to the host instead of being dropped).

import { vi } from 'vitest';
import type { ReplayedTransaction } from '../../../src/index.js';
import { describePlantedBug } from './catch-planted-bug.js';

vi.mock('../../../src/core/replay.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/core/replay.js')>();
  interface Internals {
    segment: { readonly last: boolean };
    pending: Map<number, Uint8Array[]>;
    newestBeginLsn: number;
    newestEvents: Uint8Array[] | null;
    maxLsn: number;
    onTransaction: (transaction: ReplayedTransaction) => void;
  }
  // At the end of the last segment, transactions still open are released as if committed.
  class ReleasesUncommittedTail extends actual.Replayer {
    override endSegment() {
      const result = super.endSegment();
      const self = this as unknown as Internals;
      if (result.ok && self.segment.last) {
        const open = new Map(self.pending);
        if (self.newestEvents !== null) open.set(self.newestBeginLsn, self.newestEvents);
        for (const [beginLsn, events] of open) self.onTransaction({ beginLsn, commitLsn: self.maxLsn, events: [...events] });
        self.pending.clear();
        self.newestEvents = null;
      }
      return result;
    }
  }
  return { ...actual, Replayer: ReleasesUncommittedTail };
});

describePlantedBug('replay releasing an uncommitted tail', ['per-commit', 'group', 'none']);
