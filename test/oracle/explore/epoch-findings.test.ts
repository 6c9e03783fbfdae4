// oracle/explore/epoch-findings.ts: OneEpochInv and EpochDurabilityInv on hand-made epochs, each
// finding with the words a report shows.
import { describe, expect, it } from 'vitest';
import { epochFindings } from '../../../oracle/explore/epoch-findings.js';
import type { ExploreHistory, HistoryEpoch } from '../../../oracle/explore/explore-history.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const first: HistoryEpoch = { epoch: 1, lsn: 5, snapshot: bytes('one'), renameOp: 10, returnedAtOp: 12 };
const second: HistoryEpoch = { epoch: 2, lsn: 9, snapshot: bytes('two'), renameOp: 20, returnedAtOp: 22 };
const history = { epochs: [first, second] } as unknown as ExploreHistory;
const got = (lsn: number, text: string | null, error: string | null = null) => ({ snapshot: { lsn, bytes: text === null ? null : bytes(text), error } });

describe('epoch findings', () => {
  it('finds nothing when recovery returns the epoch the crash state holds, whole, and no older than the acknowledged one', () => {
    expect(epochFindings(history, { held: second, acknowledged: first }, got(9, 'two'))).toEqual([]);
    expect(epochFindings(history, { held: null, acknowledged: null }, { snapshot: null })).toEqual([]);
    // Nothing to check: no epochs at this crash, or recovery reported no snapshot field.
    expect(epochFindings(history, undefined, got(1, 'x'))).toEqual([]);
    expect(epochFindings(history, { held: first, acknowledged: first }, {})).toEqual([]);
  });

  it('OneEpochInv: another epoch, a torn snapshot, an unreadable one, or one where none is held', () => {
    const one = (observed: Parameters<typeof epochFindings>[2], held: HistoryEpoch | null = second) =>
      epochFindings(history, { held, acknowledged: null }, observed).filter((f) => f.property === 'OneEpochInv');
    expect(one(got(5, 'one'))).toEqual([
      { property: 'OneEpochInv', message: 'recovery returned the snapshot at LSN 5, but the crash state holds the snapshot at LSN 9', expected: 'the snapshot at LSN 9', replayed: 'the snapshot at LSN 5' },
    ]);
    expect(one(got(9, 'tw'))[0]?.message).toBe('recovery returned the snapshot at LSN 9, but the crash state holds the snapshot at LSN 9');
    expect(one(got(9, null, 'checksum mismatch'))[0]?.replayed).toBe('the snapshot at LSN 9, unreadable (checksum mismatch)');
    expect(one(got(9, null))[0]?.replayed).toBe('the snapshot at LSN 9, unreadable (?)');
    expect(one({ snapshot: null })[0]).toMatchObject({ message: 'recovery returned no snapshot, but the crash state holds the snapshot at LSN 9', replayed: 'no snapshot' });
    expect(one(got(5, 'one'), null)[0]).toMatchObject({ expected: 'no snapshot' });
  });

  it('EpochDurabilityInv: an epoch older than the one whose checkpoint had returned', () => {
    const durable = (observed: Parameters<typeof epochFindings>[2]) =>
      epochFindings(history, { held: second, acknowledged: second }, observed).filter((f) => f.property === 'EpochDurabilityInv');
    expect(durable(got(5, 'one'))).toEqual([
      { property: 'EpochDurabilityInv', message: 'the checkpoint at LSN 9 had returned, but recovery returned the snapshot at LSN 5', expected: 'the snapshot at LSN 9', replayed: 'LSN 5' },
    ]);
    expect(durable({ snapshot: null })[0]).toMatchObject({ message: 'the checkpoint at LSN 9 had returned, but recovery returned no snapshot', replayed: 'no snapshot' });
    expect(durable(got(9, 'two'))).toEqual([]);
  });
});
