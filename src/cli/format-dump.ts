// The text of `walref dump`, in the spirit of pg_waldump: one line per segment header and per
// record, then replay's verdict on the whole log (torn tail, or the typed error) and a summary.

import { match } from 'ts-pattern';
import type { Result } from '../core/errors.js';
import type { WalRecord } from '../core/records.js';
import type { ReplayOutcome } from '../core/replay.js';
import { describeFailure } from './cli-failure.js';
import { describeCheckpoint, describeTornTail } from './format-outcome.js';
import type { WalkEntry } from './walk-frames.js';

/** A batch lists at most this many event sizes; the rest are counted, so one line stays readable. */
const SIZES_SHOWN_MAX = 16;

export function formatDump(entries: readonly WalkEntry[], verdict: Result<ReplayOutcome>): string[] {
  const lines = entries.map(formatEntry);
  const records = entries.filter((e) => e.kind === 'record').length;
  const segments = entries.filter((e) => e.kind !== 'record' && e.kind !== 'undecodable').length;
  if (!verdict.ok) {
    lines.push(`error: ${describeFailure({ kind: 'log', error: verdict.error })}`);
    lines.push(`summary: ${segments} segments, ${records} records listed; the log is not well formed`);
    return lines;
  }
  const outcome = verdict.value;
  lines.push(outcome.tornTail === null ? 'torn tail: none' : describeTornTail(outcome.tornTail));
  lines.push(
    `summary: ${segments} segments, ${records} records, max LSN ${outcome.maxLsn}, ` +
      `${outcome.transactions.length} committed transactions, last checkpoint marker: ${describeCheckpoint(outcome)}`,
  );
  return lines;
}

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
