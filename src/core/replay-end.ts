// Where a segment's live frames end, and what that end means (docs/format.md "Where a segment's
// frames end"). Replay reads live frames until a spot that is not one; this module names what the
// spot holds (zeros, a stale frame, a torn frame, or the end of the file) and maps the end onto the
// findings of the recovery decision table (replay-decision.ts), so the table itself is the same
// for both format versions:
//
//   | version | segment | end                        | live frames behind it | finding           |
//   | v1      | any     | file-end                   | -                     | segment-end       |
//   | v1      | any     | anything else              | -                     | frame-undecodable |
//   | v2      | any     | any                        | some                  | frame-undecodable |
//   | v2      | sealed  | zeros, stale or file-end   | none                  | segment-end (*)   |
//   | v2      | sealed  | torn                       | none                  | frame-undecodable |
//   | v2      | active  | torn                       | none                  | frame-undecodable |
//   | v2      | active  | zeros, stale or file-end   | none                  | segment-end       |
//
// (*) provided the next segment's header, when it names one, puts the end at the same offset;
// replay checks that when it reads that header (END_RULES below is the same table, as data, and
// test/src/core/replay-end.test.ts checks it complete).

import type { DecodeFailureCause } from './errors.js';
import { FRAME_HEADER_BYTES } from './format.js';
import type { SegmentRole } from './replay-decision.js';

/** What the spot after a segment's last live frame holds. */
export type EndKind = 'file-end' | 'zeros' | 'stale' | 'torn';
export const END_KINDS: readonly EndKind[] = ['file-end', 'zeros', 'stale', 'torn'];

/**
 * What the bytes at a spot that is not a live frame hold: `bytes` start at the spot (all that is
 * left of the segment, or at least its first FRAME_HEADER_BYTES), `cause` is why they did not
 * decode, `v2` whether the segment has a salt (in a v1 segment every such spot is torn).
 */
export function endKindAt(bytes: Uint8Array, cause: DecodeFailureCause, v2: boolean): EndKind {
  if (!v2) return 'torn';
  if (cause === 'stale-frame') return 'stale';
  const span = Math.min(bytes.length, FRAME_HEADER_BYTES);
  for (let i = 0; i < span; i++) if (bytes[i] !== 0) return 'torn';
  return 'zeros';
}

/** The decode cause an end stands for when it is reported (a sealed segment's Corruption, a torn tail). */
export function endCause(kind: EndKind, cause: DecodeFailureCause | null): DecodeFailureCause {
  if (cause !== null) return cause;
  return kind === 'zeros' ? 'bad-length' : kind === 'stale' ? 'stale-frame' : 'truncated-frame-header';
}

export type EndFinding = 'segment-end' | 'frame-undecodable';

export interface EndRule {
  readonly label: string;
  readonly version: 1 | 2;
  readonly role: SegmentRole | '*';
  readonly kinds: readonly EndKind[];
  readonly liveAfter: boolean | '*';
  readonly finding: EndFinding;
  readonly why: string;
}

export const END_RULES: readonly EndRule[] = [
  {
    label: 'E1 v1 ends at the file end',
    version: 1,
    role: '*',
    kinds: ['file-end'],
    liveAfter: '*',
    finding: 'segment-end',
    why: 'a v1 file is never preallocated: its frames end where the file does',
  },
  {
    label: 'E2 v1 bytes that do not decode',
    version: 1,
    role: '*',
    kinds: ['zeros', 'stale', 'torn'],
    liveAfter: '*',
    finding: 'frame-undecodable',
    why: 'a v1 file holds only frames; anything else is a torn write or damage (R8, R9 decide which)',
  },
  {
    label: 'E3 live frames behind the end',
    version: 2,
    role: '*',
    kinds: END_KINDS,
    liveAfter: true,
    finding: 'frame-undecodable',
    why: 'a frame of this life after the end means a frame in the middle is missing or damaged',
  },
  {
    label: 'E4 a sealed segment ends',
    version: 2,
    role: 'sealed',
    kinds: ['file-end', 'zeros', 'stale'],
    liveAfter: false,
    finding: 'segment-end',
    why: 'a sealed segment was fsynced whole; what follows its live frames is its end marker, its preallocated zeros or its previous life (the next header checks the offset)',
  },
  {
    label: 'E7 a sealed segment is torn',
    version: 2,
    role: 'sealed',
    kinds: ['torn'],
    liveAfter: false,
    finding: 'frame-undecodable',
    why: 'the writer puts an end marker (zeros) after every frame and fsyncs a segment before it seals it, and recovery cuts a torn end off: a torn spot in a sealed segment is damage, even when the next header, which would name the true end, is damaged too',
  },
  {
    label: 'E5 the active segment is torn',
    version: 2,
    role: 'active',
    kinds: ['torn'],
    liveAfter: false,
    finding: 'frame-undecodable',
    why: 'a frame that does not decode where the writer was writing: a crash in the middle of a write',
  },
  {
    label: 'E6 the active segment ends cleanly',
    version: 2,
    role: 'active',
    kinds: ['file-end', 'zeros', 'stale'],
    liveAfter: false,
    finding: 'segment-end',
    why: 'zeros, a frame of an earlier life or the end of the file after the last live frame: where the writer stopped',
  },
];

function matches(rule: EndRule, version: 1 | 2, role: SegmentRole, kind: EndKind, liveAfter: boolean): boolean {
  return (
    rule.version === version &&
    (rule.role === '*' || rule.role === role) &&
    rule.kinds.includes(kind) &&
    (rule.liveAfter === '*' || rule.liveAfter === liveAfter)
  );
}

/** The rules that match; the completeness test demands exactly one for every combination. */
export function matchingEndRules(version: 1 | 2, role: SegmentRole, kind: EndKind, liveAfter: boolean): readonly EndRule[] {
  return END_RULES.filter((rule) => matches(rule, version, role, kind, liveAfter));
}

/** The decision-table finding for a segment's end. */
export function endFinding(version: 1 | 2, role: SegmentRole, kind: EndKind, liveAfter: boolean): EndFinding {
  const rules = matchingEndRules(version, role, kind, liveAfter);
  const rule = rules[0];
  // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: a defence; the completeness test holds the table to exactly one rule for every combination
  if (rules.length !== 1 || rule === undefined) throw new Error(`replay end rules: ${rules.length} rules match v${version}/${role}/${kind}/${liveAfter}`);
  return rule.finding;
}
