// Planted bug (spec/MCWalRepairTruncates.cfg's RepairTruncates): open's repair of the active
// segment cuts the file back to its header and only then writes the frames again. Uninterrupted
// it leaves the same bytes; interrupted by a second power loss after the cut reached the disk and
// before the rewrite did, it loses records that were durable and acknowledged. Only the
// 'interrupted-recovery' profile (CrashDuringRecoverCommand) reaches it: a crash followed by a
// completed recovery cannot tell this repair from the real one.

import { vi } from 'vitest';
import type { Effect } from '../../../src/index.js';
import { SEGMENT_HEADER_BYTES } from '../../../src/core/format.js';
import { describePlantedBug } from './catch-planted-bug.js';

vi.mock('../../../src/effect-runner.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/effect-runner.js')>();
  class RepairTruncatesFirst extends actual.EffectRunner {
    override runNow(effect: Effect): void {
      // Only the repair writes from offset 0 more than a segment header: it rewrites the whole
      // active segment in place, a chunk at a time through runNow.
      if (effect.kind === 'write' && effect.offsetBytes === 0 && effect.data.length > SEGMENT_HEADER_BYTES) {
        super.runNow({ kind: 'truncate', file: effect.file, sizeBytes: SEGMENT_HEADER_BYTES });
      }
      super.runNow(effect);
    }
  }
  return { ...actual, EffectRunner: RepairTruncatesFirst };
});

describePlantedBug('repair cuts the active segment back before rewriting it', ['per-commit', 'group', 'none'], undefined, 'interrupted-recovery');
