// The replay machine under a recovery policy other than the default (replay-decision.ts, the
// columns; recovery-policy.ts, the contracts). It is the replay machine with the policy's column:
// where the default fails or cuts a torn tail, it may also
//   - refuse what the default cuts off (absolute: a Damaged error naming the policy);
//   - cut the log at the first damage anywhere (point-in-time): the rest of the log is read only
//     to count its LSNs (replay-cut.ts) and reported as cut;
//   - skip to the next live frame and go on (skip-corrupted): replay-resync.ts finds the frame (one
//     with the segment's salt: a stale frame is never one), replay-skip.ts keeps the ranges and
//     passes over the transactions they may have damaged. When no live frame follows, the end is
//     what replay-end.ts says it is: zeros or a stale frame after the last live frame are a clean
//     end under every policy, nothing skipped. A damaged header is skipped too (a v2 segment's
//     frames are then read under the salt its header bytes still hold), and whether records
//     followed it settles its row when the segment ends (none in the active segment: a torn
//     creation after all).
// ReplayDriver builds this machine only when such a policy is asked for, so the default path is
// the replay machine alone.
//
// Size exception: the policies' columns meet format v2's ends here (a resync that finds no live
// frame ends the segment as the default would; a sealed end its successor's header contradicts is
// cut or skipped there), beside the v1 cases.

import { readU32 } from './codec.js';
import type { DecodeFailureCause, HeaderFailureCause, Result } from './errors.js';
import { frameHeaderBytesForSalt } from './frame-decode.js';
import type { Lsn, SegmentHeader } from './records.js';
import { ReplayCut } from './replay-cut.js';
import { classifyHeaderFailure, decideRecovery, type Finding, type RecoveryAction } from './replay-decision.js';
import { endCause, endFinding, endKindAt, type EndKind } from './replay-end.js';
import { ReplayMachine, type SegmentEndFacts } from './replay-machine.js';
import type { ReplayMachineOptions, ReplaySummary, SegmentStart } from './replay-outcome.js';
import type { ReplayPhase } from './replay-phase.js';
import { ReplayResync, type ResyncResult } from './replay-resync.js';
import { ANY_SALT } from './replay-scan.js';
import { ReplaySkip } from './replay-skip.js';
import type { ReplayTear, Tear } from './replay-tear.js';
import { decodeSegmentHeader } from './segment-header.js';

type FrameTear = Extract<Tear, { at: 'frame' }>;

const OK: Result<void> = { ok: true, value: undefined };

export class ReplayPolicyMachine extends ReplayMachine {
  private readonly skips: ReplaySkip | null;
  private resync: ReplayResync | null = null;
  /** The spot a resync started at: the range it skips once a live frame is found, or the end when none is. */
  private resyncSpot: FrameTear | null = null;
  private resyncDebrisEnd = 0;
  /** Why this segment's header was skipped (skip-corrupted), until the segment ends. */
  private headerSkipped: HeaderFailureCause | null = null;
  private cut: ReplayCut | null = null;
  private cutFrom = 0;
  /** Whether the cut has counted the current segment's end already. */
  // Stryker disable next-line BooleanLiteral: beginSegment() sets it before a segment's bytes are read
  private cutSegmentClosed = false;

  constructor(options: ReplayMachineOptions) {
    const skips = options.policy === 'skip-corrupted' ? new ReplaySkip() : null;
    super(options, skips);
    this.skips = skips;
  }

  override beginSegment(segment: SegmentStart): Result<void> {
    this.headerSkipped = null;
    this.cutSegmentClosed = false;
    if (this.cut === null) return super.beginSegment(segment);
    // After a cut every later segment is cut whole: read only for its LSNs.
    this.cut.beginSegment(segment.name);
    this.segmentOffset = 0;
    this.cutFrom = 0;
    return OK;
  }

  override push(chunk: Uint8Array): Result<void> {
    if (this.phase !== 'resync' && this.phase !== 'cut') return super.push(chunk);
    this.noteNonZero(chunk, this.segmentOffset);
    this.segmentOffset += chunk.length;
    return this.scan(chunk);
  }

  override endSegment(): Result<void> {
    // A spot met at the very end (the carried bytes) may start a resync or a cut, and a resync may
    // find a frame and read on to another spot: the segment ends once no step is left to take.
    let ended = this.endSegmentStep();
    while (ended.ok && this.segmentOpen()) ended = this.endSegmentStep();
    return ended;
  }

  private segmentOpen(): boolean {
    const phase = this.phase as ReplayPhase;
    return phase === 'frames' || phase === 'resync' || phase === 'scanning' || phase === 'header' || (phase === 'cut' && !this.cutSegmentClosed);
  }

  private endSegmentStep(): Result<void> {
    switch (this.phase) {
      case 'resync':
        return this.endResync();
      case 'cut':
        this.closeCutSegment();
        return OK;
      // Stryker disable next-line ConditionalExpression: a defence; no step follows a stop (segmentOpen() is false) and no segment follows the one that stopped
      case 'stopped':
        return OK;
      default:
        return super.endSegment();
    }
  }

  override finish(): Result<ReplaySummary> {
    if (this.cut !== null) {
      this.records.noteLsnAfterTear(this.cut.maxLsn);
      if (this.phase === 'cut') this.phase = 'stopped';
    }
    const summary = super.finish();
    if (!summary.ok) return summary;
    const policyReport = { policy: this.policy, cut: this.cut?.report() ?? null, skipped: this.skips?.report() ?? [] };
    return { ok: true, value: { ...summary.value, policyReport } };
  }

  /** The rest of a chunk after a bad spot goes where the policy's action sent the sweep. */
  protected override scan(bytes: Uint8Array): Result<void> {
    switch (this.phase) {
      case 'resync': {
        const found = this.resync?.push(bytes) ?? { found: false };
        return found.found ? this.resume(found) : OK;
      }
      case 'cut':
        this.cut?.push(bytes);
        return OK;
      case 'frames':
        // A resync found its frame inside a frame's bytes carried over from earlier chunks: these
        // are the rest of the chunk that completed them (they may complete a frame carried again).
        return this.pushFrames(bytes, this.segmentOffset - bytes.length);
      default:
        return super.scan(bytes);
    }
  }

  protected override onHeader(bytes: Uint8Array): Result<void> {
    const decoded = decodeSegmentHeader(bytes, this.segment.id);
    if (decoded.ok) return super.onHeader(bytes);
    const finding = classifyHeaderFailure(decoded.cause);
    // Salvage skips the header and reads on; whether records follow settles the row at the end.
    if (decideRecovery(finding, this.role, 'some', this.policy) === 'skip-damage') {
      this.skips?.begin(this.segment, 0, decoded.cause, this.records.previousLsn, this.records.dropOpen());
      this.skips?.end(bytes.length);
      this.headerSkipped = decoded.cause;
      this.readUnderSkippedHeader(bytes);
      this.phase = 'frames';
      return OK;
    }
    return super.onHeader(bytes);
  }

  /** A skipped header's bytes still say the version and, for v2, the salt the live frames carry. */
  private readUnderSkippedHeader(bytes: Uint8Array): void {
    // Stryker disable next-line EqualityOperator: a header of exactly 12 bytes is a segment that ends there, with no frame for the version to frame
    const v1 = bytes.length >= 12 && readU32(bytes, 8) === 1;
    // Stryker disable next-line EqualityOperator: a v2 header of exactly 32 bytes is a segment that ends there, with no frame for the salt to check
    const salt = !v1 && bytes.length >= 32 ? readU32(bytes, 28) : 0;
    this.header = { version: v1 ? 1 : 2, segmentId: this.segment.id, baseLsn: 1, salt, previousEnd: 0 };
    this.salt = salt;
    this.frameHeaderBytes = frameHeaderBytesForSalt(salt);
  }

  protected override failHeader(action: RecoveryAction, finding: Finding, cause: HeaderFailureCause): Result<void> {
    if (action === 'fail-damaged') return this.failDamaged(0, cause);
    if (action === 'stop-cut') return this.startCut(0, cause, this.torn);
    return super.failHeader(action, finding, cause);
  }

  /**
   * Salvage learns whether live frames follow a spot by skipping to the next one; when none comes
   * before the segment ends, the end is what it would be under the default (a clean end, a torn
   * tail) or a skipped range to the end (a sealed v1 segment). A sealed v1 segment's spot is cut at
   * once under point-in-time: nothing behind it changes that.
   */
  protected override onSpot(offsetBytes: number, cause: DecodeFailureCause, spot: Uint8Array, after: Uint8Array, afterOffset: number): Result<void> {
    const version = this.header?.version ?? 2;
    // Stryker disable next-line ConditionalExpression: a v1 spot read as zeros instead of torn is taken alike (rule E2), and its reported cause is the decode's
    const kind = endKindAt(spot, cause, version === 2);
    // Stryker disable next-line ConditionalExpression: skip-damage is the action of skip-corrupted only, the one policy with skips
    if (this.skips !== null && decideRecovery(endFinding(version, this.role, kind, true), this.role, 'some', this.policy) === 'skip-damage') {
      this.resyncSpot = { at: 'frame', offsetBytes, kind, cause };
      this.resyncDebrisEnd = this.spotDebrisEnd(offsetBytes, cause, spot);
      this.resync = new ReplayResync(afterOffset, this.salt);
      this.phase = 'resync';
      return this.scan(after);
    }
    if (version === 1 && this.role === 'sealed' && decideRecovery('frame-undecodable', 'sealed', 'none', this.policy) === 'stop-cut') {
      const cut = this.startCut(offsetBytes, cause, null);
      return cut.ok ? this.scan(after) : cut;
    }
    return super.onSpot(offsetBytes, cause, spot, after, afterOffset);
  }

  /** The table chose an action only a policy's column has, at the end of a segment's live frames. */
  protected override policyAction(action: RecoveryAction, finding: Finding, tear: FrameTear): Result<void> {
    const cause = endCause(tear.kind, tear.cause);
    switch (action) {
      case 'fail-damaged':
        return this.failDamaged(tear.offsetBytes, cause);
      case 'stop-cut': {
        // Decided when the segment ended (its scan done): the cut of this segment is complete.
        const cut = this.startCut(tear.offsetBytes, cause, this.torn);
        this.closeCutSegment();
        return cut;
      }
      case 'skip-damage':
        // A sealed v1 segment with no frame after the damage: skipped to its end.
        this.skips?.begin(this.segment, tear.offsetBytes, cause, this.records.previousLsn, this.records.dropOpen());
        this.skips?.end(this.segmentOffset);
        this.closeSegment(this.segmentOffset, this.records.segmentBaseLsn, 'file-end', this.segmentOffset, this.salt);
        this.phase = 'between-segments';
        return OK;
      default:
        return super.policyAction(action, finding, tear);
    }
  }

  /**
   * A sealed segment whose live frames end short of where its successor's header says. Row R8's
   * column is stop-cut or skip-damage here (absolute fails with Corruption before this is asked);
   * any other action is the table's change, which the base class refuses.
   */
  protected override previousEndAction(action: RecoveryAction, previous: SegmentEndFacts, header: SegmentHeader): Result<void> {
    const cause = endCause(previous.kind, previous.cause);
    if (action === 'stop-cut') return this.cutAtPreviousEnd(previous, cause);
    if (action !== 'skip-damage') return super.previousEndAction(action, previous, header);
    // The frames the end lost are a skipped range of that segment; the transactions open across it go.
    this.skips?.begin({ name: previous.name, id: previous.id }, previous.endBytes, cause, previous.lsnBefore, this.records.dropOpen());
    this.skips?.end(header.previousEnd);
    return OK;
  }

  protected override closeSegment(validBytes: number, baseLsn: Lsn, end: EndKind, liveEndBytes: number, salt: number): void {
    if (this.headerSkipped === null || this.role !== 'active' || this.records.firstLsnInSegment !== null) {
      super.closeSegment(validBytes, baseLsn, end, liveEndBytes, salt);
      return;
    }
    // A damaged header of the active segment with no record after it: the row for none (R4) holds,
    // a torn creation, and nothing in this segment was a skipped range.
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
    this.logEnd = { segment: this.segment.name, segmentId: this.segment.id, offsetBytes: 0, kind: 'torn' };
    super.closeSegment(0, this.records.maxLsn + 1, 'torn', 0, 0);
    this.phase = 'stopped';
  }

  // ---- a damage error, a cut, a skip -------------------------------------------------------------

  private failDamaged(offsetBytes: number, cause: DecodeFailureCause | HeaderFailureCause): Result<never> {
    const lsn = this.records.previousLsn === 0 ? null : this.records.previousLsn;
    return this.fail({ code: 'Damaged', policy: this.policy, segment: this.segment.name, offsetBytes, lsn, cause });
  }

  /**
   * point-in-time: the log ends at `offsetBytes` of this segment. The segment is reported up to
   * there, and every byte after it, in this segment and the later ones, goes to the cut. A spot
   * being scanned carries on as the cut's scan of this segment.
   */
  private startCut(offsetBytes: number, cause: DecodeFailureCause | HeaderFailureCause, spot: ReplayTear | null): Result<void> {
    const lsn = this.records.previousLsn === 0 ? null : this.records.previousLsn;
    const salt = offsetBytes === 0 ? ANY_SALT : this.salt;
    this.cut = new ReplayCut({ segment: this.segment.name, segmentId: this.segment.id, offsetBytes }, lsn, cause, spot, salt);
    this.cutFrom = offsetBytes;
    this.torn = null;
    this.logEnd = { segment: this.segment.name, segmentId: this.segment.id, offsetBytes, kind: 'torn' };
    const base = offsetBytes === 0 ? this.records.maxLsn + 1 : this.records.segmentBaseLsn;
    // A cut at the header (offset 0) read no header, so the salt is still beginSegment's 0.
    super.closeSegment(offsetBytes, base, 'torn', offsetBytes, this.salt);
    this.records.endOfLog();
    this.phase = 'cut';
    return OK;
  }

  /** point-in-time: the log ends where the previous segment's live frames do; this segment is cut whole. */
  private cutAtPreviousEnd(previous: SegmentEndFacts, cause: DecodeFailureCause): Result<void> {
    const lsn = previous.lsnBefore === 0 ? null : previous.lsnBefore;
    this.cut = new ReplayCut({ segment: previous.name, segmentId: previous.id, offsetBytes: previous.endBytes }, lsn, cause);
    this.cut.endSegment(previous.sizeBytes, previous.endBytes);
    this.cut.beginSegment(this.segment.name);
    this.cutFrom = 0;
    this.cutSegmentClosed = false;
    this.torn = null;
    this.logEnd = { segment: previous.name, segmentId: previous.id, offsetBytes: previous.endBytes, kind: 'torn' };
    this.records.endOfLog();
    this.phase = 'cut';
    return OK;
  }

  private closeCutSegment(): void {
    if (!this.cutSegmentClosed) {
      this.cut?.endSegment(this.segmentOffset, this.cutFrom);
      this.resizeSegment(this.segment.name, this.segmentOffset);
    }
    this.cutSegmentClosed = true;
  }

  /** A live frame after the damage: the skipped range ends there and frames are read again. */
  private resume(found: Extract<ResyncResult, { found: true }>): Result<void> {
    const spot = this.resyncSpot;
    if (spot !== null) this.skips?.begin(this.segment, spot.offsetBytes, endCause(spot.kind, spot.cause), this.records.previousLsn, this.records.dropOpen());
    this.skips?.end(found.offsetBytes);
    this.resync = null;
    this.resyncSpot = null;
    this.phase = 'frames';
    return this.readFrames(found.rest, 0, found.offsetBytes);
  }

  /** The segment ended while skipping: the last candidate settles it, else the end is decided as if no frame followed. */
  private endResync(): Result<void> {
    const found = this.resync?.finish() ?? { found: false };
    if (found.found) return this.resume(found);
    const spot = this.resyncSpot;
    this.resync = null;
    this.resyncSpot = null;
    // Stryker disable next-line StringLiteral: the message of a broken invariant no input reaches (every resync starts at a spot)
    if (spot === null) throw new Error('replay: a resync without its spot');
    return this.decideEnd(spot, 'none', this.resyncDebrisEnd);
  }
}
