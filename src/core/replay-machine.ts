// The replay machine: the phase machine of one forward sweep over the segments, fed in chunks of
// any size (replay-driver.ts feeds it for replay(), replayStream() and the shell's sweepLog()).
// Memory is bounded by the open transactions' events plus one chunk plus one frame that
// straddles two chunks.
//
// Per segment it reads the header, then frames, and after a torn spot scans the rest for whole
// frames. What it does on each finding is the decision table (replay-decision.ts). Its other
// parts each have a file of their own: the chunk carry (replay-carry.ts), applying records under
// the malformed-log rules (replay-apply.ts, replay-rules.ts) to the open-transaction table
// (replay-open-transactions.ts), and the torn spot with the scan behind it (replay-tear.ts).
// This machine is the default policy's column of the table; replay-policy-machine.ts extends it
// with the columns of the other recovery policies.

import { decodeFrame, decodeRecordAt, readU32 } from './codec.js';
import type { DecodeFailureCause, HeaderFailureCause, Result, WalErrorInfo } from './errors.js';
import { FRAME_HEADER_BYTES, SEGMENT_HEADER_BYTES } from './format.js';
import type { Lsn } from './records.js';
import { ReplayApply } from './replay-apply.js';
import { ReplayCarry } from './replay-carry.js';
import { classifyHeaderFailure, decideRecovery, framesAfterDecides, type Finding, type RecoveryAction, type SegmentRole } from './replay-decision.js';
import type { ReplayMachineOptions, ReplaySegment, ReplaySummary, SegmentStart, TornTail } from './replay-outcome.js';
import type { ReplayPhase as Phase } from './replay-phase.js';
import type { ReplaySkip } from './replay-skip.js';
import { ReplayTear, type Tear } from './replay-tear.js';
import { decodeSegmentHeader } from './segment-header.js';


const OK: Result<void> = { ok: true, value: undefined };

export class ReplayMachine {
  private readonly copyEvents: boolean;
  protected readonly records: ReplayApply;
  protected readonly carry = new ReplayCarry();

  // The sweep across segments.
  protected phase: Phase = 'between-segments';
  private failure: WalErrorInfo | null = null;
  private lastSegmentId = 0;
  protected tornTail: TornTail | null = null;
  private readonly segments: ReplaySegment[] = [];

  // The current segment.
  protected segment: SegmentStart = { name: '', id: 0, last: false };
  protected role: SegmentRole = 'sealed';
  /** Bytes of the segment fed so far: the absolute offset of the next chunk's first byte. */
  protected segmentOffset = 0;
  protected torn: ReplayTear | null = null;

  constructor(options: ReplayMachineOptions, skips: ReplaySkip | null = null) {
    this.copyEvents = options.copyEvents;
    this.records = new ReplayApply(options.checkpointLsn, options.onTransaction, skips);
  }

  /** Starts the next segment. Segments come in ascending id order; the last one says so. */
  beginSegment(segment: SegmentStart): Result<void> {
    if (this.phase === 'failed') return this.failed();
    if (this.phase !== 'between-segments') throw new Error(`replay: beginSegment ${segment.name} while ${this.phase}`);
    if (!Number.isSafeInteger(segment.id) || segment.id <= this.lastSegmentId)
      throw new Error(`replay: segment ids must ascend (${segment.id} after ${this.lastSegmentId})`);
    this.lastSegmentId = segment.id;
    this.segment = segment;
    this.role = segment.last ? 'active' : 'sealed';
    this.records.startSegment(segment.name);
    this.segmentOffset = 0;
    this.carry.start(0);
    this.torn = null;
    this.phase = 'header';
    return OK;
  }

  /** Feeds the segment's next bytes. Committed transactions are emitted before it returns. */
  push(chunk: Uint8Array): Result<void> {
    const start = this.segmentOffset;
    this.segmentOffset += chunk.length;
    switch (this.phase) {
      case 'failed':
        return this.failed();
      case 'scanning':
        return this.scan(chunk);
      case 'header':
        return this.pushHeader(chunk, start);
      case 'frames':
        return this.pushFrames(chunk, start);
      default:
        throw new Error(`replay: push while ${this.phase}`);
    }
  }

  /** The segment's bytes have all been fed. */
  endSegment(): Result<void> {
    switch (this.phase) {
      case 'failed':
        return this.failed();
      case 'header': {
        // Fewer bytes than a header: the finding is a short header, with nothing after it.
        const header = this.onHeader(this.carry.view());
        if (!header.ok || (this.phase as Phase) === 'scanning') return header.ok ? this.endScan() : header;
        this.carry.clear();
        return this.endSegment();
      }
      case 'frames': {
        if (this.carry.sizeBytes === 0) {
          const action = decideRecovery('segment-end', this.role, 'none');
          if (action !== 'next-segment') return this.unexpected(action, 'segment-end');
          this.closeSegment(this.segmentOffset, this.records.segmentBaseLsn);
          this.phase = 'between-segments';
          return OK;
        }
        const cut = this.carry.cutShort();
        const failed = this.onUndecodable(cut.offsetBytes, cut.cause, cut.rest);
        return failed.ok ? this.endSegment() : failed;
      }
      case 'scanning':
        return this.endScan();
      default:
        throw new Error(`replay: endSegment while ${this.phase}`);
    }
  }

  /** Ends the sweep and returns everything but the transactions, which were already emitted. */
  finish(): Result<ReplaySummary> {
    if (this.phase === 'failed') return this.failed();
    if (this.phase !== 'between-segments' && this.phase !== 'stopped') throw new Error(`replay: finish while ${this.phase}`);
    this.phase = 'finished';
    this.records.endOfLog();
    const { maxLsn, checkpointObserved } = this.records;
    return { ok: true, value: { maxLsn, tornTail: this.tornTail, checkpointObserved, segments: this.segments } };
  }

  // ---- the header ------------------------------------------------------------------------------

  protected pushHeader(chunk: Uint8Array, start: number): Result<void> {
    const position = this.carry.take(chunk, 0, SEGMENT_HEADER_BYTES - this.carry.sizeBytes);
    if (this.carry.sizeBytes < SEGMENT_HEADER_BYTES) return OK;
    const header = this.onHeader(this.carry.view());
    this.carry.clear();
    if (!header.ok) return header;
    // A torn header: everything after it goes to the scan.
    if (this.phase !== 'frames') return this.scan(chunk.subarray(position));
    return this.readFrames(chunk, position, start);
  }

  /** Decodes the header and decides: read frames after it, or scan to decide about a torn one. */
  protected onHeader(bytes: Uint8Array): Result<void> {
    const decoded = decodeSegmentHeader(bytes, this.segment.id);
    if (decoded.ok) {
      const action = decideRecovery('header-valid', this.role, 'none');
      if (action !== 'read-frames') return this.unexpected(action, 'header-valid');
      const taken = this.records.applyHeader(decoded.header.baseLsn);
      if (!taken.ok) return this.fail(taken.error);
      this.phase = 'frames';
      return OK;
    }
    const finding = classifyHeaderFailure(decoded.cause);
    // Whether frames follow decides between a torn creation and a damaged header: scan first.
    if (framesAfterDecides(finding, this.role)) return this.startScan({ at: 'header', cause: decoded.cause }, new Uint8Array(0));
    return this.failHeader(decideRecovery(finding, this.role, 'none'), finding, decoded.cause);
  }

  protected failHeader(action: RecoveryAction, finding: Finding, cause: HeaderFailureCause): Result<void> {
    if (action === 'stop-torn-creation') return OK;
    if (action !== 'fail-bad-header') return this.unexpected(action, finding);
    return this.fail({ code: 'BadSegmentHeader', segment: this.segment.name, cause });
  }

  // ---- frames ----------------------------------------------------------------------------------

  protected pushFrames(chunk: Uint8Array, start: number): Result<void> {
    if (this.carry.sizeBytes === 0) return this.readFrames(chunk, 0, start);
    const carried = this.carry.completeFrame(chunk);
    switch (carried.kind) {
      case 'incomplete':
        return OK;
      case 'bad-length':
        return this.failCarried('bad-length', this.carry.copy(1), chunk.subarray(carried.position));
      case 'frame': {
        const decoded = decodeFrame(carried.frame, 0);
        if (!decoded.ok) return this.failCarried(decoded.cause, carried.frame.subarray(1), chunk.subarray(carried.position));
        const applied = this.passOn(this.records.apply(decoded.record, this.carry.offsetBytes, false));
        if (!applied.ok) return applied;
        return this.readFrames(chunk, carried.position, start);
      }
    }
  }

  /** A carried frame that fails: the scan after it starts at its second byte. */
  private failCarried(cause: DecodeFailureCause, carriedRest: Uint8Array, chunkRest: Uint8Array): Result<void> {
    this.carry.clear();
    const failed = this.onUndecodable(this.carry.offsetBytes, cause, carriedRest);
    if (!failed.ok) return failed;
    return this.scan(chunkRest);
  }

  /** Decodes whole frames in chunk from position (chunk starts at segment offset `start`). */
  protected readFrames(chunk: Uint8Array, position: number, start: number): Result<void> {
    let at = position;
    while (at < chunk.length) {
      const decoded = decodeRecordAt(chunk, at);
      if (typeof decoded !== 'string') {
        const applied = this.passOn(this.records.apply(decoded, start + at, this.copyEvents));
        if (!applied.ok) return applied;
        at += FRAME_HEADER_BYTES + readU32(chunk, at);
        continue;
      }
      if (decoded === 'truncated-frame-header' || decoded === 'truncated-body') {
        // The frame continues in the next chunk (or the segment ends here, which endSegment sees).
        this.carry.start(start + at);
        this.carry.take(chunk, at, chunk.length - at);
        return OK;
      }
      return this.onUndecodable(start + at, decoded, chunk.subarray(at + 1));
    }
    return OK;
  }

  /** Bytes that do not decode at `offsetBytes`; `after` are the bytes behind its first byte already read. */
  protected onUndecodable(offsetBytes: number, cause: DecodeFailureCause, after: Uint8Array): Result<void> {
    const action = decideRecovery('frame-undecodable', this.role, 'none');
    switch (action) {
      case 'fail-corruption': {
        const lsn = this.records.previousLsn === 0 ? null : this.records.previousLsn;
        return this.fail({ code: 'Corruption', segment: this.segment.name, offsetBytes, lsn, cause });
      }
      case 'stop-torn-tail':
        return this.startScan({ at: 'frame', offsetBytes, cause }, after);
      default:
        return this.unexpected(action, 'frame-undecodable');
    }
  }

  // ---- the scan behind a torn spot -------------------------------------------------------------

  protected startScan(tear: Tear, after: Uint8Array): Result<void> {
    this.torn = new ReplayTear(tear);
    this.phase = 'scanning';
    return this.scan(after);
  }

  protected scan(bytes: Uint8Array): Result<void> {
    const torn = this.torn;
    if (torn === null) throw new Error('replay: scanning without a torn spot');
    torn.push(bytes);
    // Frames after a torn header settle the decision now; no need to read further.
    if (torn.tear.at === 'header' && torn.framesAfter() === 'some') return this.decideTornHeader(torn.tear.cause, 'some');
    return OK;
  }

  protected endScan(): Result<void> {
    const torn = this.torn;
    if (torn === null) throw new Error('replay: endScan without a torn spot');
    const found = torn.finish();
    this.records.noteLsnAfterTear(found.maxLsn);
    if (torn.tear.at === 'header') {
      const decided = this.decideTornHeader(torn.tear.cause, found.framesAfter);
      if (!decided.ok) return decided;
    }
    this.tornTail = torn.report(this.segment, this.segmentOffset);
    // A torn header gets the base LSN the shell must write: above everything seen.
    this.closeSegment(torn.offsetBytes, torn.tear.at === 'header' ? this.records.maxLsn + 1 : this.records.segmentBaseLsn);
    this.phase = 'stopped';
    return OK;
  }

  protected decideTornHeader(cause: HeaderFailureCause, framesAfter: 'none' | 'some'): Result<void> {
    return this.failHeader(decideRecovery('header-torn', this.role, framesAfter), 'header-torn', cause);
  }

  protected closeSegment(validBytes: number, baseLsn: Lsn): void {
    const { firstLsnInSegment: firstLsn, lastLsnInSegment: lastLsn } = this.records;
    this.segments.push({ name: this.segment.name, id: this.segment.id, baseLsn, validBytes, firstLsn, lastLsn });
  }

  // ---- failures --------------------------------------------------------------------------------

  /** Passes a record's result on, recording its failure. */
  private passOn(result: Result<void>): Result<void> {
    return result.ok ? result : this.fail(result.error);
  }

  protected fail(error: WalErrorInfo): Result<never> {
    this.phase = 'failed';
    this.failure = error;
    this.records.endOfLog();
    return { ok: false, error };
  }

  private failed(): Result<never> {
    if (this.failure === null) throw new Error('replay: failed without a failure');
    return { ok: false, error: this.failure };
  }

  protected unexpected(action: RecoveryAction, finding: Finding): never {
    throw new Error(`replay: the decision table chose ${action} for ${finding} in a ${this.role} segment, which replay cannot do there`);
  }
}
