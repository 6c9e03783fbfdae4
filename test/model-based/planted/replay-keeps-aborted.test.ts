// Planted bug, the replay side of "abort leaves events to be replayed": replay treats TxAbort as
// TxCommit, so an explicitly aborted transaction's events come back after recovery.

import { afterEach, beforeEach, describe, it, vi } from 'vitest';
import { catchPlantedBug } from './catch-planted-bug.js';
import { pins } from './pins.js';

vi.mock('../../../src/core/replay.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/core/replay.js')>();
  type OnRecord = (this: unknown, record: { readonly kind: string }, ...rest: unknown[]) => unknown;
  const applyRecord = (actual.Replayer.prototype as unknown as { onRecord: OnRecord }).onRecord;
  class ReplaysAborted extends actual.Replayer {}
  (ReplaysAborted.prototype as unknown as { onRecord: OnRecord }).onRecord = function (record, ...rest) {
    return applyRecord.call(this, record.kind === 'TxAbort' ? { ...record, kind: 'TxCommit' } : record, ...rest);
  };
  return { ...actual, Replayer: ReplaysAborted };
});

describe('planted bug: replay keeps the events of an aborted transaction', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] }));
  afterEach(() => vi.useRealTimers());

  it('the model-based suite finds it and reports seed, path and the shrunk commands', async () => {
    await catchPlantedBug('replay keeps the events of an aborted transaction', { policies: ['per-commit', 'group', 'none'] });
  });

  it('its pinned shrunk counterexample still fails with the bug planted', async () => {
    const pin = pins['replay keeps the events of an aborted transaction'];
    await catchPlantedBug('replay keeps the events of an aborted transaction', { policies: pin.policies, pinned: pin });
  });
});
