// Planted bug: not fsyncing the directory after creating a segment, so a crash may lose the new
// segment's name, and with it records that were fsynced inside it.

import { afterEach, beforeEach, describe, it, vi } from 'vitest';
import type { Effect } from '../../../src/index.js';
import { catchPlantedBug } from './catch-planted-bug.js';
import { pins } from './pins.js';

vi.mock('../../../src/effect-runner.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/effect-runner.js')>();
  class SkipsDirFsyncAfterCreate extends actual.EffectRunner {
    #created = false;
    override run(effect: Effect): void {
      if (effect.kind === 'fsyncDir' && this.#created) {
        this.#created = false;
        return;
      }
      if (effect.kind === 'create') this.#created = true;
      super.run(effect);
    }
  }
  return { ...actual, EffectRunner: SkipsDirFsyncAfterCreate };
});

describe('planted bug: not fsyncing the directory after creating a segment', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] }));
  afterEach(() => vi.useRealTimers());

  it('the model-based suite finds it and reports seed, path and the shrunk commands', async () => {
    await catchPlantedBug('not fsyncing the directory after creating a segment', { policies: ['per-commit', 'group', 'none'] });
  });

  it('its pinned shrunk counterexample still fails with the bug planted', async () => {
    const pin = pins['not fsyncing the directory after creating a segment'];
    await catchPlantedBug('not fsyncing the directory after creating a segment', { policies: pin.policies, pinned: pin });
  });
});
