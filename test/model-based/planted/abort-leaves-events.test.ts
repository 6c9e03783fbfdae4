// Planted bug: abort leaves the aborted query's events in the buffer (and arm does not clear it),
// so they are committed with the next query and replayed after recovery.

import { afterEach, beforeEach, describe, it, vi } from 'vitest';
import { catchPlantedBug } from './catch-planted-bug.js';
import { pins } from './pins.js';

vi.mock('../../../src/core/recorder.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/core/recorder.js')>();
  type State = Parameters<typeof actual.abort>[0];
  return {
    ...actual,
    abort: (state: State) => {
      const step = actual.abort(state);
      return step.ok ? { ...step, state: { ...step.state, buffer: state.buffer } } : step;
    },
    arm: (state: State) => {
      const step = actual.arm(state);
      return step.ok ? { ...step, state: { ...step.state, buffer: state.buffer } } : step;
    },
  };
});

describe('planted bug: abort leaves events to be replayed', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] }));
  afterEach(() => vi.useRealTimers());

  it('the model-based suite finds it and reports seed, path and the shrunk commands', async () => {
    await catchPlantedBug('abort leaves events to be replayed', { policies: ['per-commit', 'group', 'none'] });
  });

  it('its pinned shrunk counterexample still fails with the bug planted', async () => {
    const pin = pins['abort leaves events to be replayed'];
    await catchPlantedBug('abort leaves events to be replayed', { policies: pin.policies, pinned: pin });
  });
});
