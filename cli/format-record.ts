// The one description of a record, for every presentation: the dump's listing, the crash-state
// picture, the HTML report and the demo. Two levels of detail share it: `describeRecord` names
// the events themselves (one token each, format-event.ts), `describeRecordSizes` only their count
// and sizes, for logs whose events are large or binary (walref dump).

import { match } from 'ts-pattern';
import type { WalRecord } from '../src/core/records.js';
import { renderEvent } from './format-event.js';

/** A batch lists at most this many event sizes; the rest are counted, so one line stays readable. */
const SIZES_SHOWN_MAX = 16;

/** What a record says besides its kind and LSN: its transaction or snapshot, and its events. */
interface RecordFacts {
  /** "tx 3" or "snapshot LSN 4"; null for TxBegin, which is its own transaction. */
  readonly reference: string | null;
  readonly events: readonly Uint8Array[] | null;
}

function factsOf(record: WalRecord): RecordFacts {
  return match(record)
    .with({ kind: 'TxBegin' }, () => ({ reference: null, events: null }))
    .with({ kind: 'Mutation' }, (r) => ({ reference: `tx ${r.txBeginLsn}`, events: [r.event] }))
    .with({ kind: 'MutationBatch' }, (r) => ({ reference: `tx ${r.txBeginLsn}`, events: r.events }))
    .with({ kind: 'TxCommit' }, { kind: 'TxAbort' }, (r) => ({ reference: `tx ${r.txBeginLsn}`, events: null }))
    .with({ kind: 'Checkpoint' }, (r) => ({ reference: `snapshot LSN ${r.snapshotLsn}`, events: null }))
    .exhaustive();
}

/** "MutationBatch (tx 1) "alice +10" "bob -10"", "TxCommit (tx 1)", "Checkpoint (snapshot LSN 4)". */
export function describeRecord(record: WalRecord): string {
  const { reference, events } = factsOf(record);
  const parts: string[] = [record.kind];
  if (reference !== null) parts.push(`(${reference})`);
  if (events !== null) parts.push(...events.map(renderEvent));
  return parts.join(' ');
}

/** The dump's columns: the kind padded, then "tx 1  events 2  sizes 5,7 (total 12 B)". */
export function describeRecordSizes(record: WalRecord): string {
  const { reference, events } = factsOf(record);
  const columns: string[] = [record.kind.padEnd(13)];
  if (reference !== null) columns.push(reference);
  if (events !== null) columns.push(`events ${events.length}`, `sizes ${describeSizes(events)}`);
  return columns.join('  ').trimEnd();
}

function describeSizes(events: readonly Uint8Array[]): string {
  const shown = events.slice(0, SIZES_SHOWN_MAX).map((e) => e.length);
  const totalBytes = events.reduce((sum, e) => sum + e.length, 0);
  const more = events.length > SIZES_SHOWN_MAX ? `,… (+${events.length - SIZES_SHOWN_MAX} more)` : '';
  return `${shown.join(',') || '-'}${more} (total ${totalBytes} B)`;
}
