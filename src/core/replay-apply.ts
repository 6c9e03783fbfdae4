// Applying records during replay: every record that decodes is first checked against the
// malformed-log rules (replay-rules.ts), then counted (its LSN), and then, above the checkpoint
// LSN, acted on: TxBegin opens a transaction in the open-transaction table, mutations add events
// to it, TxCommit releases it to the host, TxAbort drops it, a checkpoint marker is remembered.
// Records at or below the checkpoint LSN are already in the host's snapshot and are skipped after
// the order checks.

import { inflateRecord, type Inflate } from './codec.js';
import type { MalformedRule, Result, WalErrorInfo } from './errors.js';
import type { Lsn, ReplayedTransaction, WalRecord } from './records.js';
import { ReplayEventArena } from './replay-event-arena.js';
import { OpenTransactions } from './replay-open-transactions.js';
import { CONTENT_RULES, firstBroken, firstBrokenHeaderRule, ORDER_RULES, type RecordFacts } from './replay-rules.js';
import type { ReplaySkip } from './replay-skip.js';

const OK: Result<void> = { ok: true, value: undefined };

export class ReplayApply implements RecordFacts {
  protected readonly transactions = new OpenTransactions();
  private readonly arena = new ReplayEventArena();

  /** The highest LSN seen, counting whole frames found after a torn spot. */
  maxLsn = 0;
  previousLsn = 0;
  checkpointObserved: Lsn | null = null;
  segmentBaseLsn = 0;
  private previousBaseLsn = 0;
  // Stryker disable next-line StringLiteral: startSegment names the segment before any of its frames is applied, and only frames read the name
  private segmentName = '';
  firstLsnInSegment: Lsn | null = null;
  lastLsnInSegment: Lsn | null = null;

  constructor(
    private readonly checkpointLsn: Lsn,
    protected readonly onTransaction: (transaction: ReplayedTransaction) => void,
    private readonly inflate: Inflate | null = null,
    /** Under skip-corrupted: the skipped ranges, whose transactions are passed over (replay-skip.ts). */
    private readonly skips: ReplaySkip | null = null,
  ) {
    if (!Number.isSafeInteger(checkpointLsn) || checkpointLsn < 0) {
      throw new RangeError(`replay: checkpointLsn ${checkpointLsn} is not a non-negative safe integer`);
    }
  }

  isOpen(beginLsn: Lsn): boolean {
    return this.transactions.isOpen(beginLsn);
  }

  /** A new segment starts; its header is not read yet. */
  startSegment(name: string): void {
    this.segmentName = name;
    this.segmentBaseLsn = 0;
    this.firstLsnInSegment = null;
    this.lastLsnInSegment = null;
  }

  /** The segment's header decoded with `baseLsn`: checks the header rules, then takes it. */
  applyHeader(baseLsn: Lsn): Result<void> {
    const broken = firstBrokenHeaderRule({ baseLsn, previousBaseLsn: this.previousBaseLsn, previousLsn: this.previousLsn });
    if (broken !== null) return this.malformed(0, baseLsn, broken);
    this.segmentBaseLsn = baseLsn;
    this.previousBaseLsn = baseLsn;
    return OK;
  }

  /** Whole frames were found after a torn spot; their LSNs count, so none is ever reused. */
  noteLsnAfterTear(lsn: Lsn): void {
    // Stryker disable next-line EqualityOperator: at lsn === maxLsn, > and >= both leave maxLsn equal to lsn
    if (lsn > this.maxLsn) this.maxLsn = lsn;
  }

  /**
   * Applies one record found at `offsetBytes`. With `copyEvents`, events are copied out of the
   * bytes they were decoded from, so the caller may reuse those bytes.
   */
  apply(stored: WalRecord, offsetBytes: number, copyEvents: boolean): Result<void> {
    const lsn = stored.lsn;
    let record = stored;
    const disorder = firstBroken(ORDER_RULES[record.kind], record, this);
    if (disorder !== null) return this.malformed(offsetBytes, lsn, disorder);
    this.previousLsn = lsn;
    this.maxLsn = lsn;
    if (this.firstLsnInSegment === null) this.firstLsnInSegment = lsn;
    this.lastLsnInSegment = lsn;
    this.skips?.noteRecord(lsn);
    if (lsn <= this.checkpointLsn) {
      // Already in the host's snapshot. A checkpoint never splits a transaction (the host holds
      // its lock while taking one), so dropping such records outright is safe; ending their
      // transactions keeps the table from holding ones that began below the checkpoint LSN.
      // Stryker disable next-line all: no-op today: a TxBegin at or below the checkpoint LSN never enters the table, and by M4 an open one is above it and so above this record
      if (record.kind === 'TxCommit' || record.kind === 'TxAbort') this.transactions.abort(record.txBeginLsn);
      return OK;
    }
    if (this.skips !== null) {
      if ('txBeginLsn' in record && !this.transactions.isOpen(record.txBeginLsn) && this.skips.swallows(record.txBeginLsn)) return OK;
    }
    const broken = firstBroken(CONTENT_RULES[record.kind], record, this);
    if (broken !== null) return this.malformed(offsetBytes, lsn, broken);
    if ((record.kind === 'Mutation' || record.kind === 'MutationBatch') && record.stored !== undefined) {
      // A deflated payload: inflated now that it is replayed, into a buffer of its own (nothing to copy).
      if (this.inflate === null) throw new Error(`replay: ${this.segmentName} holds a deflated frame at offset ${offsetBytes}, and replay was given no inflate function`);
      const inflated = inflateRecord(record, this.inflate);
      if (inflated === 'bad-compressed-body') {
        return { ok: false, error: { code: 'Corruption', segment: this.segmentName, offsetBytes, lsn, cause: 'bad-compressed-body' } };
      }
      record = inflated;
      // Stryker disable next-line BooleanLiteral: copying the inflated events again gives equal events in other buffers
      copyEvents = false;
    }
    switch (record.kind) {
      case 'TxBegin':
        this.transactions.begin(lsn);
        break;
      case 'Mutation':
        this.transactions.add(record.txBeginLsn, [copyEvents ? this.arena.copy(record.event) : record.event]);
        break;
      case 'MutationBatch':
        this.transactions.add(record.txBeginLsn, copyEvents ? record.events.map((event) => this.arena.copy(event)) : record.events);
        break;
      case 'TxCommit': {
        const committed = this.transactions.commit(record.txBeginLsn, lsn);
        if (committed !== null) this.onTransaction(committed);
        break;
      }
      case 'TxAbort':
        this.transactions.abort(record.txBeginLsn);
        break;
      case 'Checkpoint':
        this.checkpointObserved = record.snapshotLsn;
        break;
    }
    return OK;
  }

  // ---- the hot path: replay-machine.ts's fast loop ----------------------------------------------
  // Each returns false, having changed nothing, unless the record keeps every malformed-log rule
  // in the plain way: LSN above the previous one (M4) and at or above the segment's base (M3),
  // and for a TxBegin above the checkpoint LSN, for a batch or commit naming the newest open
  // transaction (M5). A batch or commit of an open transaction is above the checkpoint LSN on its
  // own: its TxBegin was (no begin at or below it enters the table) and LSNs ascend (M4).
  // A TxBegin above every LSN read so far cannot repeat an open one (M2): every open transaction
  // began at or below the previous LSN. Anything else goes through apply(), which judges it by the
  // table. test/src/core/replay.fast-path.test.ts checks that both give the same outcome.

  /** A TxBegin on the hot path. */
  fastBegin(lsn: Lsn): boolean {
    // Stryker disable next-line ConditionalExpression: a TxBegin refused here goes through apply(), which judges it the same way (replay.fast-path.test.ts)
    if (lsn <= this.previousLsn || lsn < this.segmentBaseLsn || lsn <= this.checkpointLsn) return false;
    this.noteRecord(lsn);
    this.transactions.begin(lsn);
    return true;
  }

  /** A MutationBatch stored as it is, on the hot path: its `count` entries stay at bytes[entriesAt..]. */
  fastBatch(lsn: Lsn, txBeginLsn: Lsn, bytes: Uint8Array, entriesAt: number, count: number): boolean {
    if (lsn <= this.previousLsn || lsn < this.segmentBaseLsn || !this.transactions.isNewest(txBeginLsn)) return false;
    this.noteRecord(lsn);
    this.transactions.addBatch(txBeginLsn, bytes, entriesAt, count);
    return true;
  }

  /** A TxCommit on the hot path. */
  fastCommit(lsn: Lsn, txBeginLsn: Lsn): boolean {
    if (lsn <= this.previousLsn || lsn < this.segmentBaseLsn || !this.transactions.isNewest(txBeginLsn)) return false;
    this.noteRecord(lsn);
    const committed = this.transactions.commit(txBeginLsn, lsn);
    if (committed !== null) this.onTransaction(committed);
    return true;
  }

  private noteRecord(lsn: Lsn): void {
    this.previousLsn = lsn;
    this.maxLsn = lsn;
    if (this.firstLsnInSegment === null) this.firstLsnInSegment = lsn;
    this.lastLsnInSegment = lsn;
  }

  /** A damaged range was skipped: every transaction open now may have lost a record in it. Dropped, and returned. */
  dropOpen(): Lsn[] {
    const open = this.transactions.entries().map(([beginLsn]) => beginLsn);
    this.transactions.dropAll();
    return open;
  }

  /** The open transactions' events held in `buffer` are copied out of it (OpenTransactions.detachFrom). */
  detachFrom(buffer: ArrayBufferLike): void {
    this.transactions.detachFrom(buffer);
  }

  /** The log ended (or replay failed): transactions still open never committed. Dropped. */
  endOfLog(): void {
    this.transactions.dropAll();
  }

  private malformed(offsetBytes: number, lsn: Lsn, broken: { readonly rule: MalformedRule; readonly detail: string }): Result<never> {
    const error: WalErrorInfo = { code: 'Malformed', segment: this.segmentName, offsetBytes, lsn, rule: broken.rule, detail: broken.detail };
    return { ok: false, error };
  }
}
