// Replay's hot path (replay-machine.ts readFrames calls it first on a v2 segment): the usual
// frames of a live log, a TxBegin, a MutationBatch stored as it is and a TxCommit, taken without a
// record object or an event view (ReplayApply's fast*, replay-transaction.ts). Anything else, and
// any frame that breaks a rule, is left to the general path, which judges it by the table;
// test/src/core/replay.fast-path.test.ts checks that both decide alike.

import { readU32, readU64Safe } from './codec.js';
import { crc32cOfRange } from './crc32c.js';
import { FRAME_BODY_BYTES_MAX, FRAME_BODY_BYTES_MIN, FRAME_HEADER_BYTES, RecordKind } from './format.js';
import type { ReplayApply } from './replay-apply.js';
import { checkedEntryCount } from './replay-transaction.js';

/**
 * The hot path: consumes the live frames from `at` on that are a TxBegin, a MutationBatch stored
 * as it is or a TxCommit, each keeping every rule in the plain way (ReplayApply's fast*), with
 * no record object and no event view made; returns where it stopped: the chunk's end, or a frame
 * the general path must look at (anything else, a frame cut by the chunk, the end of the live
 * frames). The checks are decodeRecordAt's, in its order, for those kinds of a v2 segment.
 */
export function fastFrames(chunk: Uint8Array, from: number, salt: number, records: ReplayApply): number {
  const n = chunk.length;
  let at = from;
  for (;;) {
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: a header that does not fit before n puts the body's start past n, so the `end > n` check below returns `at` too
    if (at + FRAME_HEADER_BYTES > n) return at;
    const bodyBytes = readU32(chunk, at);
    const body = at + FRAME_HEADER_BYTES;
    const end = body + bodyBytes;
    // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator: shortcuts before the checksum: a body too short fails its kind's size check below, one too long or running past the chunk fails the checksum (read past n, the bytes count as zeros), and a frame ending exactly at n is read whole either way
    if (bodyBytes < FRAME_BODY_BYTES_MIN || bodyBytes > FRAME_BODY_BYTES_MAX || end > n) return at;
    if (crc32cOfRange(chunk, at + 8, end, crc32cOfRange(chunk, at, at + 4)) !== readU32(chunk, at + 4) || readU32(chunk, at + 8) !== salt) return at;
    const tag = chunk[body];
    const lsn = readU64Safe(chunk, body + 1);
    if (tag === RecordKind.TxBegin) {
      // Stryker disable next-line ConditionalExpression,EqualityOperator: `lsn < 1` is a defence: fastBegin refuses an LSN at or below the previous LSN and the checkpoint LSN, both at least 0
      if (bodyBytes !== FRAME_BODY_BYTES_MIN || lsn < 1 || !records.fastBegin(lsn)) return at;
    } else if (tag === RecordKind.MutationBatch) {
      const txBeginLsn = readU64Safe(chunk, body + 9);
      const count = checkedEntryCount(chunk, body + 17, end);
      if (count < 0 || lsn < 1 || txBeginLsn < 1 || !records.fastBatch(lsn, txBeginLsn, chunk, body + 21, count)) return at;
    } else if (tag === RecordKind.TxCommit) {
      const txBeginLsn = readU64Safe(chunk, body + 9);
      if (bodyBytes !== 17 || lsn < 1 || txBeginLsn < 1 || !records.fastCommit(lsn, txBeginLsn)) return at;
    } else {
      return at;
    }
    at = end;
  }
}
