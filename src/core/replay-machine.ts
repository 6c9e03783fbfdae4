// The replay machine: the phase machine of one forward sweep over the segments, fed in chunks of
// any size (replay-driver.ts feeds it for replay(), replayStream() and the shell's sweepLog()).
// Memory is bounded by the open transactions' events plus one chunk plus one frame that
// straddles two chunks.
//
// Per segment it reads the header (v1 or v2: the version decides the header's size, the frames'
// layout and, for v2, the salt every live frame must carry), then live frames, and after the spot
// where they end scans the rest for live frames. What it does on each finding is the decision
// table (replay-decision.ts); what an end means is replay-end.ts. Its other parts each have a file
// of their own: the chunk carry (replay-carry.ts), applying records under the malformed-log rules
// (replay-apply.ts, replay-rules.ts) to the open-transaction table (replay-open-transactions.ts),
// the spot with the scan behind it (replay-tear.ts), and the hot path (replay-fast.ts).
//
// This machine is the default policy's column of the table; replay-policy-machine.ts extends it
// with the columns of the other recovery policies (the actions only they choose go to
// policyAction and previousEndAction, which the default never reaches).
//
// Size exception: the v2 ends (stale, zeros, torn; a sealed segment's end against its successor's
// header) sit beside the v1 ones in one phase machine, with the hooks the policy machine extends.

import { decodeFrame, decodeRecordAt, frameHeaderBytesForSalt, readU32 } from './codec.js';
import type { DecodeFailureCause, HeaderFailureCause, RecoveryPolicy, Result, WalErrorInfo } from './errors.js';
import { FRAME_BODY_BYTES_MAX, FRAME_BODY_BYTES_MIN, FRAME_HEADER_BYTES, SEGMENT_HEADER_BYTES, SEGMENT_HEADER_PREFIX_BYTES } from './format.js';
import type { Lsn, SegmentHeader } from './records.js';
import { ReplayApply } from './replay-apply.js';
import { ReplayCarry } from './replay-carry.js';
import { classifyHeaderFailure, decideRecovery, framesAfterDecides, type Finding, type RecoveryAction, type SegmentRole } from './replay-decision.js';
import { endCause, endFinding, endKindAt, type EndKind } from './replay-end.js';
import type { LogEnd, ReplayMachineOptions, ReplaySegment, ReplaySummary, SegmentStart, TornTail } from './replay-outcome.js';
import type { ReplayPhase as Phase } from './replay-phase.js';
import { ANY_SALT, endOfNonZero } from './replay-scan.js';
import type { ReplaySkip } from './replay-skip.js';
import { ReplayTear, type Tear } from './replay-tear.js';
import { fastFrames } from './replay-fast.js';
import { decodeSegmentHeader, segmentHeaderBytesAt } from './segment-header.js';

const OK: Result<void> = { ok: true, value: undefined };

/** What a sealed segment's end must be checked against once the next header is read. */
export interface SegmentEndFacts {
  readonly id: number;
  readonly name: string;
  readonly endBytes: number;
  readonly kind: EndKind;
  readonly cause: DecodeFailureCause | null;
  /** The last LSN read before the end (0 when none). */
  readonly lsnBefore: Lsn;
  /** The segment's size in bytes. */
  readonly sizeBytes: number;
}

export class ReplayMachine {
  private readonly copyEvents: boolean;
  /** Whether frames go through the hot path first (fastFrames); off when events must be copied out. */
  private readonly fast: boolean;
  protected readonly records: ReplayApply;
  protected readonly carry = new ReplayCarry();

  // The sweep across segments.
  protected phase: Phase = 'between-segments';
  private failure: WalErrorInfo | null = null;
  private lastSegmentId = 0;
  protected tornTail: TornTail | null = null;
  protected logEnd: LogEnd | null = null;
  private readonly segments: ReplaySegment[] = [];
  protected previousEnd: SegmentEndFacts | null = null;

  // The current segment.
  // Stryker disable next-line StringLiteral,BooleanLiteral: a placeholder; beginSegment sets the segment before anything reads it
  protected segment: SegmentStart = { name: '', id: 0, last: false };
  protected role: SegmentRole = 'sealed';
  /** Bytes of the segment fed so far: the absolute offset of the next chunk's first byte. */
  protected segmentOffset = 0;
  /**
   * In the active segment, the offset just after its last non-zero byte so far: recovery cuts the
   * file at the end of the live frames when anything but zeros lies behind it (docs/format.md,
   * "Recovery": the rest of a frame whose length a crash lost names nothing a scan can find).
   */
  private nonZeroEndBytes = 0;
  protected torn: ReplayTear | null = null;
  protected header: SegmentHeader | null = null;
  /** The segment's salt: 0 for v1 (and before the header is read). */
  protected salt = 0;
  protected frameHeaderBytes = frameHeaderBytesForSalt(0);

  /** The column of the decision table replay follows. */
  protected readonly policy: RecoveryPolicy;

  constructor(options: ReplayMachineOptions, skips: ReplaySkip | null = null) {
    this.copyEvents = options.copyEvents;
    this.policy = options.policy ?? 'tolerate-torn-tail';
    // Skipped ranges pass over transactions record by record (replay-apply.ts): no hot path then.
    this.fast = !options.copyEvents && options.hotPath !== false && skips === null;
    this.records = new ReplayApply(options.checkpointLsn, options.onTransaction, options.inflate ?? null, skips);
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
    this.nonZeroEndBytes = 0;
    this.carry.start(0);
    this.torn = null;
    this.header = null;
    this.salt = 0;
    this.frameHeaderBytes = frameHeaderBytesForSalt(0);
    this.phase = 'header';
    return OK;
  }

  /** Feeds the segment's next bytes. Committed transactions are emitted before it returns. */
  push(chunk: Uint8Array): Result<void> {
    const start = this.segmentOffset;
    this.segmentOffset += chunk.length;
    this.noteNonZero(chunk, start);
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

  /** Notes how far the active segment's non-zero bytes reach, for recovery (nonZeroEndBytes). */
  protected noteNonZero(chunk: Uint8Array, start: number): void {
    if (this.role !== 'active') return;
    const end = endOfNonZero(chunk);
    if (end > 0) this.nonZeroEndBytes = start + end;
  }

  /** The segment's bytes have all been fed. */
  endSegment(): Result<void> {
    switch (this.phase) {
      case 'failed':
        return this.failed();
      case 'header': {
        // Fewer bytes than a header: the finding is a short header, with nothing after it.
        const header = this.onHeader(this.carry.view());
        // Stryker disable next-line LogicalOperator: a header that fails leaves the machine failed, never scanning, so with && the line returns nothing and the endSegment() below hands back the same failure or ends the same scan
        if (!header.ok || (this.phase as Phase) === 'scanning') return header.ok ? this.endScan() : header;
        // A header the policy skipped (skip-corrupted): the segment ends with nothing after it.
        this.carry.clear();
        return this.endSegment();
      }
      case 'frames': {
        if (this.carry.sizeBytes === 0) {
          // The bytes end exactly after the last live frame: nothing behind the end to scan.
          this.startSpot({ at: 'frame', offsetBytes: this.segmentOffset, kind: 'file-end', cause: null }, this.segmentOffset);
          return this.endScan();
        }
        const cut = this.carry.cutShort(this.salt);
        const started = this.onSpot(cut.offsetBytes, cut.cause, cut.partial, cut.partial.subarray(1), cut.offsetBytes + 1);
        return started.ok && (this.phase as Phase) === 'scanning' ? this.endScan() : started;
      }
      case 'scanning':
        return this.endScan();
      default:
        throw new Error(`replay: endSegment while ${this.phase}`);
    }
  }

  /** Whether the segment's live frames have ended and the rest of it is being scanned. */
  get scanningBehindEnd(): boolean {
    return this.phase === 'scanning';
  }

  /**
   * Nothing the machine keeps refers to `buffer` from now on: the events that open transactions
   * hold there are copied out. Everything else it keeps past a push (a carried frame, the scan's
   * window, a resync's bytes) is a copy already. Committed transactions are the caller's.
   */
  detachFrom(buffer: ArrayBufferLike): void {
    this.records.detachFrom(buffer);
  }

  /** Ends the sweep and returns everything but the transactions, which were already emitted. */
  finish(): Result<ReplaySummary> {
    if (this.phase === 'failed') return this.failed();
    if (this.phase !== 'between-segments' && this.phase !== 'stopped') throw new Error(`replay: finish while ${this.phase}`);
    this.phase = 'finished';
    this.records.endOfLog();
    const { maxLsn, checkpointObserved } = this.records;
    return { ok: true, value: { maxLsn, tornTail: this.tornTail, end: this.logEnd, checkpointObserved, segments: this.segments } };
  }

  // ---- the header ------------------------------------------------------------------------------

  protected pushHeader(chunk: Uint8Array, start: number): Result<void> {
    let position = 0;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: entered anyway (forced true, or with <=) when the carry already holds the whole prefix, the take asks for 0 bytes or fewer and takes none, and the check below finds the prefix whole
    if (this.carry.sizeBytes < SEGMENT_HEADER_PREFIX_BYTES) {
      position = this.carry.take(chunk, position, SEGMENT_HEADER_PREFIX_BYTES - this.carry.sizeBytes);
      // Stryker disable next-line ConditionalExpression: never returning here, a prefix still short took the whole chunk, so the take below gets no byte and the header's size is not reached either
      if (this.carry.sizeBytes < SEGMENT_HEADER_PREFIX_BYTES) return OK;
    }
    const needed = segmentHeaderBytesAt(this.carry.view());
    position = this.carry.take(chunk, position, needed - this.carry.sizeBytes);
    if (this.carry.sizeBytes < needed) return OK;
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
      const action = decideRecovery('header-valid', this.role, 'none', this.policy);
      // Stryker disable next-line ConditionalExpression: a defence; row R1 of the decision table gives read-frames for a valid header in every column
      if (action !== 'read-frames') return this.unexpected(action, 'header-valid');
      const previous = this.checkPreviousEnd(decoded.header);
      // A policy may have cut the log at this header instead (point-in-time): nothing more to read.
      if (!previous.ok || (this.phase as Phase) !== 'header') return previous;
      const taken = this.records.applyHeader(decoded.header.baseLsn);
      if (!taken.ok) return this.fail(taken.error);
      this.header = decoded.header;
      this.salt = decoded.header.salt;
      this.frameHeaderBytes = frameHeaderBytesForSalt(this.salt);
      this.phase = 'frames';
      return OK;
    }
    const finding = classifyHeaderFailure(decoded.cause);
    // Whether frames follow decides between a torn creation and a damaged header: scan first.
    if (framesAfterDecides(finding, this.role, this.policy)) {
      // Stryker disable next-line MethodExpression: behind a torn header only whether frames follow and their LSNs are used (endScan, the point-in-time cut), never an offset the scan counts from here
      this.startSpot({ at: 'header', cause: decoded.cause }, Math.min(bytes.length, SEGMENT_HEADER_BYTES));
      return OK;
    }
    return this.failHeader(decideRecovery(finding, this.role, 'none', this.policy), finding, decoded.cause);
  }

  /**
   * A v2 header names where the previous segment's live frames end. When the previous segment of
   * this sweep is that one (id - 1), its end must be there: a sealed segment whose live frames stop
   * elsewhere lost or gained frames after it was sealed (row R8 for it).
   */
  protected checkPreviousEnd(header: SegmentHeader): Result<void> {
    const previous = this.previousEnd;
    if (header.previousEnd === 0 || previous === null || previous.id !== header.segmentId - 1 || previous.endBytes === header.previousEnd) return OK;
    const action = decideRecovery('frame-undecodable', 'sealed', 'none', this.policy);
    if (action !== 'fail-corruption') return this.previousEndAction(action, previous, header);
    return this.fail({
      code: 'Corruption',
      segment: previous.name,
      offsetBytes: previous.endBytes,
      lsn: previous.lsnBefore === 0 ? null : previous.lsnBefore,
      cause: endCause(previous.kind, previous.cause),
    });
  }

  protected failHeader(action: RecoveryAction, finding: Finding, cause: HeaderFailureCause): Result<void> {
    if (action === 'stop-torn-creation') return OK;
    // Stryker disable next-line ConditionalExpression: a defence; the default column gives a header only stop-torn-creation or fail-bad-header, and the policy machine takes its other actions (fail-damaged, stop-cut, and skip-damage in its onHeader) before they reach this line
    if (action !== 'fail-bad-header') return this.unexpected(action, finding);
    return this.fail({ code: 'BadSegmentHeader', segment: this.segment.name, cause });
  }

  // ---- frames ----------------------------------------------------------------------------------

  protected pushFrames(chunk: Uint8Array, start: number): Result<void> {
    if (this.carry.sizeBytes === 0) return this.readFrames(chunk, 0, start);
    const carried = this.carry.completeFrame(chunk, this.frameHeaderBytes);
    switch (carried.kind) {
      case 'incomplete':
        return OK;
      case 'bad-length': {
        const bytes = this.carry.copy();
        this.carry.clear();
        return this.spotThenScan(this.carry.offsetBytes, 'bad-length', bytes, chunk.subarray(carried.position));
      }
      case 'frame': {
        const decoded = decodeFrame(carried.frame, 0, this.salt);
        if (!decoded.ok) {
          this.carry.clear();
          return this.spotThenScan(this.carry.offsetBytes, decoded.cause, carried.frame, chunk.subarray(carried.position));
        }
        // Stryker disable next-line BooleanLiteral: the carried frame is a buffer of its own (ReplayCarry.completeFrame), so copying its events gives equal events in another buffer
        const applied = this.passOn(this.records.apply(decoded.record, this.carry.offsetBytes, false));
        if (!applied.ok) return applied;
        return this.readFrames(chunk, carried.position, start);
      }
    }
  }

  /** A carried frame that is not live: the spot, then the scan over its bytes and the chunk's rest. */
  private spotThenScan(offsetBytes: number, cause: DecodeFailureCause, carried: Uint8Array, chunkRest: Uint8Array): Result<void> {
    const skip = cause === 'stale-frame' ? carried.length : 1;
    const started = this.onSpot(offsetBytes, cause, carried, carried.subarray(Math.min(skip, carried.length)), offsetBytes + skip);
    // A spot that does not fail leaves the sweep in a phase whose scan() takes the chunk's rest: the
    // scan behind a torn spot here, a resync, a cut or frames again in the policy machine. (A sealed
    // v1 segment's spot is decided at once, and the default decides Corruption there.) Were that to
    // change, scan() throws for want of a spot rather than drop the bytes.
    if (!started.ok) return started;
    return this.scan(chunkRest);
  }

  /** Decodes live frames in chunk from position (chunk starts at segment offset `start`). */
  protected readFrames(chunk: Uint8Array, position: number, start: number): Result<void> {
    const salt = this.salt;
    const headerBytes = this.frameHeaderBytes;
    const fast = this.fast && salt !== 0;
    let at = position;
    // Stryker disable next-line EqualityOperator: with <=, a position at the chunk's end decodes as truncated-frame-header, which carries the zero bytes left and returns OK, as leaving the loop does
    while (at < chunk.length) {
      if (fast) {
        at = fastFrames(chunk, at, salt, this.records);
        // Stryker disable next-line ConditionalExpression,EqualityOperator: without the break (or with >) a hot path that stopped at the chunk's end goes on to decode there, which gives truncated-frame-header, carries nothing and returns OK, as the break does
        if (at >= chunk.length) break;
      }
      const decoded = decodeRecordAt(chunk, at, salt);
      if (typeof decoded !== 'string') {
        const applied = this.passOn(this.records.apply(decoded, start + at, this.copyEvents));
        if (!applied.ok) return applied;
        at += headerBytes + readU32(chunk, at);
        continue;
      }
      if (decoded === 'truncated-frame-header' || decoded === 'truncated-body') {
        // The frame continues in the next chunk (or the segment ends here, which endSegment sees).
        this.carry.start(start + at);
        // Stryker disable next-line ArithmeticOperator: take() takes at most what the chunk has left from `at`, which chunk.length + at exceeds
        this.carry.take(chunk, at, chunk.length - at);
        return OK;
      }
      const skip = decoded === 'stale-frame' ? headerBytes + readU32(chunk, at) : 1;
      return this.onSpot(start + at, decoded, chunk.subarray(at), chunk.subarray(at + skip), start + at + skip);
    }
    return OK;
  }

  /**
   * The live frames end at `offsetBytes`: `spot` are the bytes there (at least a frame header's
   * worth, or all that is left), `after` the bytes behind it that the scan starts with, at segment
   * offset `afterOffset`. A sealed v1 segment fails at once (nothing behind the spot changes that);
   * every other end scans first.
   */
  protected onSpot(offsetBytes: number, cause: DecodeFailureCause, spot: Uint8Array, after: Uint8Array, afterOffset: number): Result<void> {
    const version = this.header?.version ?? 2;
    const kind = endKindAt(spot, cause, version === 2);
    const tear: Tear = { at: 'frame', offsetBytes, kind, cause };
    if (version === 1 && this.role === 'sealed') return this.decideEnd(tear, 'none');
    this.startSpot(tear, afterOffset);
    if (this.torn !== null) this.torn.spotDebrisEndBytes = this.spotDebrisEnd(offsetBytes, cause, spot);
    return this.scan(after);
  }

  /**
   * The frame beginning at a spot, torn, may carry this life's salt and a length: its remains
   * reach that far (replay-scan.ts, debrisEndBytes); 0 when it does not.
   */
  protected spotDebrisEnd(offsetBytes: number, cause: DecodeFailureCause, spot: Uint8Array): number {
    if (this.salt === 0 || cause === 'stale-frame' || spot.length < FRAME_HEADER_BYTES || readU32(spot, 8) !== this.salt) return 0;
    const length = readU32(spot, 0);
    return length >= FRAME_BODY_BYTES_MIN && length <= FRAME_BODY_BYTES_MAX ? offsetBytes + FRAME_HEADER_BYTES + length : 0;
  }

  protected startSpot(tear: Tear, scanStartBytes: number): void {
    const salt = tear.at === 'header' ? ANY_SALT : this.salt;
    this.torn = new ReplayTear(tear, salt, scanStartBytes);
    this.phase = 'scanning';
  }

  // ---- the scan behind the end -----------------------------------------------------------------

  protected scan(bytes: Uint8Array): Result<void> {
    const torn = this.torn;
    if (torn === null) throw new Error('replay: scanning without a spot');
    torn.push(bytes);
    // Frames after a torn header settle the decision now; no need to read further.
    if (torn.tear.at === 'header' && torn.framesAfter() === 'some') return this.decideTornHeader(torn.tear.cause, 'some');
    return OK;
  }

  protected endScan(): Result<void> {
    const torn = this.torn;
    if (torn === null) throw new Error('replay: endScan without a spot');
    const found = torn.finish();
    this.records.noteLsnAfterTear(found.maxLsn);
    if (torn.tear.at === 'header') {
      const decided = this.decideTornHeader(torn.tear.cause, found.framesAfter);
      if (!decided.ok) return decided;
      this.tornTail = torn.report(this.segment, this.segmentOffset);
      this.logEnd = { segment: this.segment.name, segmentId: this.segment.id, offsetBytes: 0, kind: 'torn' };
      // A torn header gets the base LSN the shell must write: above everything seen.
      this.closeSegment(0, this.records.maxLsn + 1, 'torn', 0, 0);
      this.phase = 'stopped';
      return OK;
    }
    return this.decideEnd(torn.tear, found.framesAfter, Math.max(found.lastFrameEndBytes, found.debrisEndBytes));
  }

  /** The end of the live frames and whether live frames follow: the table's action for it. */
  protected decideEnd(tear: Extract<Tear, { at: 'frame' }>, framesAfter: 'none' | 'some', lifeEndBytes = 0): Result<void> {
    const version = this.header?.version ?? 2;
    const finding = endFinding(version, this.role, tear.kind, framesAfter === 'some');
    const action = decideRecovery(finding, this.role, framesAfter, this.policy);
    // Every byte of the segment has been fed by now: anything but zeros behind the end counts as
    // remains of this life (docs/format.md, "Recovery"), which recovery cuts off before it appends.
    const liveEnd = Math.max(tear.offsetBytes, lifeEndBytes, this.nonZeroEndBytes);
    const end = (): void => {
      this.logEnd = { segment: this.segment.name, segmentId: this.segment.id, offsetBytes: tear.offsetBytes, kind: tear.kind };
      this.closeSegment(tear.offsetBytes, this.records.segmentBaseLsn, tear.kind, liveEnd, this.salt);
    };
    switch (action) {
      case 'next-segment':
        end();
        this.previousEnd = {
          id: this.segment.id,
          name: this.segment.name,
          endBytes: tear.offsetBytes,
          kind: tear.kind,
          cause: tear.cause,
          lsnBefore: this.records.previousLsn,
          sizeBytes: this.segmentOffset,
        };
        this.phase = 'between-segments';
        return OK;
      case 'fail-corruption': {
        const lsn = this.records.previousLsn === 0 ? null : this.records.previousLsn;
        return this.fail({ code: 'Corruption', segment: this.segment.name, offsetBytes: tear.offsetBytes, lsn, cause: endCause(tear.kind, tear.cause) });
      }
      case 'stop-torn-tail': {
        const torn = this.torn ?? new ReplayTear(tear, this.salt, tear.offsetBytes);
        this.tornTail = torn.report(this.segment, this.segmentOffset);
        end();
        this.phase = 'stopped';
        return OK;
      }
      default:
        return this.policyAction(action, finding, tear);
    }
  }

  /** An action only another policy's column chooses (replay-policy-machine.ts); the default never does. */
  protected policyAction(action: RecoveryAction, finding: Finding, _tear: Extract<Tear, { at: 'frame' }>): Result<void> {
    return this.unexpected(action, finding);
  }

  /** A sealed segment's end that its successor's header contradicts, under a policy that does not fail (replay-policy-machine.ts). */
  protected previousEndAction(action: RecoveryAction, _previous: SegmentEndFacts, _header: SegmentHeader): Result<void> {
    return this.unexpected(action, 'frame-undecodable');
  }

  protected decideTornHeader(cause: HeaderFailureCause, framesAfter: 'none' | 'some'): Result<void> {
    return this.failHeader(decideRecovery('header-torn', this.role, framesAfter, this.policy), 'header-torn', cause);
  }

  protected closeSegment(validBytes: number, baseLsn: Lsn, end: EndKind, liveEndBytes: number, salt: number): void {
    const { firstLsnInSegment: firstLsn, lastLsnInSegment: lastLsn } = this.records;
    this.segments.push({
      name: this.segment.name,
      id: this.segment.id,
      version: this.header?.version ?? 2,
      salt,
      baseLsn,
      validBytes,
      end,
      liveEndBytes: Math.max(validBytes, liveEndBytes),
      sizeBytes: this.segmentOffset,
      firstLsn,
      lastLsn,
    });
  }

  /** A segment reported before its bytes all came (a policy's cut): its size once they have. */
  protected resizeSegment(name: string, sizeBytes: number): void {
    const index = this.segments.findIndex((s) => s.name === name);
    const segment = this.segments[index];
    if (segment !== undefined) this.segments[index] = { ...segment, sizeBytes };
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
