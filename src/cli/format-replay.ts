// The output of `walref replay`: the committed transactions in commit order, then the torn tail
// and the highest LSN. The JSON form is a stable, documented shape for scripts (ReplayJson).

import type { ReplayOutcome, TornTail } from '../core/replay.js';
import { printableUtf8, renderEvent, toHex } from './format-event.js';
import { describeCheckpoint, describeTornTail } from './format-outcome.js';

export interface ReplayJson {
  readonly checkpointLsn: number;
  readonly transactions: readonly {
    readonly beginLsn: number;
    readonly commitLsn: number;
    /** Every event as hex (lossless) and, when printable, as UTF-8 text. */
    readonly events: readonly { readonly sizeBytes: number; readonly utf8: string | null; readonly hex: string }[];
  }[];
  readonly maxLsn: number;
  readonly tornTail: TornTail | null;
  readonly checkpointObserved: number | null;
}

export function replayToJson(outcome: ReplayOutcome, checkpointLsn: number): ReplayJson {
  return {
    checkpointLsn,
    transactions: outcome.transactions.map((tx) => ({
      beginLsn: tx.beginLsn,
      commitLsn: tx.commitLsn,
      events: tx.events.map((event) => ({ sizeBytes: event.length, utf8: printableUtf8(event), hex: toHex(event) })),
    })),
    maxLsn: outcome.maxLsn,
    tornTail: outcome.tornTail === null ? null : { ...outcome.tornTail },
    checkpointObserved: outcome.checkpointObserved,
  };
}

export function formatReplayText(outcome: ReplayOutcome, checkpointLsn: number): string[] {
  const lines: string[] = [];
  for (const tx of outcome.transactions) {
    lines.push(`tx begin LSN ${tx.beginLsn}, commit LSN ${tx.commitLsn}, ${tx.events.length} events`);
    for (const event of tx.events) lines.push(`  ${renderEvent(event)}`);
  }
  lines.push(outcome.tornTail === null ? 'torn tail: none' : describeTornTail(outcome.tornTail));
  lines.push(
    `${outcome.transactions.length} committed transactions above checkpoint LSN ${checkpointLsn}, ` +
      `max LSN ${outcome.maxLsn}, last checkpoint marker: ${describeCheckpoint(outcome)}`,
  );
  return lines;
}
