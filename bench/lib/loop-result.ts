// Turns a measured loop into the CaseResult every throughput case prints.

import type { CaseResult } from './case-io.js';
import { quantile } from './stats.js';
import type { LoopOutcome } from './timed-loop.js';

export function throughputResult(
  caseName: string,
  unit: string,
  outcome: LoopOutcome,
  /** How many units one operation counts for (64 for a 64-record batch). */
  unitsPerOp: number,
  details: CaseResult['details'] = {},
): CaseResult {
  const seconds = outcome.elapsedMs / 1000;
  return {
    case: caseName,
    value: (outcome.ops * unitsPerOp) / seconds,
    unit,
    ops: outcome.ops,
    elapsedMs: outcome.elapsedMs,
    details: {
      opsPerSecond: outcome.ops / seconds,
      latencyP50Micros: quantile(outcome.latencyMicros, 0.5),
      latencyP99Micros: quantile(outcome.latencyMicros, 0.99),
      cpuMicrosPerOp: outcome.cpuMicros / Math.max(1, outcome.ops),
      ...details,
    },
  };
}
