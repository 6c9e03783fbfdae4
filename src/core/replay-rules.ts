// The malformed-log rules, kept as data like the recovery decision table (replay-decision.ts):
// one labelled row per rule, saying what it checks, on which records, and why a log that breaks
// it cannot be replayed. test/src/core/replay-rules.test.ts checks that every MalformedRule has
// exactly one row and that replay reports each row's rule. docs/format.md states them in words.
//
// A row's `broken` returns the detail of the violation, or null when the facts keep the rule.
// Replay asks the rows in table order at three moments: when a segment header decodes, for every
// record (the order rules, also below the checkpoint LSN, since a snapshot never excuses
// disorder), and for every record above the checkpoint LSN (the content rules). The first broken
// row stops the sweep with a Malformed error naming segment, offset and LSN.

import type { MalformedRule } from './errors.js';
import type { Lsn, WalRecord } from './records.js';

export type RecordKindName = WalRecord['kind'];

/** What the header rules see: the new segment's base LSN and what came before it. */
export interface HeaderFacts {
  readonly baseLsn: Lsn;
  /** The previous segment's base LSN; 0 before the first segment. */
  readonly previousBaseLsn: Lsn;
  /** The previous record's LSN; 0 before the first record. */
  readonly previousLsn: Lsn;
}

/** What the record rules see besides the record itself. */
export interface RecordFacts {
  /** The base LSN of the segment the record is in. */
  readonly segmentBaseLsn: Lsn;
  /** The previous record's LSN; 0 before the first record. */
  readonly previousLsn: Lsn;
  /** The snapshot LSN of the newest checkpoint marker seen so far; null when none. */
  readonly checkpointObserved: Lsn | null;
  /** Whether a transaction begun at `beginLsn` is open. */
  isOpen(beginLsn: Lsn): boolean;
}

interface RowCommon {
  readonly label: string;
  readonly rule: MalformedRule;
  readonly why: string;
}

export type MalformedLogRow =
  | (RowCommon & { readonly stage: 'header'; readonly broken: (facts: HeaderFacts) => string | null })
  | (RowCommon & {
      readonly stage: 'order' | 'content';
      readonly kinds: readonly RecordKindName[];
      readonly broken: (record: WalRecord, facts: RecordFacts) => string | null;
    });

export type RecordRow = Extract<MalformedLogRow, { readonly stage: 'order' | 'content' }>;
export type HeaderRow = Extract<MalformedLogRow, { readonly stage: 'header' }>;

const ALL_KINDS: readonly RecordKindName[] = ['TxBegin', 'Mutation', 'MutationBatch', 'TxCommit', 'TxAbort', 'Checkpoint'];

/** The transaction a record names, for the kinds that name one. */
function namedBegin(record: WalRecord): Lsn | null {
  return 'txBeginLsn' in record ? record.txBeginLsn : null;
}

export const MALFORMED_LOG_RULES: readonly MalformedLogRow[] = [
  {
    label: 'M1 segment bases ascend',
    rule: 'segment-base-not-increasing',
    stage: 'header',
    why: 'a segment is created with base LSN = the next LSN, so each base is above the previous base and every earlier record',
    // 0 stands for "none before", and a header decodes only with a base LSN of at least 1, so the
    // first segment and the first record pass both tests without a case of their own.
    broken: (f) =>
      f.baseLsn <= f.previousBaseLsn
        ? `base LSN ${f.baseLsn} is not above the previous segment's base ${f.previousBaseLsn}`
        : f.baseLsn <= f.previousLsn
          ? `base LSN ${f.baseLsn} is not above the previous record's LSN ${f.previousLsn}`
          : null,
  },
  {
    label: 'M2 one TxBegin per transaction',
    rule: 'duplicate-tx-begin',
    stage: 'order',
    kinds: ['TxBegin'],
    why: 'a TxBegin LSN names its transaction; a second one with the same LSN would merge two transactions',
    broken: (r, f) => (f.isOpen(r.lsn) ? `TxBegin ${r.lsn} is already open` : null),
  },
  {
    label: 'M3 records at or above their segment base',
    rule: 'lsn-below-segment-base',
    stage: 'order',
    kinds: ALL_KINDS,
    why: 'a segment holds the records from its base LSN on; one below it belongs to an older segment',
    broken: (r, f) => (r.lsn < f.segmentBaseLsn ? `LSN ${r.lsn} is below the segment's base LSN ${f.segmentBaseLsn}` : null),
  },
  {
    label: 'M4 LSNs ascend',
    rule: 'lsn-not-increasing',
    stage: 'order',
    kinds: ALL_KINDS,
    why: 'LSNs are allocated in order and never reused, so each record is above the previous one',
    broken: (r, f) => (r.lsn <= f.previousLsn ? `LSN ${r.lsn} is not above the previous LSN ${f.previousLsn}` : null),
  },
  {
    label: 'M5 records name an open transaction',
    rule: 'missing-tx-begin',
    stage: 'content',
    kinds: ['Mutation', 'MutationBatch', 'TxCommit', 'TxAbort'],
    why: 'a mutation, commit or abort belongs to the transaction its TxBegin opened; without it the events have no transaction',
    broken: (r, f) => {
      const begin = namedBegin(r);
      return begin === null || f.isOpen(begin) ? null : `${r.kind} names TxBegin ${begin}, which is not open`;
    },
  },
  {
    label: 'M6 checkpoints look back',
    rule: 'checkpoint-points-forward',
    stage: 'content',
    kinds: ['Checkpoint'],
    why: 'a checkpoint marker records a snapshot taken before it, so its snapshot LSN is at most its own LSN',
    broken: (r) => (r.kind === 'Checkpoint' && r.snapshotLsn > r.lsn ? `snapshot LSN ${r.snapshotLsn} is above the marker's own LSN ${r.lsn}` : null),
  },
  {
    label: 'M7 checkpoints never regress',
    rule: 'checkpoint-regressed',
    stage: 'content',
    kinds: ['Checkpoint'],
    why: 'snapshots only move forward; a marker older than the previous one would un-apply work',
    broken: (r, f) =>
      r.kind === 'Checkpoint' && f.checkpointObserved !== null && r.snapshotLsn < f.checkpointObserved
        ? `snapshot LSN ${r.snapshotLsn} is below the previous marker's ${f.checkpointObserved}`
        : null,
  },
];

const isHeaderRow = (row: MalformedLogRow): row is HeaderRow => row.stage === 'header';

/** The header rows, in table order. */
export const HEADER_RULES: readonly HeaderRow[] = MALFORMED_LOG_RULES.filter(isHeaderRow);

function rowsByKind(stage: RecordRow['stage']): Readonly<Record<RecordKindName, readonly RecordRow[]>> {
  const rows = MALFORMED_LOG_RULES.filter((row): row is RecordRow => row.stage === stage);
  const forKind = (kind: RecordKindName): readonly RecordRow[] => rows.filter((row) => row.kinds.includes(kind));
  return {
    TxBegin: forKind('TxBegin'),
    Mutation: forKind('Mutation'),
    MutationBatch: forKind('MutationBatch'),
    TxCommit: forKind('TxCommit'),
    TxAbort: forKind('TxAbort'),
    Checkpoint: forKind('Checkpoint'),
  };
}

/** The order rows (every record) and the content rows (records above the checkpoint LSN), by kind. */
export const ORDER_RULES: Readonly<Record<RecordKindName, readonly RecordRow[]>> = rowsByKind('order');
export const CONTENT_RULES: Readonly<Record<RecordKindName, readonly RecordRow[]>> = rowsByKind('content');

/** The first broken row among `rows` and its detail, or null when the record keeps them all. */
export function firstBroken(rows: readonly RecordRow[], record: WalRecord, facts: RecordFacts): { readonly rule: MalformedRule; readonly detail: string } | null {
  for (const row of rows) {
    const detail = row.broken(record, facts);
    if (detail !== null) return { rule: row.rule, detail };
  }
  return null;
}

/** The first broken header row and its detail, or null. */
export function firstBrokenHeaderRule(facts: HeaderFacts): { readonly rule: MalformedRule; readonly detail: string } | null {
  for (const row of HEADER_RULES) {
    const detail = row.broken(facts);
    if (detail !== null) return { rule: row.rule, detail };
  }
  return null;
}
