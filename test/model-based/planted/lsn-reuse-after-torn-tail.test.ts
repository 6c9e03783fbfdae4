// Planted bug: reusing LSNs after a torn tail. Replay reports the last intact LSN as the highest
// on disk, ignoring whole frames that survived after the torn one, so the reopened WAL hands out
// LSNs that a surviving frame already carries.

import { afterEach, beforeEach, describe, it, vi } from 'vitest';
import { catchPlantedBug } from './catch-planted-bug.js';
import { pins } from './pins.js';

vi.mock('../../../src/core/replay.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/core/replay.js')>();
  class IgnoresFramesAfterTear extends actual.Replayer {
    override finish() {
      const result = super.finish();
      if (!result.ok) return result;
      const lastIntact = result.value.segments.reduce((max, s) => Math.max(max, s.lastLsn ?? 0), 0);
      return { ...result, value: { ...result.value, maxLsn: lastIntact } };
    }
  }
  return { ...actual, Replayer: IgnoresFramesAfterTear };
});

describe('planted bug: reusing LSNs after a torn tail', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] }));
  afterEach(() => vi.useRealTimers());

  it('the model-based suite finds it and reports seed, path and the shrunk commands', async () => {
    await catchPlantedBug('reusing LSNs after a torn tail', { policies: ['per-commit', 'group', 'none'] });
  });

  it('its pinned shrunk counterexample still fails with the bug planted', async () => {
    const pin = pins['reusing LSNs after a torn tail'];
    await catchPlantedBug('reusing LSNs after a torn tail', { policies: pin.policies, pinned: pin });
  });
});
