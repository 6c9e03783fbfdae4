// Planted bug: retrying fsync after EIO and reporting success. The retry "succeeds" because the
// failed fsync left the pages clean (fsyncgate), so the WAL goes on as if the data were durable.

import { afterEach, beforeEach, describe, it, vi } from 'vitest';
import type { Effect } from '../../../src/index.js';
import { catchPlantedBug } from './catch-planted-bug.js';
import { pins } from './pins.js';

vi.mock('../../../src/effect-runner.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/effect-runner.js')>();
  class RetriesFsync extends actual.EffectRunner {
    override run(effect: Effect): void {
      try {
        super.run(effect);
      } catch (error) {
        if (effect.kind !== 'fsync') throw error;
        super.run(effect);
      }
    }
  }
  return { ...actual, EffectRunner: RetriesFsync };
});

describe('planted bug: retrying fsync after EIO and reporting success', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] }));
  afterEach(() => vi.useRealTimers());

  it('the model-based suite finds it and reports seed, path and the shrunk commands', async () => {
    await catchPlantedBug('retrying fsync after EIO and reporting success', { policies: ['per-commit', 'group', 'none'] });
  });

  it('its pinned shrunk counterexample still fails with the bug planted', async () => {
    const pin = pins['retrying fsync after EIO and reporting success'];
    await catchPlantedBug('retrying fsync after EIO and reporting success', { policies: pin.policies, pinned: pin });
  });
});
