// The one-line verdict of `walref verify` on a log that replays without a typed error.

import type { ReplaySummary } from '../src/core/replay.js';
import { describeTornTail } from './format-outcome.js';

export function formatVerifyOk(dir: string, summary: ReplaySummary, transactions: number): string {
  const holding = summary.segments.filter((s) => s.lastLsn !== null).length;
  const tail = summary.tornTail === null ? 'no torn tail' : describeTornTail(summary.tornTail, summary);
  return (
    `ok: ${dir}: ${summary.segments.length} segments (${holding} holding records), ` +
    `${transactions} committed transactions, max LSN ${summary.maxLsn}; ${tail}`
  );
}
