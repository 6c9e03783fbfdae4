// Planted bug: commit of an empty buffer writes records (the recorder hands [] instead of
// "nothing" to the WAL, which then writes TxBegin, an empty batch and TxCommit).

import { afterEach, beforeEach, describe, it, vi } from 'vitest';
import { catchPlantedBug } from './catch-planted-bug.js';
import { pins } from './pins.js';

vi.mock('../../../src/core/recorder.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/core/recorder.js')>();
  return {
    ...actual,
    commit: (state: Parameters<typeof actual.commit>[0]) => {
      const step = actual.commit(state);
      return step.ok && step.value === null ? { ...step, value: [] } : step;
    },
  };
});

describe('planted bug: commit of an empty buffer writes records', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] }));
  afterEach(() => vi.useRealTimers());

  it('the model-based suite finds it and reports seed, path and the shrunk commands', async () => {
    await catchPlantedBug('commit of an empty buffer writes records', { policies: ['per-commit', 'group', 'none'] });
  });

  it('its pinned shrunk counterexample still fails with the bug planted', async () => {
    const pin = pins['commit of an empty buffer writes records'];
    await catchPlantedBug('commit of an empty buffer writes records', { policies: pin.policies, pinned: pin });
  });
});
