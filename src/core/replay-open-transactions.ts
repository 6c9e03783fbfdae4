// The open-transaction table of replay: the events of every transaction begun and not yet
// committed or aborted, by begin LSN. Events are held until TxCommit releases them as one
// transaction; TxAbort drops them; whatever is still open when the log ends never committed and
// is dropped too (DESIGN.md "Replay").
//
// Transactions rarely interleave, so the most recently begun one lives in a slot of its own and
// most records touch only that slot, not the map. A transaction allocates no array until it has
// events: the usual TxBegin, MutationBatch, TxCommit adopts the batch's decoded array as it is,
// and copies it into an array of its own only if more events follow (a decoded array is never
// written to).

import { readU32 } from './le-bytes.js';
import type { Lsn, ReplayedTransaction } from './records.js';
import { BatchTransaction } from './replay-transaction.js';

/** The entries of one batch, left where replay read them (replay-transaction.ts). */
interface BatchRef {
  readonly bytes: Uint8Array;
  readonly entriesAt: number;
  readonly count: number;
}

/**
 * The events of one open transaction: adopted (read-only, someone else's) or owned (ours to
 * extend), or, while it has exactly one batch and nothing else, that batch left in place.
 */
interface OpenTransaction {
  events: readonly Uint8Array[];
  owned: Uint8Array[] | null;
  batch: BatchRef | null;
}

const NO_EVENTS: readonly Uint8Array[] = [];

export class OpenTransactions {
  private readonly older = new Map<Lsn, OpenTransaction>();
  private newestBeginLsn: Lsn = 0;
  private newest: OpenTransaction | null = null;

  isOpen(beginLsn: Lsn): boolean {
    return this.find(beginLsn) !== undefined;
  }

  /** Opens a transaction at `beginLsn`; the caller has checked that none is open there. */
  begin(beginLsn: Lsn): void {
    if (this.newest !== null) this.older.set(this.newestBeginLsn, this.newest);
    this.newestBeginLsn = beginLsn;
    this.newest = { events: NO_EVENTS, owned: null, batch: null };
  }

  /** Whether `beginLsn` is the newest open transaction (the one the next records most likely name). */
  isNewest(beginLsn: Lsn): boolean {
    // Stryker disable next-line EqualityOperator: `=== null` makes this false for every LSN replay asks about (begin LSNs are at least 1), which only sends every record down the general path
    return this.newest !== null && beginLsn === this.newestBeginLsn;
  }

  /**
   * Adds one batch's entries, left in place, to the transaction begun at `beginLsn`, which the
   * caller has checked is open (rule M5). The bytes must not change while the transaction is held.
   */
  addBatch(beginLsn: Lsn, bytes: Uint8Array, entriesAt: number, count: number): void {
    const open = this.find(beginLsn);
    // Stryker disable next-line ConditionalExpression,LogicalOperator: an empty batch held in place reads as no events, as none held does; `open` is a defence the caller's check makes unreachable
    if (open === undefined || count === 0) return;
    // Stryker disable next-line BlockStatement: a batch not held in place is copied into the events below, the same events at the cost of a copy
    if (open.events.length === 0 && open.batch === null) {
      open.batch = { bytes, entriesAt, count };
      return;
    }
    this.add(beginLsn, new BatchTransaction(0, 0, count, bytes, entriesAt).events);
  }

  /**
   * Adds events to the transaction begun at `beginLsn`, which the caller has checked is open (rule
   * M5). The array may be kept as it is (it is never written to), so the caller must not change it
   * afterwards.
   */
  add(beginLsn: Lsn, events: readonly Uint8Array[]): void {
    const open = this.find(beginLsn);
    // Stryker disable next-line ConditionalExpression,LogicalOperator: no events add nothing either way; `open` is a defence the caller's check makes unreachable
    if (open === undefined || events.length === 0) return;
    if (open.batch !== null) {
      // A second batch or a Mutation after the first batch: the events become an array of our own.
      open.owned = [...new BatchTransaction(0, 0, open.batch.count, open.batch.bytes, open.batch.entriesAt).events];
      open.events = open.owned;
      open.batch = null;
    }
    // Stryker disable next-line BlockStatement: adopting the array, or copying it into one of our own below, holds the same events
    if (open.events.length === 0) {
      open.events = events;
      return;
    }
    let owned = open.owned;
    // Stryker disable next-line ConditionalExpression: `true` copies an array already ours into another, the same events
    if (owned === null) {
      owned = open.events.slice();
      open.owned = owned;
      open.events = owned;
    }
    for (const event of events) owned.push(event);
  }

  /** Closes the transaction begun at `beginLsn` as committed at `commitLsn`; null when none is open. */
  commit(beginLsn: Lsn, commitLsn: Lsn): ReplayedTransaction | null {
    const open = this.take(beginLsn);
    if (open === undefined) return null;
    const batch = open.batch;
    if (batch !== null) return new BatchTransaction(beginLsn, commitLsn, batch.count, batch.bytes, batch.entriesAt);
    return { beginLsn, commitLsn, events: open.events, eventCount: open.events.length };
  }

  /** Drops the transaction begun at `beginLsn`, if one is open there. */
  abort(beginLsn: Lsn): void {
    this.take(beginLsn);
  }

  /** The begin LSNs and events of the transactions open now, oldest first. */
  entries(): [Lsn, readonly Uint8Array[]][] {
    const eventsOf = (open: OpenTransaction): readonly Uint8Array[] =>
      open.batch === null ? open.events : new BatchTransaction(0, 0, open.batch.count, open.batch.bytes, open.batch.entriesAt).events;
    const all: [Lsn, readonly Uint8Array[]][] = [...this.older].map(([beginLsn, open]) => [beginLsn, eventsOf(open)]);
    // Oldest first without sorting: a Map keeps insertion order, transactions move into `older` in
    // the order they began, and begin LSNs ascend (M4) and are unique (M2); the newest began last.
    if (this.newest !== null) all.push([this.newestBeginLsn, eventsOf(this.newest)]);
    return all;
  }

  /**
   * Copies every event an open transaction still holds in `buffer` into bytes of its own, so the
   * caller may overwrite `buffer` (a reader that reuses its read buffers: log-reader.ts). The
   * transactions keep the same events; only where they are stored changes.
   */
  detachFrom(buffer: ArrayBufferLike): void {
    if (this.newest !== null) detach(this.newest, buffer);
    for (const open of this.older.values()) detach(open, buffer);
  }

  /** The log ended, or replay failed: every transaction still open is dropped. */
  dropAll(): void {
    this.older.clear();
    this.newestBeginLsn = 0;
    this.newest = null;
  }

  private find(beginLsn: Lsn): OpenTransaction | undefined {
    if (this.newest !== null && beginLsn === this.newestBeginLsn) return this.newest;
    return this.older.get(beginLsn);
  }

  private take(beginLsn: Lsn): OpenTransaction | undefined {
    if (this.newest !== null && beginLsn === this.newestBeginLsn) {
      const open = this.newest;
      this.newest = null;
      this.newestBeginLsn = 0;
      return open;
    }
    const open = this.older.get(beginLsn);
    this.older.delete(beginLsn);
    return open;
  }
}

/** OpenTransactions.detachFrom for one transaction. */
function detach(open: OpenTransaction, buffer: ArrayBufferLike): void {
  const batch = open.batch;
  if (batch !== null && batch.bytes.buffer === buffer) {
    let end = batch.entriesAt;
    // Stryker disable next-line EqualityOperator: `<=` reads one length more and copies bytes after the batch too; its entries are read by count
    for (let i = 0; i < batch.count; i++) end += 4 + readU32(batch.bytes, end);
    open.batch = { bytes: batch.bytes.slice(batch.entriesAt, end), entriesAt: 0, count: batch.count };
  }
  if (open.events.some((event) => event.buffer === buffer)) {
    const owned = open.events.map((event) => (event.buffer === buffer ? event.slice() : event));
    open.owned = owned;
    open.events = owned;
  }
}
