// Recovery as a decision table, kept as data (in the manner of TigerBeetle's journal.zig): every
// situation replay can meet while sweeping a segment is described by three facts, and exactly one
// labelled row says what to do. test/src/core/replay-decision.test.ts checks that the rows cover every
// combination of the facts exactly once and that replay does what the matching row says.
// docs/format.md ("Recovery") states the same table in words.
//
// The facts:
// - finding: what replay just read. A header that decodes; a header that reads as torn (short,
//   bad magic, bad checksum: what a crash while creating the file can leave); a header that is
//   readable but not ours to take over (another format version, another segment's id); a frame
//   that decodes; a frame that does not; the clean end of the segment's bytes.
// - role: 'sealed' for every segment but the last, 'active' for the last one. Only the active
//   segment can have been written to when the crash happened, because rotation fsyncs a segment
//   before the next one is created; so only there can undecodable bytes be a crash leftover.
// - framesAfter: whether whole frames with good checksums follow the bad spot. A torn write leaves
//   none behind it under the ordered fault model; finding some is the hint of corruption (or of a
//   crash under an unordered disk), which the report carries so the host can decide to warn.

import type { HeaderFailureCause } from './errors.js';

export type Finding = 'header-valid' | 'header-torn' | 'header-foreign' | 'frame-valid' | 'frame-undecodable' | 'segment-end';
export type SegmentRole = 'sealed' | 'active';
export type FramesAfter = 'none' | 'some';

export type RecoveryAction =
  | 'read-frames' // the header is good: check its base LSN, then read frames after it
  | 'apply-record' // check the record against the malformed-log rules, then apply it
  | 'next-segment' // this segment ended cleanly; go on with the next one
  | 'fail-bad-header' // stop with a BadSegmentHeader error
  | 'fail-corruption' // stop with a Corruption error naming segment, offset and last good LSN
  | 'stop-torn-tail' // report a torn tail at this offset; the shell truncates the segment there
  | 'stop-torn-creation'; // report a torn header (offset 0); the shell rewrites it, base = maxLsn + 1

export interface RecoveryDecision {
  readonly label: string;
  readonly finding: Finding;
  readonly role: SegmentRole | '*';
  readonly framesAfter: FramesAfter | '*';
  readonly action: RecoveryAction;
  readonly why: string;
}

export const FINDINGS: readonly Finding[] = ['header-valid', 'header-torn', 'header-foreign', 'frame-valid', 'frame-undecodable', 'segment-end'];
export const SEGMENT_ROLES: readonly SegmentRole[] = ['sealed', 'active'];
export const FRAMES_AFTER: readonly FramesAfter[] = ['none', 'some'];

export const RECOVERY_DECISIONS: readonly RecoveryDecision[] = [
  {
    label: 'R1 header ok',
    finding: 'header-valid',
    role: '*',
    framesAfter: '*',
    action: 'read-frames',
    why: 'a header that decodes with a good checksum names its segment and base LSN',
  },
  {
    label: 'R2 foreign header',
    finding: 'header-foreign',
    role: '*',
    framesAfter: '*',
    action: 'fail-bad-header',
    why: 'a readable header of another version or another segment must not be overwritten or guessed at',
  },
  {
    label: 'R3 torn header, sealed',
    finding: 'header-torn',
    role: 'sealed',
    framesAfter: '*',
    action: 'fail-bad-header',
    why: 'a sealed segment was fsynced before its successor was created, so its header cannot be a crash leftover',
  },
  {
    label: 'R4 torn creation',
    finding: 'header-torn',
    role: 'active',
    framesAfter: 'none',
    action: 'stop-torn-creation',
    why: 'a crash while creating the newest segment leaves a short or garbled header and nothing after it',
  },
  {
    label: 'R5 damaged header before frames',
    finding: 'header-torn',
    role: 'active',
    framesAfter: 'some',
    action: 'fail-bad-header',
    why: 'frames behind the header prove it was once written whole: it was damaged later, and rewriting it could hide data',
  },
  {
    label: 'R6 frame ok',
    finding: 'frame-valid',
    role: '*',
    framesAfter: '*',
    action: 'apply-record',
    why: 'a frame with a good checksum is a record; the malformed-log rules judge its content',
  },
  {
    label: 'R7 clean end',
    finding: 'segment-end',
    role: '*',
    framesAfter: '*',
    action: 'next-segment',
    why: 'the bytes ended exactly at a frame boundary',
  },
  {
    label: 'R8 bad frame, sealed',
    finding: 'frame-undecodable',
    role: 'sealed',
    framesAfter: '*',
    action: 'fail-corruption',
    why: 'a sealed segment was fsynced whole; bytes that do not decode there are damage, never a crash leftover',
  },
  {
    label: 'R9 torn tail',
    finding: 'frame-undecodable',
    role: 'active',
    framesAfter: '*',
    action: 'stop-torn-tail',
    why: 'the active segment may end in a partly persisted write; replay stops there and reports whether whole frames follow',
  },
];

function matches(row: RecoveryDecision, finding: Finding, role: SegmentRole, framesAfter: FramesAfter): boolean {
  return row.finding === finding && (row.role === '*' || row.role === role) && (row.framesAfter === '*' || row.framesAfter === framesAfter);
}

/** The rows that match a combination of facts; the completeness test demands exactly one. */
export function matchingDecisions(finding: Finding, role: SegmentRole, framesAfter: FramesAfter): readonly RecoveryDecision[] {
  return RECOVERY_DECISIONS.filter((row) => matches(row, finding, role, framesAfter));
}

// The table is compiled once into an array indexed by the facts, so replay can consult it for
// every frame at the cost of one array load.

const FINDING_INDEX: { readonly [F in Finding]: number } = {
  'header-valid': 0,
  'header-torn': 1,
  'header-foreign': 2,
  'frame-valid': 3,
  'frame-undecodable': 4,
  'segment-end': 5,
};

function factIndex(finding: Finding, role: SegmentRole, framesAfter: FramesAfter): number {
  return FINDING_INDEX[finding] * 4 + (role === 'sealed' ? 0 : 2) + (framesAfter === 'none' ? 0 : 1);
}

function compile(): RecoveryAction[] {
  const actions: RecoveryAction[] = [];
  for (const finding of FINDINGS) {
    for (const role of SEGMENT_ROLES) {
      for (const framesAfter of FRAMES_AFTER) {
        const rows = matchingDecisions(finding, role, framesAfter);
        const row = rows[0];
        if (rows.length !== 1 || row === undefined) {
          throw new Error(`replay decision table: ${rows.length} rows match ${finding}/${role}/${framesAfter}`);
        }
        actions[factIndex(finding, role, framesAfter)] = row.action;
      }
    }
  }
  return actions;
}

const COMPILED: readonly RecoveryAction[] = compile();

// Replay applies every frame that decodes without asking the table each time (row R6); a table
// that said otherwise would need a replay that asks.
for (const role of SEGMENT_ROLES) {
  if (COMPILED[factIndex('frame-valid', role, 'none')] !== 'apply-record') throw new Error(`replay decision table: a valid frame in a ${role} segment is not applied`);
}

/** The action of the one row matching the facts. */
export function decideRecovery(finding: Finding, role: SegmentRole, framesAfter: FramesAfter): RecoveryAction {
  return COMPILED[factIndex(finding, role, framesAfter)]!;
}

/** Whether the framesAfter fact changes the action; replay scans ahead only when it does. */
export function framesAfterDecides(finding: Finding, role: SegmentRole): boolean {
  return decideRecovery(finding, role, 'none') !== decideRecovery(finding, role, 'some');
}

/**
 * A header failure either reads as torn (a crash while the file was being created can produce it)
 * or as foreign (a whole, readable header that is simply not this segment's in this format).
 */
export function classifyHeaderFailure(cause: HeaderFailureCause): 'header-torn' | 'header-foreign' {
  switch (cause) {
    case 'truncated-header':
    case 'bad-magic':
    case 'bad-header-checksum':
      return 'header-torn';
    case 'unsupported-version':
    case 'id-mismatch':
      return 'header-foreign';
  }
}
