// Planted bug: retrying fsync after EIO and reporting success. The retry "succeeds" because the
// failed fsync left the pages clean (fsyncgate), so the WAL goes on as if the data were durable.

import { vi } from 'vitest';
import type { Effect } from '../../../src/index.js';
import { describePlantedBug } from './catch-planted-bug.js';

vi.mock('../../../src/effect-runner.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/effect-runner.js')>();
  class RetriesFsync extends actual.EffectRunner {
    override async run(effect: Effect): Promise<void> {
      try {
        await super.run(effect);
      } catch (error) {
        if (effect.kind !== 'fsync') throw error;
        await super.run(effect);
      }
    }
  }
  return { ...actual, EffectRunner: RetriesFsync };
});

describePlantedBug('retrying fsync after EIO and reporting success', ['per-commit', 'group', 'none']);
