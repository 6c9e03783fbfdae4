// Planted bug: reusing LSNs after a torn tail. Replay reports the last intact LSN as the highest
// on disk, ignoring whole frames that survived after the torn one, so the reopened WAL hands out
// LSNs that a surviving frame already carries.

import { vi } from 'vitest';
import { describePlantedBug } from './catch-planted-bug.js';

vi.mock('../../../src/core/replay-machine.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/core/replay-machine.js')>();
  class IgnoresFramesAfterTear extends actual.ReplayMachine {
    override finish() {
      const result = super.finish();
      if (!result.ok) return result;
      const lastIntact = result.value.segments.reduce((max, s) => Math.max(max, s.lastLsn ?? 0), 0);
      return { ...result, value: { ...result.value, maxLsn: lastIntact } };
    }
  }
  return { ...actual, ReplayMachine: IgnoresFramesAfterTear };
});

describePlantedBug('reusing LSNs after a torn tail', ['per-commit', 'group', 'none']);
