// The replay machine: one forward sweep over the segments, fed in chunks of any size. Both forms
// of replay run on it: `replay()` feeds each segment as one chunk, `replayStream()` feeds chunks
// as they are read, so there is one logic for recovery. Memory is bounded by the open
// transactions' events plus one chunk plus one frame that straddles two chunks.
//
// Per segment it reads the header, then frames. What it does on each finding comes from the
// decision table in replay-decision.ts; what a record may contain comes from the malformed-log
// rules below (DESIGN.md "Replay"). Events of a transaction are held until its TxCommit, dropped on
// TxAbort, and dropped when the log ends with the transaction still open.

import { decodeFrame, decodeRecordAt, readU32 } from './codec.js';
import type { DecodeFailureCause, HeaderFailureCause, MalformedRule, Result, WalErrorInfo } from './errors.js';
import { FRAME_BODY_BYTES_MAX, FRAME_BODY_BYTES_MIN, FRAME_HEADER_BYTES, SEGMENT_HEADER_BYTES } from './format.js';
import type { Lsn, ReplayedTransaction, WalRecord } from './records.js';
import {
  classifyHeaderFailure,
  decideRecovery,
  framesAfterDecides,
  type Finding,
  type RecoveryAction,
  type SegmentRole,
} from './replay-decision.js';
import type { ReplaySegment, ReplaySummary, TornTail } from './replay-outcome.js';
import { EventArena } from './replay-event-arena.js';
import { FrameScanner } from './replay-scan.js';
import { decodeSegmentHeader } from './segment-header.js';

export interface ReplayerOptions {
  /** Records at or below it are in the host's snapshot: checked for order, then skipped. */
  readonly checkpointLsn: Lsn;
  /**
   * Copy each event out of the chunk it was decoded from. Needed when the caller reuses chunk
   * buffers, and to keep a long transaction from pinning every chunk it spans; not needed when
   * the bytes outlive the replay (the array form passes whole segments and shares them).
   */
  readonly copyEvents: boolean;
  /** Called once per committed transaction, in commit order, as soon as its TxCommit is read. */
  readonly onTransaction: (transaction: ReplayedTransaction) => void;
}

export interface SegmentStart {
  readonly name: string;
  readonly id: number;
  /** True for the newest segment, the only one a crash can have left half-written. */
  readonly last: boolean;
}

type Phase =
  | 'between-segments' // before the first segment or after one ended cleanly
  | 'header' // collecting the first SEGMENT_HEADER_BYTES of a segment
  | 'frames' // reading frames
  | 'scan-after-tear' // a torn tail was found; scanning the rest for whole frames
  | 'scan-after-torn-header' // the active segment's header is torn; scanning for frames after it
  | 'stopped' // the sweep ended at a torn spot; the log has nothing more to give
  | 'finished'
  | 'failed';

const OK: Result<void> = { ok: true, value: undefined };
const CARRY_INITIAL_BYTES = 64;
const CARRY_KEPT_BYTES_MAX = 1024 * 1024;

/**
 * The events of an open transaction that has none yet. Shared and never written: the first
 * events replace it, so a transaction allocates no array until it has something to hold (and
 * the usual TxBegin, MutationBatch, TxCommit adopts the batch's own decoded array).
 */
const NO_EVENTS: Uint8Array[] = [];

export class Replayer {
  private readonly checkpointLsn: Lsn;
  private readonly copyEvents: boolean;
  private readonly onTransaction: (transaction: ReplayedTransaction) => void;
  private readonly arena = new EventArena();

  // State of the sweep across segments.
  private phase: Phase = 'between-segments';
  private failure: WalErrorInfo | null = null;
  /**
   * Open transactions by begin LSN. The most recently begun one lives in the two fields after the
   * map instead: transactions rarely interleave, so most records touch only that slot.
   */
  private readonly pending = new Map<Lsn, Uint8Array[]>();
  private newestBeginLsn: Lsn = 0;
  private newestEvents: Uint8Array[] | null = null;
  private maxLsn = 0;
  private lastLsn = 0;
  private lastBaseLsn = 0;
  private lastSegmentId = 0;
  private checkpointObserved: Lsn | null = null;
  private tornTail: TornTail | null = null;
  private readonly segments: ReplaySegment[] = [];

  // State of the current segment.
  private segment: SegmentStart = { name: '', id: 0, last: false };
  private role: SegmentRole = 'sealed';
  /** The decision table's action for a frame that decodes, looked up once per segment. */
  private validFrameAction: RecoveryAction = 'apply-record';
  private baseLsn = 0;
  private firstLsnInSegment: Lsn | null = null;
  private lastLsnInSegment: Lsn | null = null;
  /** Bytes of the segment fed so far: the absolute offset of the next chunk's first byte. */
  private segmentOffset = 0;
  /** A header or frame split across chunks: its first carryBytes bytes, starting at carryOffset. */
  private carry = new Uint8Array(CARRY_INITIAL_BYTES);
  private carryBytes = 0;
  private carryOffset = 0;
  private scanner: FrameScanner | null = null;
  private tear: { readonly offsetBytes: number; readonly cause: DecodeFailureCause | HeaderFailureCause } | null = null;

  constructor(options: ReplayerOptions) {
    if (!Number.isSafeInteger(options.checkpointLsn) || options.checkpointLsn < 0) {
      throw new RangeError(`replay: checkpointLsn ${options.checkpointLsn} is not a non-negative safe integer`);
    }
    this.checkpointLsn = options.checkpointLsn;
    this.copyEvents = options.copyEvents;
    this.onTransaction = options.onTransaction;
  }

  /** Starts the next segment. Segments come in ascending id order; the last one says so. */
  beginSegment(segment: SegmentStart): Result<void> {
    if (this.phase === 'failed') return this.failed();
    if (this.phase !== 'between-segments') throw new Error(`replay: beginSegment ${segment.name} while ${this.phase}`);
    if (!Number.isSafeInteger(segment.id) || segment.id <= this.lastSegmentId) {
      throw new Error(`replay: segment ids must ascend (${segment.id} after ${this.lastSegmentId})`);
    }
    this.lastSegmentId = segment.id;
    this.segment = segment;
    this.role = segment.last ? 'active' : 'sealed';
    this.validFrameAction = decideRecovery('frame-valid', this.role, 'none');
    this.baseLsn = 0;
    this.firstLsnInSegment = null;
    this.lastLsnInSegment = null;
    this.segmentOffset = 0;
    this.carryBytes = 0;
    this.carryOffset = 0;
    this.scanner = null;
    this.tear = null;
    this.phase = 'header';
    return OK;
  }

  /** Feeds the segment's next bytes. Committed transactions are emitted before it returns. */
  push(chunk: Uint8Array): Result<void> {
    switch (this.phase) {
      case 'failed':
        return this.failed();
      case 'header':
      case 'frames':
        break;
      case 'scan-after-tear':
      case 'scan-after-torn-header':
        this.segmentOffset += chunk.length;
        return this.feedScanner(chunk);
      default:
        throw new Error(`replay: push while ${this.phase}`);
    }
    let position = 0;
    if (this.phase === 'header') {
      position = this.takeIntoCarry(chunk, 0, SEGMENT_HEADER_BYTES - this.carryBytes);
      if (this.carryBytes < SEGMENT_HEADER_BYTES) {
        this.segmentOffset += chunk.length;
        return OK;
      }
      this.carryBytes = 0;
      const header = this.onHeader(this.carry.subarray(0, SEGMENT_HEADER_BYTES));
      if (!header.ok) return header;
      if ((this.phase as Phase) !== 'frames') {
        // A torn header: everything after it goes to the scan.
        this.segmentOffset += chunk.length;
        return this.feedScanner(chunk.subarray(position));
      }
    } else if (this.carryBytes > 0) {
      const carried = this.completeCarriedFrame(chunk);
      if (!carried.ok) return carried;
      position = carried.value;
      if (this.carryBytes > 0 || this.phase !== 'frames') {
        this.segmentOffset += chunk.length;
        return this.phase === 'frames' ? OK : this.feedScanner(chunk.subarray(position));
      }
    }
    const consumed = this.readFrames(chunk, position);
    this.segmentOffset += chunk.length;
    if (!consumed.ok) return consumed;
    if (this.phase !== 'frames') return this.feedScanner(chunk.subarray(consumed.value));
    return OK;
  }

  /** The segment's bytes have all been fed. */
  endSegment(): Result<void> {
    switch (this.phase) {
      case 'failed':
        return this.failed();
      case 'header': {
        // Fewer bytes than a header: the finding is a short header, with nothing after it.
        const header = this.onHeader(this.carry.subarray(0, this.carryBytes));
        if (!header.ok) return header;
        break;
      }
      case 'frames':
        if (this.carryBytes > 0) {
          // The bytes ended inside a frame: decode what there is to name the cause.
          const partial = this.carry.slice(0, this.carryBytes);
          const decoded = decodeFrame(partial, 0);
          const cause: DecodeFailureCause = decoded.ok ? 'truncated-body' : decoded.cause;
          this.carryBytes = 0;
          const failed = this.onUndecodable(this.carryOffset, cause);
          if (!failed.ok) return failed;
          this.scanner?.push(partial.subarray(1));
        } else {
          const action = decideRecovery('segment-end', this.role, 'none');
          if (action !== 'next-segment') return this.unexpected(action, 'segment-end');
          this.closeSegment(this.segmentOffset);
          this.phase = 'between-segments';
          return OK;
        }
        break;
      case 'scan-after-tear':
      case 'scan-after-torn-header':
        break;
      default:
        throw new Error(`replay: endSegment while ${this.phase}`);
    }
    return this.endScan();
  }

  /** Ends the sweep and returns everything but the transactions, which were already emitted. */
  finish(): Result<ReplaySummary> {
    if (this.phase === 'failed') return this.failed();
    if (this.phase !== 'between-segments' && this.phase !== 'stopped') throw new Error(`replay: finish while ${this.phase}`);
    this.phase = 'finished';
    // Transactions still pending never committed (or aborted): a crash mid-transaction. Dropped.
    this.forgetOpenTransactions();
    return {
      ok: true,
      value: {
        maxLsn: this.maxLsn,
        tornTail: this.tornTail,
        checkpointObserved: this.checkpointObserved,
        segments: this.segments,
      },
    };
  }

  // ---- headers -------------------------------------------------------------------------------

  private onHeader(bytes: Uint8Array): Result<void> {
    const decoded = decodeSegmentHeader(bytes, this.segment.id);
    if (decoded.ok) {
      const action = decideRecovery('header-valid', this.role, 'none');
      if (action !== 'read-frames') return this.unexpected(action, 'header-valid');
      const base = decoded.header.baseLsn;
      if (this.lastBaseLsn !== 0 && base <= this.lastBaseLsn) {
        return this.malformed(0, base, 'segment-base-not-increasing', `base LSN ${base} is not above the previous segment's base ${this.lastBaseLsn}`);
      }
      if (this.lastLsn !== 0 && base <= this.lastLsn) {
        return this.malformed(0, base, 'segment-base-not-increasing', `base LSN ${base} is not above the previous record's LSN ${this.lastLsn}`);
      }
      this.baseLsn = base;
      this.lastBaseLsn = base;
      this.phase = 'frames';
      return OK;
    }
    const finding = classifyHeaderFailure(decoded.cause);
    if (framesAfterDecides(finding, this.role)) {
      // Whether frames follow decides between a torn creation and a damaged header: scan first.
      this.tear = { offsetBytes: 0, cause: decoded.cause };
      this.scanner = new FrameScanner();
      this.phase = 'scan-after-torn-header';
      return OK;
    }
    return this.act(decideRecovery(finding, this.role, 'none'), finding, 0, decoded.cause);
  }

  // ---- frames --------------------------------------------------------------------------------

  /** Decodes whole frames in chunk from position; returns where the undecoded rest starts. */
  private readFrames(chunk: Uint8Array, position: number): Result<number> {
    let at = position;
    while (at < chunk.length) {
      const decoded = decodeRecordAt(chunk, at);
      if (typeof decoded !== 'string') {
        const applied = this.onRecord(decoded, this.segmentOffset + at, this.copyEvents);
        if (!applied.ok) return applied;
        at += FRAME_HEADER_BYTES + readU32(chunk, at);
        continue;
      }
      if (decoded === 'truncated-frame-header' || decoded === 'truncated-body') {
        // The frame continues in the next chunk (or the segment ends here, which endSegment sees).
        this.carryOffset = this.segmentOffset + at;
        this.carryBytes = 0;
        this.takeIntoCarry(chunk, at, chunk.length - at);
        return { ok: true, value: chunk.length };
      }
      const failed = this.onUndecodable(this.segmentOffset + at, decoded);
      if (!failed.ok) return failed;
      return { ok: true, value: at + 1 };
    }
    return { ok: true, value: chunk.length };
  }

  /**
   * Completes the frame carried over from earlier chunks with bytes from this one. Returns the
   * position in chunk after the bytes it took.
   */
  private completeCarriedFrame(chunk: Uint8Array): Result<number> {
    let position = 0;
    if (this.carryBytes < FRAME_HEADER_BYTES) {
      position = this.takeIntoCarry(chunk, position, FRAME_HEADER_BYTES - this.carryBytes);
      if (this.carryBytes < FRAME_HEADER_BYTES) return { ok: true, value: position };
    }
    const bodyBytes = readU32(this.carry, 0);
    if (bodyBytes < FRAME_BODY_BYTES_MIN || bodyBytes > FRAME_BODY_BYTES_MAX) {
      return this.failCarried('bad-length', position);
    }
    const frameBytes = FRAME_HEADER_BYTES + bodyBytes;
    position = this.takeIntoCarry(chunk, position, frameBytes - this.carryBytes);
    if (this.carryBytes < frameBytes) return { ok: true, value: position };
    // The frame gets its own buffer: its events may be kept as views without pinning the carry.
    const frame = this.carry.slice(0, frameBytes);
    this.carryBytes = 0;
    // A carry grown for one large frame is let go, so it does not hold that memory to the end.
    if (this.carry.length > CARRY_KEPT_BYTES_MAX) this.carry = new Uint8Array(CARRY_INITIAL_BYTES);
    const decoded = decodeFrame(frame, 0);
    if (!decoded.ok) {
      this.carryBytes = frameBytes;
      return this.failCarried(decoded.cause, position);
    }
    const applied = this.onRecord(decoded.record, this.carryOffset, false);
    if (!applied.ok) return applied;
    return { ok: true, value: position };
  }

  /** A carried frame that fails: the scan after it starts at its second byte. */
  private failCarried(cause: DecodeFailureCause, position: number): Result<number> {
    const carried = this.carry.slice(1, this.carryBytes);
    this.carryBytes = 0;
    const failed = this.onUndecodable(this.carryOffset, cause);
    if (!failed.ok) return failed;
    this.scanner?.push(carried);
    return { ok: true, value: position };
  }

  /** Appends up to `wanted` bytes of chunk (from position) to the carry; returns the new position. */
  private takeIntoCarry(chunk: Uint8Array, position: number, wanted: number): number {
    const take = Math.min(wanted, chunk.length - position);
    if (take <= 0) return position;
    const needed = this.carryBytes + take;
    if (needed > this.carry.length) {
      const grown = new Uint8Array(Math.max(needed, this.carry.length * 2));
      grown.set(this.carry.subarray(0, this.carryBytes));
      this.carry = grown;
    }
    this.carry.set(chunk.subarray(position, position + take), this.carryBytes);
    this.carryBytes = needed;
    return position + take;
  }

  private onUndecodable(offsetBytes: number, cause: DecodeFailureCause): Result<void> {
    return this.act(decideRecovery('frame-undecodable', this.role, 'none'), 'frame-undecodable', offsetBytes, cause);
  }

  // ---- the decision table's actions ---------------------------------------------------------

  private act(action: RecoveryAction, finding: Finding, offsetBytes: number, cause: DecodeFailureCause | HeaderFailureCause): Result<void> {
    switch (action) {
      case 'fail-bad-header':
        return this.fail({ code: 'BadSegmentHeader', segment: this.segment.name, cause: cause as HeaderFailureCause });
      case 'fail-corruption':
        return this.fail({
          code: 'Corruption',
          segment: this.segment.name,
          offsetBytes,
          lsn: this.lastLsn === 0 ? null : this.lastLsn,
          cause: cause as DecodeFailureCause,
        });
      case 'stop-torn-tail':
        this.tear = { offsetBytes, cause };
        this.scanner = new FrameScanner();
        this.phase = 'scan-after-tear';
        return OK;
      case 'stop-torn-creation':
      case 'read-frames':
      case 'apply-record':
      case 'next-segment':
        return this.unexpected(action, finding);
    }
  }

  private feedScanner(bytes: Uint8Array): Result<void> {
    const scanner = this.scanner;
    if (scanner === null) throw new Error('replay: scanning without a scanner');
    scanner.push(bytes);
    if (this.phase === 'scan-after-torn-header' && scanner.framesFound > 0) {
      // Frames after the header settle the decision now; no need to read further.
      return this.decideTornHeader('some');
    }
    return OK;
  }

  private endScan(): Result<void> {
    const scanner = this.scanner;
    const tear = this.tear;
    if (scanner === null || tear === null) throw new Error('replay: endScan without a tear');
    scanner.finish();
    if (scanner.maxLsn > this.maxLsn) this.maxLsn = scanner.maxLsn;
    const framesAfter = scanner.framesFound > 0 ? 'some' : 'none';
    if (this.phase === 'scan-after-torn-header') {
      const decided = this.decideTornHeader(framesAfter);
      if (!decided.ok) return decided;
    }
    const headerTorn = this.phase === 'scan-after-torn-header';
    this.tornTail = {
      segment: this.segment.name,
      segmentId: this.segment.id,
      offsetBytes: tear.offsetBytes,
      droppedBytes: this.segmentOffset - tear.offsetBytes,
      cause: tear.cause,
      validFramesAfter: framesAfter === 'some',
      headerTorn,
    };
    if (headerTorn) this.baseLsn = this.maxLsn + 1;
    this.closeSegment(tear.offsetBytes);
    this.phase = 'stopped';
    return OK;
  }

  private decideTornHeader(framesAfter: 'none' | 'some'): Result<void> {
    const tear = this.tear;
    if (tear === null) throw new Error('replay: torn header without a tear');
    const action = decideRecovery('header-torn', this.role, framesAfter);
    if (action === 'stop-torn-creation') return OK;
    return this.act(action, 'header-torn', 0, tear.cause);
  }

  private closeSegment(validBytes: number): void {
    this.segments.push({
      name: this.segment.name,
      id: this.segment.id,
      baseLsn: this.baseLsn,
      validBytes,
      firstLsn: this.firstLsnInSegment,
      lastLsn: this.lastLsnInSegment,
    });
  }

  // ---- records and the malformed-log rules ---------------------------------------------------

  private onRecord(record: WalRecord, offsetBytes: number, copyEvents: boolean): Result<void> {
    if (this.validFrameAction !== 'apply-record') return this.unexpected(this.validFrameAction, 'frame-valid');
    const lsn = record.lsn;
    if (record.kind === 'TxBegin' && this.openEvents(lsn) !== undefined) {
      return this.malformed(offsetBytes, lsn, 'duplicate-tx-begin', `TxBegin ${lsn} is already open`);
    }
    if (lsn < this.baseLsn) {
      return this.malformed(offsetBytes, lsn, 'lsn-below-segment-base', `LSN ${lsn} is below the segment's base LSN ${this.baseLsn}`);
    }
    if (lsn <= this.lastLsn) {
      return this.malformed(offsetBytes, lsn, 'lsn-not-increasing', `LSN ${lsn} is not above the previous LSN ${this.lastLsn}`);
    }
    this.lastLsn = lsn;
    this.maxLsn = lsn;
    if (this.firstLsnInSegment === null) this.firstLsnInSegment = lsn;
    this.lastLsnInSegment = lsn;
    if (lsn <= this.checkpointLsn) {
      // Already in the host's snapshot. A checkpoint never splits a transaction (the host holds
      // its lock while taking one), so dropping such records outright is safe; ending their
      // transactions keeps the pending map from holding ones that began below the fence.
      if (record.kind === 'TxCommit' || record.kind === 'TxAbort') this.closeTransaction(record.txBeginLsn);
      return OK;
    }
    switch (record.kind) {
      case 'TxBegin':
        if (this.newestEvents !== null) this.pending.set(this.newestBeginLsn, this.newestEvents);
        this.newestBeginLsn = lsn;
        this.newestEvents = NO_EVENTS;
        return OK;
      case 'Mutation': {
        const events = this.openEvents(record.txBeginLsn);
        if (events === undefined) return this.missingBegin(record, offsetBytes);
        const event = copyEvents ? this.arena.copy(record.event) : record.event;
        if (events === NO_EVENTS) this.replaceEvents(record.txBeginLsn, [event]);
        else events.push(event);
        return OK;
      }
      case 'MutationBatch': {
        const events = this.openEvents(record.txBeginLsn);
        if (events === undefined) return this.missingBegin(record, offsetBytes);
        // The decoded array is fresh and ours alone, so it is reused rather than copied.
        const batch = record.events as Uint8Array[];
        if (copyEvents) for (let i = 0; i < batch.length; i++) batch[i] = this.arena.copy(batch[i]!);
        if (events === NO_EVENTS) this.replaceEvents(record.txBeginLsn, batch);
        else for (let i = 0; i < batch.length; i++) events.push(batch[i]!);
        return OK;
      }
      case 'TxCommit': {
        const events = this.openEvents(record.txBeginLsn);
        if (events === undefined) return this.missingBegin(record, offsetBytes);
        this.closeTransaction(record.txBeginLsn);
        this.onTransaction({ beginLsn: record.txBeginLsn, commitLsn: lsn, events: events === NO_EVENTS ? [] : events });
        return OK;
      }
      case 'TxAbort':
        if (!this.closeTransaction(record.txBeginLsn)) return this.missingBegin(record, offsetBytes);
        return OK;
      case 'Checkpoint':
        if (record.snapshotLsn > lsn) {
          return this.malformed(offsetBytes, lsn, 'checkpoint-points-forward', `snapshot LSN ${record.snapshotLsn} is above the marker's own LSN ${lsn}`);
        }
        if (this.checkpointObserved !== null && record.snapshotLsn < this.checkpointObserved) {
          return this.malformed(
            offsetBytes,
            lsn,
            'checkpoint-regressed',
            `snapshot LSN ${record.snapshotLsn} is below the previous marker's ${this.checkpointObserved}`,
          );
        }
        this.checkpointObserved = record.snapshotLsn;
        return OK;
    }
  }

  private openEvents(beginLsn: Lsn): Uint8Array[] | undefined {
    if (beginLsn === this.newestBeginLsn && this.newestEvents !== null) return this.newestEvents;
    return this.pending.get(beginLsn);
  }

  private replaceEvents(beginLsn: Lsn, events: Uint8Array[]): void {
    if (beginLsn === this.newestBeginLsn && this.newestEvents !== null) this.newestEvents = events;
    else this.pending.set(beginLsn, events);
  }

  /** Forgets an open transaction; false when none was open under that begin LSN. */
  private closeTransaction(beginLsn: Lsn): boolean {
    if (beginLsn === this.newestBeginLsn && this.newestEvents !== null) {
      this.newestBeginLsn = 0;
      this.newestEvents = null;
      return true;
    }
    return this.pending.delete(beginLsn);
  }

  private forgetOpenTransactions(): void {
    this.pending.clear();
    this.newestBeginLsn = 0;
    this.newestEvents = null;
  }

  private missingBegin(record: WalRecord & { readonly txBeginLsn: Lsn }, offsetBytes: number): Result<void> {
    return this.malformed(offsetBytes, record.lsn, 'missing-tx-begin', `${record.kind} names TxBegin ${record.txBeginLsn}, which is not open`);
  }

  private malformed(offsetBytes: number, lsn: Lsn, rule: MalformedRule, detail: string): Result<never> {
    return this.fail({ code: 'Malformed', segment: this.segment.name, offsetBytes, lsn, rule, detail });
  }

  private fail(error: WalErrorInfo): Result<never> {
    this.phase = 'failed';
    this.failure = error;
    this.forgetOpenTransactions();
    return { ok: false, error };
  }

  private failed(): Result<never> {
    if (this.failure === null) throw new Error('replay: failed without a failure');
    return { ok: false, error: this.failure };
  }

  private unexpected(action: RecoveryAction, finding: Finding): never {
    throw new Error(`replay: the decision table chose ${action} for ${finding} in a ${this.role} segment, which replay cannot do there`);
  }
}
