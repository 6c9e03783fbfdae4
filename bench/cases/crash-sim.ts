// crash-sim throughput: how many crash states per second the explorer recovers (a fresh openWal
// on the simulated file system) and checks against the oracle, on one fixed workload. The
// workload rotates segments, writes a checkpoint marker and truncates, on an unordered disk
// without safe append (any subset of unsynced sectors may persist, grown files may hold garbage),
// and 32-byte sectors. bench/plan.ts gives a budget that covers the whole crash space, so the
// exploration is exhaustive and deterministic: the figure is distinct crash states checked per
// second of the whole exploration (running the workload, recoveries and the oracle included).

import { z } from 'zod';
import { exploreWorkload, parseWorkload } from '../../oracle/explore/index.js';
import { openWal } from '../../src/index.js';
import { baseParamsSchema, emitResult, readParams } from '../lib/case-io.js';

const params = readParams(baseParamsSchema.extend({ maxStates: z.number().int().positive() }));

const FIXED_WORKLOAD = {
  options: { sync: { mode: 'per-commit' }, segmentTargetBytes: 256 },
  knobs: { sectorBytes: 32, ordered: false, safeAppend: false, dirSync: true },
  steps: [
    { tx: ['alice', 'bob'] },
    { flush: true },
    { tx: ['carol'] },
    { tx: ['dave', 'erin', 'frank'] },
    { flush: true },
    { checkpointMarker: true },
    { tx: ['grace'], abort: true },
    { tx: ['heidi', 'ivan'] },
    { flush: true },
    { tx: ['judy'] },
    { truncateUpTo: 'lastCommit' },
    { tx: ['mallory', 'niaj', 'olivia', 'peggy'] },
    { flush: true },
  ],
};

const parsed = parseWorkload(FIXED_WORKLOAD);
if (!parsed.ok) throw new Error(`the fixed workload is invalid: ${parsed.error}`);
const result = await exploreWorkload(parsed.workload, { openWal, maxStates: params.maxStates, seed: 1 });
if (result.violationCount > 0) {
  throw new Error(`crash-sim found ${result.violationCount} violations on the fixed workload: ${result.violations[0]?.message ?? ''}`);
}
emitResult({
  case: 'crash-sim',
  value: result.crashStates / (result.durationMs / 1000),
  unit: 'states/s',
  ops: result.crashStates,
  elapsedMs: result.durationMs,
  details: {
    crashStates: result.crashStates,
    exhaustive: result.exhaustive,
    crashPoints: result.crashPoints,
    spaceTotal: result.spaceTotal,
    operations: result.operations,
    explorerStatesPerSecond: result.statesPerSecond,
  },
});
