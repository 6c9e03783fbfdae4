// The text of `walref dump`, in the spirit of pg_waldump: one line per segment header and per
// record, then replay's verdict on the whole log (torn tail, or the typed error) and a summary.

import { match } from 'ts-pattern';
import type { WalRecord } from '../src/core/records.js';
import type { ReplaySummary } from '../src/core/replay.js';
import { describeFailure, type CliFailure } from './cli-failure.js';
import { describeCheckpoint, describeTornTail } from './format-outcome.js';
import type { WalkEntry } from './walk-frames.js';

/** A batch lists at most this many event sizes; the rest are counted, so one line stays readable. */
const SIZES_SHOWN_MAX = 16;

/** What the walk over all segments counted, for the summary line. */
export interface DumpCounts {
  readonly segments: number;
  readonly records: number;
}

/**
 * The lines after the listing: replay's verdict on the whole log (the torn tail, or the typed
 * error that makes the log unreadable) and a summary.
 */
export function formatDumpVerdict(counts: DumpCounts, verdict: DumpVerdict): string[] {
  const listed = `${counts.segments} segments, ${counts.records} records`;
  if (!verdict.ok) {
    return [`error: ${describeFailure(verdict.failure)}`, `summary: ${listed} listed; the log cannot be replayed`];
  }
  const { summary, transactions } = verdict;
  return [
    summary.tornTail === null ? 'torn tail: none' : describeTornTail(summary.tornTail),
    `summary: ${listed}, max LSN ${summary.maxLsn}, ${transactions} committed transactions, ` +
      `last checkpoint marker: ${describeCheckpoint(summary)}`,
  ];
}

export type DumpVerdict =
  | { readonly ok: true; readonly summary: ReplaySummary; readonly transactions: number }
  | { readonly ok: false; readonly failure: CliFailure };

export function formatEntry(entry: WalkEntry): string {
  return match(entry)
    .with(
      { kind: 'segment' },
      (e) =>
        `segment ${e.segment}: version ${e.header.version}, id ${e.header.segmentId}, ` +
        `base LSN ${e.header.baseLsn}, ${e.sizeBytes} bytes`,
    )
    .with({ kind: 'bad-header' }, (e) => `segment ${e.segment}: header does not decode: ${e.cause}, ${e.sizeBytes} bytes`)
    .with(
      { kind: 'record' },
      (e) =>
        `  offset ${String(e.offsetBytes).padStart(10)}  len ${String(e.frameBytes).padStart(6)}  ` +
        `LSN ${String(e.record.lsn).padStart(8)}  ${`${e.record.kind.padEnd(13)}${describeRecord(e.record)}`.trimEnd()}`,
    )
    .with(
      { kind: 'undecodable' },
      (e) =>
        `  offset ${String(e.offsetBytes).padStart(10)}  frame does not decode: ${e.cause}, ` +
        `${e.remainingBytes} bytes from here to the end of the segment`,
    )
    .exhaustive();
}

/** The kind-specific part of a record line, starting with two spaces when not empty. */
function describeRecord(record: WalRecord): string {
  return match(record)
    .with({ kind: 'TxBegin' }, () => '')
    .with({ kind: 'Mutation' }, (r) => `  tx ${r.txBeginLsn}  events 1  sizes ${r.event.length}`)
    .with({ kind: 'MutationBatch' }, (r) => `  tx ${r.txBeginLsn}  events ${r.events.length}  sizes ${describeSizes(r.events)}`)
    .with({ kind: 'TxCommit' }, { kind: 'TxAbort' }, (r) => `  tx ${r.txBeginLsn}`)
    .with({ kind: 'Checkpoint' }, (r) => `  snapshot LSN ${r.snapshotLsn}`)
    .exhaustive();
}

function describeSizes(events: readonly Uint8Array[]): string {
  const shown = events.slice(0, SIZES_SHOWN_MAX).map((e) => e.length);
  const totalBytes = events.reduce((sum, e) => sum + e.length, 0);
  const more = events.length > SIZES_SHOWN_MAX ? `,… (+${events.length - SIZES_SHOWN_MAX} more)` : '';
  return `${shown.join(',') || '-'}${more} (total ${totalBytes} B)`;
}
