// Planted bug: replay releasing an uncommitted tail (transactions still open at the end of the
// log are handed to the host instead of being dropped).

import { vi } from 'vitest';
import { describePlantedBug } from './catch-planted-bug.js';

vi.mock('../../../src/core/replay-apply.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/core/replay-apply.js')>();
  // At the end of the log, transactions still open are released as if committed.
  class ReleasesUncommittedTail extends actual.ReplayApply {
    override endOfLog() {
      for (const [beginLsn, events] of this.transactions.entries()) this.onTransaction({ beginLsn, commitLsn: this.maxLsn, events: [...events], eventCount: events.length });
      super.endOfLog();
    }
  }
  return { ...actual, ReplayApply: ReleasesUncommittedTail };
});

describePlantedBug('replay releasing an uncommitted tail', ['per-commit', 'group', 'none']);
