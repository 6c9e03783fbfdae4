// Planted bug: the salt not checked. A test-only variant of src/core's codec (vi.mock) whose
// decoders take a frame's own salt for the segment's, so a whole frame of an earlier life of a
// reused file decodes as a record. The real codec has no switch. On a workload that frees
// segments with truncateUpTo and reuses them, crash-sim's explore then finds crash states whose
// recovery reads the previous life's frames (or refuses the log): the suite goes red.
import { describe, expect, it, vi } from 'vitest';
import type { WorkloadStep } from '../../oracle/explore/workload.js';
import { explore, violationText, workload } from './helpers.js';

const planted = { saltNotChecked: false };

vi.mock('../../src/core/codec.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/core/codec.js')>();
  /** The salt the frame at `offset` carries, when its prefix is there: the bug takes it for the segment's. */
  const saltOf = (bytes: Uint8Array, offset: number, salt: number): number =>
    planted.saltNotChecked && salt !== 0 && offset + 12 <= bytes.length && original.readU32(bytes, offset + 8) !== 0 ? original.readU32(bytes, offset + 8) : salt;
  return {
    ...original,
    decodeRecordAt: (bytes: Uint8Array, offset: number, salt: number) => original.decodeRecordAt(bytes, offset, saltOf(bytes, offset, salt)),
    decodeFrame: (bytes: Uint8Array, offset: number, salt: number) => original.decodeFrame(bytes, offset, saltOf(bytes, offset, salt)),
  };
});

// Segments of 96 bytes hold about one transaction; truncation keeps two freed ones for reuse, and
// the transactions after it rotate into them.
const steps: WorkloadStep[] = [
  ...['a', 'b', 'c', 'd'].flatMap((e): WorkloadStep[] => [{ tx: [e] }, { flush: true }]),
  { truncateUpTo: 'lastCommit' },
  ...['e', 'f', 'g'].flatMap((e): WorkloadStep[] => [{ tx: [e] }, { flush: true }]),
];
const reuse = workload(steps, { sectorBytes: 16, ordered: true, safeAppend: true }, { segmentTargetBytes: 96 });

describe('planted bug: the salt not checked', () => {
  it('the mocked codec is faithful while no bug is planted: no violation, and a freed segment is reused', async () => {
    planted.saltNotChecked = false;
    const result = await explore(reuse, { details: 100_000 });
    expect(violationText(result)).toBe('');
    expect(result.details.map((d) => d.survival).join('\n')).toMatch(/rename \/wal\/\d{20}\.free -> \/wal\/\d{20}\.wal persisted/);
  });

  it('SaltNotCheckedIsCaught: recovery after a crash into a reused segment reads its previous life, and the oracle reports it', async () => {
    planted.saltNotChecked = true;
    let result;
    try {
      result = await explore(reuse);
    } finally {
      planted.saltNotChecked = false;
    }
    expect(result.violationCount).toBeGreaterThan(0);
    expect(violationText(result)).toMatch(/lsn-below-segment-base|lsn-not-increasing|which no session committed/);
  });
});
