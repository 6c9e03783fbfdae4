// The replay machine under a recovery policy other than the default (replay-decision.ts, the
// columns; recovery-policy.ts, the contracts). It is the replay machine with the policy's column:
// where the default fails or cuts a torn tail, it may also
//   - refuse what the default cuts off (absolute: a Damaged error naming the policy);
//   - cut the log at the first damage anywhere (point-in-time): the rest of the log is read only
//     to count its LSNs (replay-cut.ts) and reported as cut;
//   - skip to the next whole frame and go on (skip-corrupted): replay-resync.ts finds the frame,
//     replay-skip.ts keeps the ranges and passes over the transactions they may have damaged. A
//     damaged header is skipped too, and whether records followed it settles its row when the
//     segment ends (no record in the active segment: a torn creation after all).
// ReplayDriver builds this machine only when such a policy is asked for, so the default path is
// the replay machine alone.

import type { DecodeFailureCause, HeaderFailureCause, RecoveryPolicy, Result } from './errors.js';
import type { Lsn } from './records.js';
import { ReplayCut } from './replay-cut.js';
import { classifyHeaderFailure, decideRecovery, framesAfterDecides, type Finding, type RecoveryAction } from './replay-decision.js';
import { ReplayMachine } from './replay-machine.js';
import type { ReplayMachineOptions, ReplaySummary, SegmentStart } from './replay-outcome.js';
import { ReplayResync, type ResyncResult } from './replay-resync.js';
import { ReplaySkip } from './replay-skip.js';
import { decodeSegmentHeader } from './segment-header.js';

const OK: Result<void> = { ok: true, value: undefined };

export class ReplayPolicyMachine extends ReplayMachine {
  private readonly policy: RecoveryPolicy;
  private readonly skips: ReplaySkip | null;
  private resync: ReplayResync | null = null;
  /** What the table says when a resync reaches the end of the segment without a whole frame. */
  private resyncNone: RecoveryAction = 'skip-damage';
  private resyncFrom = 0;
  /** Why this segment's header was skipped (skip-corrupted), until the segment ends. */
  private headerSkipped: HeaderFailureCause | null = null;
  private cut: ReplayCut | null = null;
  private cutFrom = 0;

  constructor(options: ReplayMachineOptions) {
    const policy = options.policy ?? 'tolerate-torn-tail';
    const skips = policy === 'skip-corrupted' ? new ReplaySkip() : null;
    super(options, skips);
    this.policy = policy;
    this.skips = skips;
  }

  override beginSegment(segment: SegmentStart): Result<void> {
    this.headerSkipped = null;
    if (this.cut === null) return super.beginSegment(segment);
    // After a cut every later segment is cut whole: read only for its LSNs.
    this.cut.beginSegment(segment.name);
    this.segmentOffset = 0;
    this.cutFrom = 0;
    return OK;
  }

  override push(chunk: Uint8Array): Result<void> {
    if (this.phase !== 'resync' && this.phase !== 'cut') return super.push(chunk);
    this.segmentOffset += chunk.length;
    return this.scan(chunk);
  }

  override endSegment(): Result<void> {
    switch (this.phase) {
      case 'resync': {
        const ended = this.endResync();
        return ended.ok ? this.endSegment() : ended;
      }
      case 'cut':
        this.cut?.endSegment(this.segmentOffset, this.cutFrom);
        return OK;
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
      case 'frames': {
        // A resync found its frame within bytes already read: read on from these.
        const start = this.segmentOffset - bytes.length;
        return this.carry.sizeBytes === 0 ? this.readFrames(bytes, 0, start) : this.pushFrames(bytes, start);
      }
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
      this.phase = 'frames';
      return OK;
    }
    if (framesAfterDecides(finding, this.role, this.policy)) return this.startScan({ at: 'header', cause: decoded.cause }, new Uint8Array(0));
    return this.failHeader(decideRecovery(finding, this.role, 'none', this.policy), finding, decoded.cause);
  }

  protected override decideTornHeader(cause: HeaderFailureCause, framesAfter: 'none' | 'some'): Result<void> {
    return this.failHeader(decideRecovery('header-torn', this.role, framesAfter, this.policy), 'header-torn', cause);
  }

  protected override failHeader(action: RecoveryAction, finding: Finding, cause: HeaderFailureCause): Result<void> {
    if (action === 'fail-damaged') return this.failDamaged(0, cause);
    if (action === 'stop-cut') return this.startCut(0, cause);
    return super.failHeader(action, finding, cause);
  }

  protected override onUndecodable(offsetBytes: number, cause: DecodeFailureCause, after: Uint8Array): Result<void> {
    // Salvage learns whether frames follow by skipping to the next one; the row for none settles
    // the case where none comes before the segment ends.
    if (decideRecovery('frame-undecodable', this.role, 'some', this.policy) === 'skip-damage') {
      this.skips?.begin(this.segment, offsetBytes, cause, this.records.previousLsn, this.records.dropOpen());
      this.resync = new ReplayResync(offsetBytes + 1);
      this.resyncNone = decideRecovery('frame-undecodable', this.role, 'none', this.policy);
      this.resyncFrom = offsetBytes;
      this.phase = 'resync';
      return this.scan(after);
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
        return this.scan(after);
      default:
        return this.unexpected(action, 'frame-undecodable');
    }
  }

  protected override closeSegment(validBytes: number, baseLsn: Lsn): void {
    if (this.headerSkipped === null || this.role !== 'active' || this.records.firstLsnInSegment !== null) {
      super.closeSegment(validBytes, baseLsn);
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
    super.closeSegment(0, this.records.maxLsn + 1);
    this.phase = 'stopped';
  }

  // ---- a damage error, a cut, a skip -------------------------------------------------------------

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
    this.cut = new ReplayCut({ segment: this.segment.name, segmentId: this.segment.id, offsetBytes }, lsn, cause, this.torn);
    this.cutFrom = offsetBytes;
    this.torn = null;
    super.closeSegment(offsetBytes, offsetBytes === 0 ? this.records.maxLsn + 1 : this.records.segmentBaseLsn);
    this.records.endOfLog();
    this.phase = 'cut';
    return OK;
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
    if (this.resyncNone === 'skip-damage') {
      this.skips?.end(this.segmentOffset);
      this.phase = 'frames';
      return OK;
    }
    if (this.resyncNone !== 'stop-torn-tail') return this.unexpected(this.resyncNone, 'frame-undecodable');
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
}
