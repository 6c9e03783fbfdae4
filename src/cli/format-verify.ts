// The one-line verdict of `walref verify` on a log that replays without a typed error.

import type { ReplayOutcome } from '../core/replay.js';
import { describeTornTail } from './format-outcome.js';

export function formatVerifyOk(dir: string, outcome: ReplayOutcome, recordCount: number): string {
  const tail = outcome.tornTail === null ? 'no torn tail' : describeTornTail(outcome.tornTail);
  return (
    `ok: ${dir}: ${outcome.segments.length} segments, ${recordCount} records, ` +
    `${outcome.transactions.length} committed transactions, max LSN ${outcome.maxLsn}; ${tail}`
  );
}
