// The oracle's own frame arithmetic, written from docs/format.md and nothing else: the oracle
// must not share code with the codec it checks, so it never decodes bytes with src/. It only
// needs sizes, because it knows from the history which records each write carried.
//
//   segment := header frame*          header = 32 bytes
//   frame   := length u32 | crc32c u32 | body
//   body    := kind u8 | lsn u64 | payload
//   payload by kind: TxBegin (none) · Mutation txBeginLsn u64, event bytes
//                    MutationBatch txBeginLsn u64, count u32, (len u32, event bytes)*
//                    TxCommit / TxAbort txBeginLsn u64 · Checkpoint snapshotLsn u64

import { match } from 'ts-pattern';

export const ORACLE_SEGMENT_HEADER_BYTES = 32;
const FRAME_PREFIX_BYTES = 8;
const BODY_PREFIX_BYTES = 9;
const U64_BYTES = 8;
const U32_BYTES = 4;

export type HistoryRecordKind = 'TxBegin' | 'Mutation' | 'MutationBatch' | 'TxCommit' | 'TxAbort' | 'Checkpoint';

export function frameBytes(kind: HistoryRecordKind, events: readonly Uint8Array[]): number {
  const payload = match(kind)
    .with('TxBegin', () => 0)
    .with('Mutation', () => U64_BYTES + (events[0]?.length ?? 0))
    .with('MutationBatch', () => U64_BYTES + U32_BYTES + events.reduce((sum, e) => sum + U32_BYTES + e.length, 0))
    .with('TxCommit', 'TxAbort', 'Checkpoint', () => U64_BYTES)
    .exhaustive();
  return FRAME_PREFIX_BYTES + BODY_PREFIX_BYTES + payload;
}
