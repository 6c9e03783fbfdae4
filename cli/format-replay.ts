// The output of `walref replay`: the committed transactions in commit order, then the torn tail
// and the highest LSN. Transactions are formatted one at a time as the sweep delivers them, so
// the output streams and memory stays bounded. The JSON form is a stable shape for scripts
// (ReplayJson), written piece by piece; when the sweep fails part way, the command says so on
// standard error and exits 1, and whatever JSON was written before is incomplete by design.

import type { ReplayedTransaction } from '../src/core/records.js';
import type { LogEnd, PolicyReport, ReplaySummary, TornTail } from '../src/core/replay.js';
import { printableUtf8, renderEvent, toHex } from './format-event.js';
import { describeCheckpoint, describeEnd, describeTornTail } from './format-outcome.js';

export interface ReplayJsonEvent {
  readonly sizeBytes: number;
  /** The event as text when it is printable UTF-8, else null. */
  readonly utf8: string | null;
  /** The event's bytes in hex: always present and lossless. */
  readonly hex: string;
}

export interface ReplayJsonTransaction {
  readonly beginLsn: number;
  readonly commitLsn: number;
  readonly events: readonly ReplayJsonEvent[];
}

export interface ReplayJson {
  readonly checkpointLsn: number;
  readonly transactions: readonly ReplayJsonTransaction[];
  readonly maxLsn: number;
  readonly tornTail: TornTail | null;
  readonly end: LogEnd | null;
  readonly checkpointObserved: number | null;
  /** Only under --recovery other than tolerate-torn-tail: what the policy cut or skipped. */
  readonly policyReport?: PolicyReport;
}

export function transactionToJson(tx: ReplayedTransaction): ReplayJsonTransaction {
  return {
    beginLsn: tx.beginLsn,
    commitLsn: tx.commitLsn,
    events: tx.events.map((event) => ({ sizeBytes: event.length, utf8: printableUtf8(event), hex: toHex(event) })),
  };
}

/** Writes a ReplayJson document in pieces: open, one call per transaction, close. */
export class ReplayJsonWriter {
  private transactions = 0;

  constructor(private readonly write: (s: string) => void) {}

  open(checkpointLsn: number): void {
    this.write(`{\n  "checkpointLsn": ${checkpointLsn},\n  "transactions": [`);
  }

  transaction(tx: ReplayedTransaction): void {
    this.write(`${this.transactions === 0 ? '' : ','}\n    ${JSON.stringify(transactionToJson(tx))}`);
    this.transactions += 1;
  }

  close(summary: ReplaySummary): void {
    const tornTail = summary.tornTail === null ? null : { ...summary.tornTail };
    this.write(
      `${this.transactions === 0 ? '' : '\n  '}],\n` +
        `  "maxLsn": ${summary.maxLsn},\n` +
        `  "tornTail": ${JSON.stringify(tornTail)},\n` +
        `  "end": ${JSON.stringify(summary.end)},\n` +
        `  "checkpointObserved": ${JSON.stringify(summary.checkpointObserved)}` +
        (summary.policyReport === undefined ? '' : `,\n  "policyReport": ${JSON.stringify(summary.policyReport)}`) +
        '\n}\n',
    );
  }
}

export function formatTransactionText(tx: ReplayedTransaction): string[] {
  return [
    `tx begin LSN ${tx.beginLsn}, commit LSN ${tx.commitLsn}, ${tx.events.length} events`,
    ...tx.events.map((event) => `  ${renderEvent(event)}`),
  ];
}

export function formatReplaySummaryText(summary: ReplaySummary, transactions: number, checkpointLsn: number): string[] {
  return [
    summary.tornTail === null ? 'torn tail: none' : describeTornTail(summary.tornTail, summary),
    describeEnd(summary),
    `${transactions} committed transactions above checkpoint LSN ${checkpointLsn}, ` +
      `max LSN ${summary.maxLsn}, last checkpoint marker: ${describeCheckpoint(summary)}`,
  ];
}
