// Planted bug: commit of an empty buffer writes records (the recorder hands [] instead of
// "nothing" to the WAL, which then writes TxBegin, an empty batch and TxCommit).

import { vi } from 'vitest';
import { describePlantedBug } from './catch-planted-bug.js';

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

describePlantedBug('commit of an empty buffer writes records', ['per-commit', 'group', 'none']);
