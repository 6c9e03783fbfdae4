// src/core/replay-skip.ts: the ledger of skip-corrupted's skipped ranges, on its own. Which
// transactions a range may have damaged, and what the report says of each range.
import { describe, expect, it } from 'vitest';
import { ReplaySkip } from '../../../src/core/replay-skip.js';

const segment = { name: '00000000000000000002.wal', id: 2 };

describe('ReplaySkip', () => {
  it('a range before any good record reports no LSN before it (null, not 0), and swallows every transaction begun before the next good record', () => {
    const skip = new ReplaySkip();
    skip.begin(segment, 44, 'bad-checksum', 0, []);
    skip.end(90);
    expect(skip.swallows(1)).toBe(true);
    skip.noteRecord(5);
    expect(skip.swallows(4)).toBe(true);
    expect(skip.swallows(5)).toBe(false);
    expect(skip.report()).toEqual([{ segment: segment.name, segmentId: 2, offsetBytes: 44, endOffsetBytes: 90, cause: 'bad-checksum', afterLsn: null, beforeLsn: 5, droppedTransactions: [1, 4] }]);
  });

  it('a range after good records swallows only the transactions open at its start or begun between its LSN bounds', () => {
    const skip = new ReplaySkip();
    skip.begin(segment, 200, 'bad-length', 12, [9, 3]);
    skip.end(260);
    skip.noteRecord(15);
    skip.noteRecord(16); // only the first record after the range bounds it
    expect(skip.swallows(12)).toBe(false);
    expect(skip.swallows(13)).toBe(true);
    expect(skip.swallows(15)).toBe(false);
    expect(skip.swallows(9)).toBe(true);
    expect(skip.report()[0]).toMatchObject({ afterLsn: 12, beforeLsn: 15, droppedTransactions: [3, 9, 13] });
  });

  it('a range with no good record after it swallows every later transaction; cancelled ranges leave the report', () => {
    const skip = new ReplaySkip();
    skip.begin(segment, 100, 'bad-checksum', 7, []);
    expect(skip.swallows(1_000)).toBe(true);
    expect(skip.cancelLast()).toMatchObject({ cause: 'bad-checksum' });
    expect(skip.report()).toEqual([]);
    skip.begin(segment, 100, 'bad-checksum', 7, []);
    skip.begin({ name: '00000000000000000003.wal', id: 3 }, 44, 'truncated-header', 7, []);
    skip.cancelSegment(segment.name);
    expect(skip.report().map((r) => r.segmentId)).toEqual([3]);
  });
});
