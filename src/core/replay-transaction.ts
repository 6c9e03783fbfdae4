// The committed transactions replay hands out. The usual transaction (TxBegin, one
// MutationBatch, TxCommit: what the recorder and writeTransaction write) is handed out as a
// BatchTransaction: its events stay where the batch's entries are in the bytes replay read, and
// become an array of views only when `events` is first read. Replay of a large log thus allocates
// two small objects per transaction instead of one view per event, and a host that takes the
// events one at a time (`event(i)`) or only counts them (`eventCount`) never pays for the array.

import { readU32 } from './codec.js';
import type { Lsn, ReplayedTransaction } from './records.js';

/**
 * A transaction whose events are the entries of one batch: `count` entries of `length u32` and
 * bytes, from `bytes[entriesAt]` to `bytes[end]`, already checked to fill that range exactly. The
 * bytes must not change while the transaction is held (replay hands out views of fresh buffers,
 * or of the segments it was given).
 */
export class BatchTransaction implements ReplayedTransaction {
  #events: readonly Uint8Array[] | null = null;

  constructor(
    readonly beginLsn: Lsn,
    readonly commitLsn: Lsn,
    readonly eventCount: number,
    private readonly bytes: Uint8Array,
    private readonly entriesAt: number,
  ) {}

  /** The events, as views into the bytes replay read (built on first use, then kept). */
  get events(): readonly Uint8Array[] {
    if (this.#events === null) {
      // Stryker disable next-line ArrayDeclaration: an array not sized ahead is filled to the same length by the loop
      const events: Uint8Array[] = new Array<Uint8Array>(this.eventCount);
      let at = this.entriesAt;
      for (let i = 0; i < this.eventCount; i++) {
        const length = readU32(this.bytes, at);
        events[i] = this.bytes.subarray(at + 4, at + 4 + length);
        at += 4 + length;
      }
      this.#events = events;
    }
    return this.#events;
  }

  /** Event `index` as a view, without building the whole array. */
  event(index: number): Uint8Array {
    if (this.#events !== null) return this.#events[index] ?? noEvent(index, this.eventCount);
    if (!Number.isInteger(index) || index < 0 || index >= this.eventCount) noEvent(index, this.eventCount);
    let at = this.entriesAt;
    for (let i = 0; i < index; i++) at += 4 + readU32(this.bytes, at);
    return this.bytes.subarray(at + 4, at + 4 + readU32(this.bytes, at));
  }

  /** Plain data for JSON and for deep comparison: the events as an array. */
  toJSON(): { beginLsn: Lsn; commitLsn: Lsn; events: readonly Uint8Array[]; eventCount: number } {
    return { beginLsn: this.beginLsn, commitLsn: this.commitLsn, events: this.events, eventCount: this.eventCount };
  }
}

function noEvent(index: number, count: number): never {
  throw new RangeError(`replay: event ${index} of a transaction with ${count} events`);
}

/**
 * The entries of a batch body: `count u32` at `countAt`, then exactly `count` entries up to `end`.
 * Returns the count, or -1 when they do not fill the range exactly (the frame is then bad-body).
 * Reads lengths only; allocates nothing.
 */
export function checkedEntryCount(bytes: Uint8Array, countAt: number, end: number): number {
  // Stryker disable next-line ArithmeticOperator: `end + countAt < 4` never holds; the count test below then fails a range under 4 bytes by itself (any count is above a negative room)
  if (end - countAt < 4) return -1;
  const count = readU32(bytes, countAt);
  // Stryker disable next-line ArithmeticOperator: a looser bound only lets the loop below fail the count, since every entry takes at least 4 bytes of the range
  if (count > (end - countAt - 4) / 4) return -1;
  // An entry that runs past `end` leaves `at` past it, which the next entry's length test or the
  // final test refuses; the length test itself only keeps every read inside the range.
  let at = countAt + 4;
  for (let i = 0; i < count; i++) {
    // Stryker disable next-line ArithmeticOperator: `end + at < 4` never holds, and without the test a read past `end` still moves `at` at least 4 bytes past it, which the final test refuses
    if (end - at < 4) return -1;
    at += 4 + readU32(bytes, at);
  }
  return at === end ? count : -1;
}
