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
// Under a recovery policy other than the default, the decision table's column for it may also
// fail on a torn tail (absolute), cut the log at the first damage (point-in-time, replay-cut.ts),
// or skip to the next whole frame (skip-corrupted: replay-resync.ts finds it, replay-skip.ts keeps
// the ranges and the transactions they drop).

import { decodeFrame, decodeRecordAt, readU32 } from './codec.js';
import type { DecodeFailureCause, HeaderFailureCause, RecoveryPolicy, Result, WalErrorInfo } from './errors.js';
import { FRAME_HEADER_BYTES, SEGMENT_HEADER_BYTES } from './format.js';
import type { Lsn } from './records.js';
import { RecordApplier } from './replay-apply.js';
import { ChunkCarry } from './replay-carry.js';
import { LogCut } from './replay-cut.js';
import { classifyHeaderFailure, decideRecovery, framesAfterDecides, type Finding, type RecoveryAction, type SegmentRole } from './replay-decision.js';
import type { ReplayerOptions, ReplaySegment, ReplaySummary, SegmentStart, TornTail } from './replay-outcome.js';
import { FrameResync, type ResyncResult } from './replay-resync.js';
import { SkipLedger } from './replay-skip.js';
import { TornSpot, type Tear } from './replay-tear.js';
import { decodeSegmentHeader } from './segment-header.js';

type Phase =
  | 'between-segments' // before the first segment or after one ended cleanly
  | 'header' // collecting the first SEGMENT_HEADER_BYTES of a segment
  | 'frames' // reading frames
  | 'scanning' // at a torn spot (the torn field): scanning the rest of the segment for whole frames
  | 'stopped' // the sweep ended at a torn spot; the log has nothing more to give
  | 'resync' // skip-corrupted: skipping damaged bytes up to the next whole frame
  | 'cut' // point-in-time: the log was cut; the rest is read only to count its LSNs
  | 'finished'
  | 'failed';

const OK: Result<void> = { ok: true, value: undefined };

export class Replayer {
  private readonly copyEvents: boolean;
  private readonly records: RecordApplier;
  private readonly carry = new ChunkCarry();

  // The sweep across segments.
  private phase: Phase = 'between-segments';
  private failure: WalErrorInfo | null = null;
  private lastSegmentId = 0;
  private tornTail: TornTail | null = null;
  private readonly segments: ReplaySegment[] = [];

  // The current segment.
  private segment: SegmentStart = { name: '', id: 0, last: false };
  private role: SegmentRole = 'sealed';
  /** Bytes of the segment fed so far: the absolute offset of the next chunk's first byte. */
  private segmentOffset = 0;
  private torn: TornSpot | null = null;

  // The recovery policy's state.
  private readonly policy: RecoveryPolicy;
  private readonly skips: SkipLedger | null;
  private resync: FrameResync | null = null;
  /** What the table says when a resync reaches the end of the segment without a whole frame. */
  private resyncNone: RecoveryAction = 'skip-damage';
  private resyncFrom = 0;
  /** skip-corrupted read on past this segment's damaged header (why it was damaged); settled when the segment ends. */
  private headerSkipped: HeaderFailureCause | null = null;
  private cut: LogCut | null = null;
  private cutFrom = 0;

  constructor(options: ReplayerOptions) {
    this.copyEvents = options.copyEvents;
    this.policy = options.policy ?? 'tolerate-torn-tail';
    this.skips = this.policy === 'skip-corrupted' ? new SkipLedger() : null;
    this.records = new RecordApplier(options.checkpointLsn, options.onTransaction, this.skips);
  }

  /** Starts the next segment. Segments come in ascending id order; the last one says so. */
  beginSegment(segment: SegmentStart): Result<void> {
    if (this.phase === 'failed') return this.failed();
    if (this.phase !== 'between-segments' && this.phase !== 'cut') throw new Error(`replay: beginSegment ${segment.name} while ${this.phase}`);
    if (!Number.isSafeInteger(segment.id) || segment.id <= this.lastSegmentId)
      throw new Error(`replay: segment ids must ascend (${segment.id} after ${this.lastSegmentId})`);
    this.lastSegmentId = segment.id;
    this.segmentOffset = 0;
    if (this.cut !== null) {
      this.cut.beginSegment(segment.name);
      this.cutFrom = 0;
      return OK;
    }
    this.segment = segment;
    this.role = segment.last ? 'active' : 'sealed';
    this.records.startSegment(segment.name);
    this.segmentOffset = 0;
    this.carry.start(0);
    this.torn = null;
    this.headerSkipped = null;
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
      case 'resync':
        return this.pushResync(chunk);
      case 'cut':
        this.cut?.push(chunk);
        return OK;
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
    // Each pass either ends the segment or moves on to a later phase of it (a resync that found a
    // frame reads frames again); every pass consumes bytes, so the loop ends.
    for (;;) {
      switch (this.phase) {
        case 'failed':
          return this.failed();
        case 'header': {
          // Fewer bytes than a header: the finding is a short header, with nothing after it.
          const header = this.onHeader(this.carry.view());
          if (!header.ok) return header;
          if ((this.phase as Phase) === 'scanning') return this.endScan();
          this.carry.clear();
          continue;
        }
        case 'frames': {
          if (this.carry.sizeBytes === 0) {
            const action = decideRecovery('segment-end', this.role, 'none', this.policy);
            if (action !== 'next-segment') return this.unexpected(action, 'segment-end');
            this.closeSegment(this.segmentOffset, this.records.segmentBaseLsn);
            if (this.phase === 'frames') this.phase = 'between-segments';
            return OK;
          }
          const cut = this.carry.cutShort();
          const failed = this.onUndecodable(cut.offsetBytes, cut.cause, cut.rest);
          if (!failed.ok) return failed;
          continue;
        }
        case 'scanning':
          return this.endScan();
        case 'resync': {
          const ended = this.endResync();
          if (!ended.ok) return ended;
          continue;
        }
        case 'cut':
          this.cut?.endSegment(this.segmentOffset, this.cutFrom);
          return OK;
        case 'stopped':
          // A resync that found no frame settled the segment as a torn tail.
          return OK;
        default:
          throw new Error(`replay: endSegment while ${this.phase}`);
      }
    }
  }

  /** Ends the sweep and returns everything but the transactions, which were already emitted. */
  finish(): Result<ReplaySummary> {
    if (this.phase === 'failed') return this.failed();
    if (this.phase !== 'between-segments' && this.phase !== 'stopped' && this.phase !== 'cut') throw new Error(`replay: finish while ${this.phase}`);
    this.phase = 'finished';
    this.records.endOfLog();
    if (this.cut !== null) this.records.noteLsnAfterTear(this.cut.maxLsn);
    const { maxLsn, checkpointObserved } = this.records;
    const summary: ReplaySummary = { maxLsn, tornTail: this.tornTail, checkpointObserved, segments: this.segments };
    if (this.policy === 'tolerate-torn-tail') return { ok: true, value: summary };
    const policyReport = { policy: this.policy, cut: this.cut?.report() ?? null, skipped: this.skips?.report() ?? [] };
    return { ok: true, value: { ...summary, policyReport } };
  }

  // ---- the header ------------------------------------------------------------------------------

  private pushHeader(chunk: Uint8Array, start: number): Result<void> {
    const position = this.carry.take(chunk, 0, SEGMENT_HEADER_BYTES - this.carry.sizeBytes);
    if (this.carry.sizeBytes < SEGMENT_HEADER_BYTES) return OK;
    const header = this.onHeader(this.carry.view());
    this.carry.clear();
    if (!header.ok) return header;
    // A torn header: everything after it goes to the scan (or to the cut).
    if (this.phase === 'scanning') return this.scan(chunk.subarray(position));
    if (this.phase === 'cut') {
      this.cut?.push(chunk.subarray(position));
      return OK;
    }
    return this.readFrames(chunk, position, start);
  }

  /** Decodes the header and decides: read frames after it, or scan to decide about a torn one. */
  private onHeader(bytes: Uint8Array): Result<void> {
    const decoded = decodeSegmentHeader(bytes, this.segment.id);
    if (decoded.ok) {
      const action = decideRecovery('header-valid', this.role, 'none', this.policy);
      if (action !== 'read-frames') return this.unexpected(action, 'header-valid');
      const taken = this.records.applyHeader(decoded.header.baseLsn);
      if (!taken.ok) return this.fail(taken.error);
      this.phase = 'frames';
      return OK;
    }
    const finding = classifyHeaderFailure(decoded.cause);
    // Salvage skips the header and reads on; whether records follow settles the row at the end.
    if (decideRecovery(finding, this.role, 'some', this.policy) === 'skip-damage') return this.skipHeader(decoded.cause, bytes.length);
    // Whether frames follow decides between a torn creation and a damaged header: scan first.
    if (framesAfterDecides(finding, this.role, this.policy)) return this.startScan({ at: 'header', cause: decoded.cause }, new Uint8Array(0));
    return this.failHeader(decideRecovery(finding, this.role, 'none', this.policy), finding, decoded.cause);
  }

  private failHeader(action: RecoveryAction, finding: Finding, cause: HeaderFailureCause): Result<void> {
    switch (action) {
      case 'stop-torn-creation':
        return OK;
      case 'fail-bad-header':
        return this.fail({ code: 'BadSegmentHeader', segment: this.segment.name, cause });
      case 'fail-damaged':
        return this.failDamaged(0, cause);
      case 'stop-cut':
        return this.startCut(0, cause);
      default:
        return this.unexpected(action, finding);
    }
  }

  /** skip-corrupted: the header's bytes are a skipped range, and frames are read after it. */
  private skipHeader(cause: HeaderFailureCause, headerBytes: number): Result<void> {
    this.skips?.begin(this.segment, 0, cause, this.records.previousLsn, this.records.dropOpen());
    this.skips?.end(headerBytes);
    this.headerSkipped = cause;
    this.phase = 'frames';
    return OK;
  }

  // ---- frames ----------------------------------------------------------------------------------

  private pushFrames(chunk: Uint8Array, start: number): Result<void> {
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
    return this.afterDamage(chunkRest);
  }

  /** The rest of a chunk after a bad spot goes where the policy's action sent the sweep. */
  private afterDamage(rest: Uint8Array): Result<void> {
    switch (this.phase) {
      case 'scanning':
        return this.scan(rest);
      case 'resync':
        return this.pushResync(rest);
      case 'frames':
        // A resync found its frame within the carried bytes: read on from the rest of the chunk.
        return this.carry.sizeBytes === 0 ? this.readFrames(rest, 0, this.segmentOffset - rest.length) : this.pushFrames(rest, this.segmentOffset - rest.length);
      case 'cut':
        this.cut?.push(rest);
        return OK;
      default:
        return OK;
    }
  }

  /** Decodes whole frames in chunk from position (chunk starts at segment offset `start`). */
  private readFrames(chunk: Uint8Array, position: number, start: number): Result<void> {
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
  private onUndecodable(offsetBytes: number, cause: DecodeFailureCause, after: Uint8Array): Result<void> {
    // Salvage learns whether frames follow by skipping to the next one; the row for none settles
    // the case where it finds none before the segment ends.
    if (decideRecovery('frame-undecodable', this.role, 'some', this.policy) === 'skip-damage') {
      return this.startResync(offsetBytes, cause, after, decideRecovery('frame-undecodable', this.role, 'none', this.policy));
    }
    const action = decideRecovery('frame-undecodable', this.role, 'none', this.policy);
    switch (action) {
      case 'fail-corruption': {
        const lsn = this.records.previousLsn === 0 ? null : this.records.previousLsn;
        return this.fail({ code: 'Corruption', segment: this.segment.name, offsetBytes, lsn, cause });
      }
      case 'stop-torn-tail':
        return this.startScan({ at: 'frame', offsetBytes, cause }, after);
      case 'fail-damaged':
        return this.failDamaged(offsetBytes, cause);
      case 'stop-cut':
        this.startCut(offsetBytes, cause);
        this.cut?.push(after);
        return OK;
      default:
        return this.unexpected(action, 'frame-undecodable');
    }
  }

  // ---- the recovery policies: a damage error, a cut, a skip -------------------------------------

  private failDamaged(offsetBytes: number, cause: DecodeFailureCause | HeaderFailureCause): Result<never> {
    const lsn = this.records.previousLsn === 0 ? null : this.records.previousLsn;
    return this.fail({ code: 'Damaged', policy: this.policy, segment: this.segment.name, offsetBytes, lsn, cause });
  }

  /**
   * point-in-time: the log ends at `offsetBytes` of this segment. The segment is reported up to
   * there, and every byte after it, in this segment and the later ones, goes to the cut. A torn
   * spot being scanned (a header's) carries on as the cut's scan of this segment.
   */
  private startCut(offsetBytes: number, cause: DecodeFailureCause | HeaderFailureCause): Result<void> {
    const lsn = this.records.previousLsn === 0 ? null : this.records.previousLsn;
    this.cut = new LogCut({ segment: this.segment.name, segmentId: this.segment.id, offsetBytes }, lsn, cause, this.torn);
    this.cutFrom = offsetBytes;
    this.torn = null;
    this.closeSegment(offsetBytes, offsetBytes === 0 ? this.records.maxLsn + 1 : this.records.segmentBaseLsn);
    this.records.endOfLog();
    this.phase = 'cut';
    return OK;
  }

  /** skip-corrupted: bytes that do not decode at `offsetBytes`; look for the next whole frame. */
  private startResync(offsetBytes: number, cause: DecodeFailureCause, after: Uint8Array, none: RecoveryAction): Result<void> {
    this.skips?.begin(this.segment, offsetBytes, cause, this.records.previousLsn, this.records.dropOpen());
    this.resync = new FrameResync(offsetBytes + 1);
    this.resyncNone = none;
    this.resyncFrom = offsetBytes;
    this.phase = 'resync';
    return this.pushResync(after);
  }

  private pushResync(bytes: Uint8Array): Result<void> {
    const found = this.resync?.push(bytes) ?? { found: false };
    return found.found ? this.resume(found) : OK;
  }

  /** A whole frame after the damage: the skipped range ends there and frames are read again. */
  private resume(found: Extract<ResyncResult, { found: true }>): Result<void> {
    this.skips?.end(found.offsetBytes);
    this.resync = null;
    this.phase = 'frames';
    return this.readFrames(found.rest, 0, found.offsetBytes);
  }

  /** The segment ended while skipping: the last candidate settles it, else the row for none does. */
  private endResync(): Result<void> {
    const found = this.resync?.finish() ?? { found: false };
    if (found.found) return this.resume(found);
    this.resync = null;
    const action = this.resyncNone;
    if (action === 'skip-damage') {
      this.skips?.end(this.segmentOffset);
      this.phase = 'frames';
      return OK;
    }
    if (action !== 'stop-torn-tail') return this.unexpected(action, 'frame-undecodable');
    // A crash leftover after all (R9): a torn tail, not a skipped range.
    const range = this.skips?.cancelLast();
    this.tornTail = {
      segment: this.segment.name,
      segmentId: this.segment.id,
      offsetBytes: this.resyncFrom,
      droppedBytes: this.segmentOffset - this.resyncFrom,
      cause: range?.cause ?? 'truncated-body',
      validFramesAfter: false,
      headerTorn: false,
    };
    this.closeSegment(this.resyncFrom, this.records.segmentBaseLsn);
    this.phase = 'stopped';
    return OK;
  }

  // ---- the scan behind a torn spot -------------------------------------------------------------

  private startScan(tear: Tear, after: Uint8Array): Result<void> {
    this.torn = new TornSpot(tear);
    this.phase = 'scanning';
    return this.scan(after);
  }

  private scan(bytes: Uint8Array): Result<void> {
    const torn = this.torn;
    if (torn === null) throw new Error('replay: scanning without a torn spot');
    torn.push(bytes);
    // Frames after a torn header settle the decision now; no need to read further.
    if (torn.tear.at === 'header' && torn.framesAfter() === 'some') return this.decideTornHeader(torn.tear.cause, 'some');
    return OK;
  }

  private endScan(): Result<void> {
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

  private decideTornHeader(cause: HeaderFailureCause, framesAfter: 'none' | 'some'): Result<void> {
    return this.failHeader(decideRecovery('header-torn', this.role, framesAfter, this.policy), 'header-torn', cause);
  }

  private closeSegment(validBytes: number, baseLsn: Lsn): void {
    const { firstLsnInSegment: firstLsn, lastLsnInSegment: lastLsn } = this.records;
    if (this.headerSkipped !== null && this.role === 'active' && firstLsn === null) {
      // skip-corrupted read on past a damaged header of the active segment and found no record:
      // the row for none (R4) holds, a torn creation, and nothing here was a skipped range.
      this.skips?.cancelSegment(this.segment.name);
      this.tornTail = {
        segment: this.segment.name,
        segmentId: this.segment.id,
        offsetBytes: 0,
        droppedBytes: this.segmentOffset,
        cause: this.headerSkipped,
        validFramesAfter: false,
        headerTorn: true,
      };
      this.segments.push({ name: this.segment.name, id: this.segment.id, baseLsn: this.records.maxLsn + 1, validBytes: 0, firstLsn, lastLsn });
      this.phase = 'stopped';
      return;
    }
    this.segments.push({ name: this.segment.name, id: this.segment.id, baseLsn, validBytes, firstLsn, lastLsn });
  }

  // ---- failures --------------------------------------------------------------------------------

  /** Passes a record's result on, recording its failure. */
  private passOn(result: Result<void>): Result<void> {
    return result.ok ? result : this.fail(result.error);
  }

  private fail(error: WalErrorInfo): Result<never> {
    this.phase = 'failed';
    this.failure = error;
    this.records.endOfLog();
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
