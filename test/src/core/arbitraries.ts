// fast-check generators for records shared by the core tests.
import fc from 'fast-check';
import { LSN_MAX } from '../../../src/core/format.js';
import type { WalRecord } from '../../../src/core/records.js';

export const lsnArb = fc.oneof(
  fc.integer({ min: 1, max: 1000 }),
  fc.integer({ min: 1, max: LSN_MAX }),
  fc.constantFrom(1, 0xffff_ffff, 0x1_0000_0000, LSN_MAX),
);

export const eventArb = fc.uint8Array({ minLength: 0, maxLength: 64 });

export const recordArb: fc.Arbitrary<WalRecord> = fc.oneof(
  lsnArb.map((lsn): WalRecord => ({ kind: 'TxBegin', lsn })),
  fc.tuple(lsnArb, lsnArb, eventArb).map(([lsn, txBeginLsn, event]): WalRecord => ({ kind: 'Mutation', lsn, txBeginLsn, event })),
  fc
    .tuple(lsnArb, lsnArb, fc.array(eventArb, { maxLength: 6 }))
    .map(([lsn, txBeginLsn, events]): WalRecord => ({ kind: 'MutationBatch', lsn, txBeginLsn, events })),
  fc.tuple(lsnArb, lsnArb).map(([lsn, txBeginLsn]): WalRecord => ({ kind: 'TxCommit', lsn, txBeginLsn })),
  fc.tuple(lsnArb, lsnArb).map(([lsn, txBeginLsn]): WalRecord => ({ kind: 'TxAbort', lsn, txBeginLsn })),
  fc
    .tuple(lsnArb, fc.oneof(fc.constant(0), lsnArb))
    .map(([lsn, snapshotLsn]): WalRecord => ({ kind: 'Checkpoint', lsn, snapshotLsn })),
);

/** A record with its events copied into plain arrays, for deep equality across views. */
export function plain(record: WalRecord): unknown {
  switch (record.kind) {
    case 'Mutation':
      return { ...record, event: [...record.event] };
    case 'MutationBatch':
      return { ...record, events: record.events.map((e) => [...e]) };
    default:
      return { ...record };
  }
}
