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
//
// The columns: one action per recovery policy (recovery-policy.ts), each a named contract.
// 'tolerate-torn-tail' is the default and what replay always did; 'absolute' refuses the damage the
// default cuts off; 'point-in-time' cuts the log at the first damage anywhere; 'skip-corrupted'
// skips damaged bytes to the next whole frame and goes on. No policy guesses at a readable header
// of another version or segment (R2): that is not damage, and its data may be someone's.

import type { HeaderFailureCause, RecoveryPolicy } from './errors.js';

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
  | 'stop-torn-creation' // report a torn header (offset 0); the shell rewrites it, base = maxLsn + 1
  | 'fail-damaged' // stop with a Damaged error naming the policy: the damage is refused, not recovered around
  | 'stop-cut' // cut the log here: the rest of it is reported as cut, and openWal moves it aside
  | 'skip-damage'; // skip to the next whole frame, report the range, drop the transactions it may hold a record of

/** One action per policy: the columns of the table. */
export type PolicyColumns = { readonly [P in RecoveryPolicy]: RecoveryAction };

export interface RecoveryDecision {
  readonly label: string;
  readonly finding: Finding;
  readonly role: SegmentRole | '*';
  readonly framesAfter: FramesAfter | '*';
  readonly actions: PolicyColumns;
  readonly why: string;
}

/** The columns of a row that every policy treats alike. */
const everyPolicy = (action: RecoveryAction): PolicyColumns => ({
  'tolerate-torn-tail': action,
  absolute: action,
  'point-in-time': action,
  'skip-corrupted': action,
});

export const FINDINGS: readonly Finding[] = ['header-valid', 'header-torn', 'header-foreign', 'frame-valid', 'frame-undecodable', 'segment-end'];
export const SEGMENT_ROLES: readonly SegmentRole[] = ['sealed', 'active'];
export const FRAMES_AFTER: readonly FramesAfter[] = ['none', 'some'];
export const POLICIES: readonly RecoveryPolicy[] = ['tolerate-torn-tail', 'absolute', 'point-in-time', 'skip-corrupted'];

export const RECOVERY_DECISIONS: readonly RecoveryDecision[] = [
  {
    label: 'R1 header ok',
    finding: 'header-valid',
    role: '*',
    framesAfter: '*',
    actions: everyPolicy('read-frames'),
    why: 'a header that decodes with a good checksum names its segment and base LSN',
  },
  {
    label: 'R2 foreign header',
    finding: 'header-foreign',
    role: '*',
    framesAfter: '*',
    actions: everyPolicy('fail-bad-header'),
    why: 'a readable header of another version or another segment must not be overwritten or guessed at',
  },
  {
    label: 'R3 torn header, sealed',
    finding: 'header-torn',
    role: 'sealed',
    framesAfter: '*',
    actions: { 'tolerate-torn-tail': 'fail-bad-header', absolute: 'fail-bad-header', 'point-in-time': 'stop-cut', 'skip-corrupted': 'skip-damage' },
    why: 'a sealed segment was fsynced before its successor was created, so its header cannot be a crash leftover',
  },
  {
    label: 'R4 torn creation',
    finding: 'header-torn',
    role: 'active',
    framesAfter: 'none',
    actions: { 'tolerate-torn-tail': 'stop-torn-creation', absolute: 'fail-damaged', 'point-in-time': 'stop-torn-creation', 'skip-corrupted': 'stop-torn-creation' },
    why: 'a crash while creating the newest segment leaves a short or garbled header and nothing after it',
  },
  {
    label: 'R5 damaged header before frames',
    finding: 'header-torn',
    role: 'active',
    framesAfter: 'some',
    actions: { 'tolerate-torn-tail': 'fail-bad-header', absolute: 'fail-bad-header', 'point-in-time': 'stop-cut', 'skip-corrupted': 'skip-damage' },
    why: 'frames behind the header prove it was once written whole: it was damaged later, and rewriting it could hide data',
  },
  {
    label: 'R6 frame ok',
    finding: 'frame-valid',
    role: '*',
    framesAfter: '*',
    actions: everyPolicy('apply-record'),
    why: 'a frame with a good checksum is a record; the malformed-log rules judge its content',
  },
  {
    label: 'R7 clean end',
    finding: 'segment-end',
    role: '*',
    framesAfter: '*',
    actions: everyPolicy('next-segment'),
    why: 'the bytes ended exactly at a frame boundary',
  },
  {
    label: 'R8 bad frame, sealed',
    finding: 'frame-undecodable',
    role: 'sealed',
    framesAfter: '*',
    actions: { 'tolerate-torn-tail': 'fail-corruption', absolute: 'fail-corruption', 'point-in-time': 'stop-cut', 'skip-corrupted': 'skip-damage' },
    why: 'a sealed segment was fsynced whole; bytes that do not decode there are damage, never a crash leftover',
  },
  {
    label: 'R9 torn tail',
    finding: 'frame-undecodable',
    role: 'active',
    framesAfter: 'none',
    actions: { 'tolerate-torn-tail': 'stop-torn-tail', absolute: 'fail-damaged', 'point-in-time': 'stop-torn-tail', 'skip-corrupted': 'stop-torn-tail' },
    why: 'the active segment may end in a partly persisted write; replay stops there and the shell truncates it',
  },
  {
    label: 'R10 damage before whole frames, active',
    finding: 'frame-undecodable',
    role: 'active',
    framesAfter: 'some',
    actions: { 'tolerate-torn-tail': 'stop-torn-tail', absolute: 'fail-damaged', 'point-in-time': 'stop-torn-tail', 'skip-corrupted': 'skip-damage' },
    why: 'whole frames after the bad spot hint at damage (or an unordered disk); the default still truncates there and reports them, salvage skips to them',
  },
];

function matches(row: RecoveryDecision, finding: Finding, role: SegmentRole, framesAfter: FramesAfter): boolean {
  return row.finding === finding && (row.role === '*' || row.role === role) && (row.framesAfter === '*' || row.framesAfter === framesAfter);
}

/** The rows that match a combination of facts; the completeness test demands exactly one. */
export function matchingDecisions(finding: Finding, role: SegmentRole, framesAfter: FramesAfter): readonly RecoveryDecision[] {
  return RECOVERY_DECISIONS.filter((row) => matches(row, finding, role, framesAfter));
}

// The table is compiled once into an array indexed by the facts and the policy, so replay can
// consult it for every frame at the cost of one array load.

const FINDING_INDEX: { readonly [F in Finding]: number } = {
  'header-valid': 0,
  'header-torn': 1,
  'header-foreign': 2,
  'frame-valid': 3,
  'frame-undecodable': 4,
  'segment-end': 5,
};

const POLICY_INDEX: { readonly [P in RecoveryPolicy]: number } = { 'tolerate-torn-tail': 0, absolute: 1, 'point-in-time': 2, 'skip-corrupted': 3 };

function factIndex(finding: Finding, role: SegmentRole, framesAfter: FramesAfter, policy: RecoveryPolicy): number {
  return POLICY_INDEX[policy] * 24 + FINDING_INDEX[finding] * 4 + (role === 'sealed' ? 0 : 2) + (framesAfter === 'none' ? 0 : 1);
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
        for (const policy of POLICIES) actions[factIndex(finding, role, framesAfter, policy)] = row.actions[policy];
      }
    }
  }
  return actions;
}

const COMPILED: readonly RecoveryAction[] = compile();

// Replay applies every frame that decodes without asking the table each time (row R6); a table
// that said otherwise would need a replay that asks.
for (const policy of POLICIES) {
  for (const role of SEGMENT_ROLES) {
    if (COMPILED[factIndex('frame-valid', role, 'none', policy)] !== 'apply-record') {
      throw new Error(`replay decision table: a valid frame in a ${role} segment is not applied under ${policy}`);
    }
  }
}

/** The action of the one row matching the facts, in the column of `policy` (the default's when omitted). */
export function decideRecovery(finding: Finding, role: SegmentRole, framesAfter: FramesAfter, policy: RecoveryPolicy = 'tolerate-torn-tail'): RecoveryAction {
  return COMPILED[factIndex(finding, role, framesAfter, policy)]!;
}

/** Whether the framesAfter fact changes the action; replay looks ahead only when it does. */
export function framesAfterDecides(finding: Finding, role: SegmentRole, policy: RecoveryPolicy = 'tolerate-torn-tail'): boolean {
  return decideRecovery(finding, role, 'none', policy) !== decideRecovery(finding, role, 'some', policy);
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
