// The text of `walref dump`, in the spirit of pg_waldump: one line per segment header and per
// record, then replay's verdict on the whole log (torn tail, or the typed error) and a summary.

import { match } from 'ts-pattern';
import type { ReplaySummary } from '../src/core/replay.js';
import { describeFailure, type CliFailure } from './cli-failure.js';
import { describeCheckpoint, describeTornTail } from './format-outcome.js';
import { describeRecordSizes } from './format-record.js';
import type { WalkEntry } from './walk-frames.js';

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
    summary.tornTail === null ? 'torn tail: none' : describeTornTail(summary.tornTail, summary),
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
        `base LSN ${e.header.baseLsn}${e.header.version === 2 ? `, salt ${e.header.salt.toString(16).padStart(8, '0')}` : ''}, ${e.sizeBytes} bytes`,
    )
    .with({ kind: 'bad-header' }, (e) => `segment ${e.segment}: header does not decode: ${e.cause}, ${e.sizeBytes} bytes`)
    .with(
      { kind: 'record' },
      (e) =>
        `  offset ${String(e.offsetBytes).padStart(10)}  len ${String(e.frameBytes).padStart(6)}  ` +
        `LSN ${String(e.record.lsn).padStart(8)}  ${describeRecordSizes(e.record)}`,
    )
    .with({ kind: 'undecodable', end: 'zeros' }, (e) => `  offset ${String(e.offsetBytes).padStart(10)}  end of the live frames: zeros, ${e.remainingBytes} bytes to the end of the file`)
    .with(
      { kind: 'undecodable', end: 'stale' },
      (e) => `  offset ${String(e.offsetBytes).padStart(10)}  end of the live frames: a stale frame (an earlier life of the file), ${e.remainingBytes} bytes to the end of the file`,
    )
    .with(
      { kind: 'undecodable' },
      (e) =>
        `  offset ${String(e.offsetBytes).padStart(10)}  frame does not decode: ${e.cause}, ` +
        `${e.remainingBytes} bytes from here to the end of the segment`,
    )
    .exhaustive();
}
