// Planted bug: not fsyncing the directory after creating a segment, so a crash may lose the new
// segment's name, and with it records that were fsynced inside it.

import { vi } from 'vitest';
import type { Effect } from '../../../src/index.js';
import { describePlantedBug } from './catch-planted-bug.js';

vi.mock('../../../src/effect-runner.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/effect-runner.js')>();
  class SkipsDirFsyncAfterCreate extends actual.EffectRunner {
    #created = false;
    override async run(effect: Effect): Promise<void> {
      if (effect.kind === 'fsyncDir' && this.#created) {
        this.#created = false;
        return;
      }
      if (effect.kind === 'create') this.#created = true;
      await super.run(effect);
    }
  }
  return { ...actual, EffectRunner: SkipsDirFsyncAfterCreate };
});

describePlantedBug('not fsyncing the directory after creating a segment', ['per-commit', 'group', 'none']);
