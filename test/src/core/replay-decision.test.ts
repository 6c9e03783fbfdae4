import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../../src/core/codec.js';
import type { WalErrorInfo } from '../../../src/core/errors.js';
import {
  decideRecovery,
  FINDINGS,
  FRAMES_AFTER,
  matchingDecisions,
  POLICIES,
  RECOVERY_DECISIONS,
  SEGMENT_ROLES,
  type Finding,
  type FramesAfter,
  type RecoveryAction,
  type SegmentRole,
} from '../../../src/core/replay-decision.js';
import { replay } from '../../../src/core/replay.js';
import { RECOVERY_POLICY_NAMES } from '../../../src/core/recovery-policy.js';
import type { ReplayOutcome } from '../../../src/core/replay-outcome.js';
import { segmentFileName } from '../../../src/core/format.js';
import { encodeSegmentHeader, segmentSalt } from '../../../src/core/segment-header.js';
import { concat, segment, type SegmentInput } from './log-builder.js';

const framesFor = (salt: number): Uint8Array =>
  concat([encodeFrame({ kind: 'TxBegin', lsn: 8 }, salt), encodeFrame({ kind: 'TxCommit', lsn: 9, txBeginLsn: 8 }, salt)]);
const prior = segment(1, 1, [{ kind: 'TxBegin', lsn: 1 }]);

/**
 * Builds the segment under test so that the facts hold at the spot the finding names, placed as
 * the sealed first segment (followed by a good one) or as the active last one. Returns null for
 * the combinations no bytes can produce (a clean header or frame has no "frames after" fact of
 * its own; those rows are wildcards and replay reads on).
 */
function scenario(finding: Finding, role: SegmentRole, framesAfter: FramesAfter): SegmentInput[] | null {
  const id = role === 'sealed' ? 1 : 2;
  const salt = segmentSalt(id, 8);
  const frames = framesFor(salt);
  const header = encodeSegmentHeader({ segmentId: id, baseLsn: 8, salt, previousEnd: id === 2 ? prior.bytes.length : 0 });
  const tail = framesAfter === 'some' ? frames : new Uint8Array(0);
  let bytes: Uint8Array;
  switch (finding) {
    case 'header-valid':
    case 'frame-valid':
    case 'segment-end':
      if (framesAfter === 'some') return null;
      bytes = concat([header, frames]);
      break;
    case 'header-torn': {
      // A bad magic: torn, yet its salt still names the life of the frames behind it (salvage
      // reads them under it; a header whose salt is lost leaves frames no life can claim).
      const torn = header.slice();
      torn[0] = torn[0]! ^ 0xff;
      bytes = concat([torn, tail]);
      break;
    }
    case 'header-foreign':
      bytes = concat([encodeSegmentHeader({ segmentId: id + 5, baseLsn: 8, salt }), tail]);
      break;
    case 'frame-undecodable':
      bytes = concat([header, new Uint8Array([40, 0, 0, 0, 1, 2, 3, 4, 5]), tail]);
      break;
  }
  const subject = { name: segmentFileName(id), id, bytes };
  // A sealed subject is followed by a segment whose header says where the subject's live frames
  // end (all of it): a sealed v2 segment whose frames stop earlier is corrupt.
  return role === 'sealed' ? [subject, segment(2, 20, [], { previousEnd: bytes.length })] : [prior, subject];
}

/** The action replay's result shows it took for the subject segment. */
function actionTaken(result: { ok: true; value: ReplayOutcome } | { ok: false; error: WalErrorInfo }): RecoveryAction | 'other' {
  if (!result.ok) {
    if (result.error.code === 'BadSegmentHeader') return 'fail-bad-header';
    if (result.error.code === 'Corruption') return 'fail-corruption';
    if (result.error.code === 'Damaged') return 'fail-damaged';
    return 'other';
  }
  if (result.value.policyReport?.cut != null) return 'stop-cut';
  if ((result.value.policyReport?.skipped.length ?? 0) > 0) return 'skip-damage';
  const torn = result.value.tornTail;
  if (torn === null) return 'next-segment';
  return torn.headerTorn ? 'stop-torn-creation' : 'stop-torn-tail';
}

describe('replay: the recovery decision table', () => {
  it('is complete: every combination of finding, role and frames-after matches exactly one row', () => {
    for (const finding of FINDINGS) {
      for (const role of SEGMENT_ROLES) {
        for (const framesAfter of FRAMES_AFTER) {
          expect(matchingDecisions(finding, role, framesAfter).length, `${finding}/${role}/${framesAfter}`).toBe(1);
        }
      }
    }
  });

  it('enumerates every finding, role and frames-after fact the rows name, with no duplicate', () => {
    for (const row of RECOVERY_DECISIONS) {
      expect(FINDINGS, row.label).toContain(row.finding);
      if (row.role !== '*') expect(SEGMENT_ROLES, row.label).toContain(row.role);
      if (row.framesAfter !== '*') expect(FRAMES_AFTER, row.label).toContain(row.framesAfter);
    }
    for (const list of [FINDINGS, SEGMENT_ROLES, FRAMES_AFTER]) expect(new Set<string>(list).size).toBe(list.length);
    // A wildcard row stands for every value of its column, so each column has a value of its own.
    expect(SEGMENT_ROLES.length * FRAMES_AFTER.length).toBeGreaterThan(1);
  });

  it('labels its rows R1, R2, … in order, each with a name and a reason', () => {
    RECOVERY_DECISIONS.forEach((row, i) => {
      expect(row.label).toMatch(new RegExp(`^R${i + 1} \\S`));
      expect(row.why.length, row.label).toBeGreaterThan(10);
    });
  });

  it('has unique labels and no row that no combination reaches', () => {
    expect(new Set(RECOVERY_DECISIONS.map((r) => r.label)).size).toBe(RECOVERY_DECISIONS.length);
    for (const row of RECOVERY_DECISIONS) {
      const reached = FINDINGS.some((f) => SEGMENT_ROLES.some((r) => FRAMES_AFTER.some((a) => matchingDecisions(f, r, a)[0] === row)));
      expect(reached, row.label).toBe(true);
    }
  });

  it('has one labelled column per recovery policy, the default first, and every column is complete', () => {
    expect(POLICIES).toEqual(RECOVERY_POLICY_NAMES);
    expect(POLICIES[0]).toBe('tolerate-torn-tail');
    for (const row of RECOVERY_DECISIONS) expect(Object.keys(row.actions).sort(), row.label).toEqual([...POLICIES].sort());
    for (const policy of POLICIES) {
      for (const finding of FINDINGS) {
        for (const role of SEGMENT_ROLES) {
          for (const framesAfter of FRAMES_AFTER) expect(decideRecovery(finding, role, framesAfter, policy), `${policy} ${finding}/${role}/${framesAfter}`).toBeTypeOf('string');
        }
      }
    }
  });

  it('the default column is the table replay always had, and each other policy departs from it only on damage', () => {
    const damage = new Set<RecoveryAction>(['fail-bad-header', 'fail-corruption', 'stop-torn-tail', 'stop-torn-creation']);
    for (const row of RECOVERY_DECISIONS) {
      for (const policy of POLICIES) {
        if (row.actions[policy] !== row.actions['tolerate-torn-tail']) expect(damage.has(row.actions['tolerate-torn-tail']), `${row.label} under ${policy}`).toBe(true);
      }
      // A readable header of another version or segment is not damage: no policy guesses at it.
      if (row.finding === 'header-foreign') for (const policy of POLICIES) expect(row.actions[policy]).toBe('fail-bad-header');
    }
    // skip-corrupted is never the default, and absolute refuses every torn spot the default cuts off.
    for (const row of RECOVERY_DECISIONS) {
      if (row.actions['tolerate-torn-tail'] === 'stop-torn-tail' || row.actions['tolerate-torn-tail'] === 'stop-torn-creation') expect(row.actions.absolute).toBe('fail-damaged');
    }
  });

  it('replay does what the matching row says, in every policy column, for every combination bytes can produce', () => {
    let checked = 0;
    for (const policy of POLICIES) {
      for (const finding of FINDINGS) {
        for (const role of SEGMENT_ROLES) {
          for (const framesAfter of FRAMES_AFTER) {
            const segments = scenario(finding, role, framesAfter);
            if (segments === null) continue;
            const expected = decideRecovery(finding, role, framesAfter, policy);
            // A good header or frame leads replay on to the clean end of the segment.
            const visible = expected === 'read-frames' || expected === 'apply-record' ? 'next-segment' : expected;
            const result = replay({ segments, checkpointLsn: 0, policy });
            expect(actionTaken(result), `${policy}: ${finding}/${role}/${framesAfter}`).toBe(visible);
            if (result.ok && expected === 'stop-torn-tail') expect(result.value.tornTail!.validFramesAfter).toBe(framesAfter === 'some');
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(18 * POLICIES.length);
  });
});
