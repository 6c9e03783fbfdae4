// Planted bug: abort leaves the aborted query's events in the buffer (and arm does not clear it),
// so they are committed with the next query and replayed after recovery.

import { vi } from 'vitest';
import { describePlantedBug } from './catch-planted-bug.js';

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

describePlantedBug('abort leaves events to be replayed', ['per-commit', 'group', 'none']);
