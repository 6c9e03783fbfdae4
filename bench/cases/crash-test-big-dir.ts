// walref crash-test on a program whose initial directory is large (~100 MB, filled before the
// trace with --init) and which writes little: peak RSS of the crash-test process (the checker
// processes are apart) and crash states checked per second, every state materialised in full
// from the snapshot of the initial directory. The figures issue 17 asks for: memory that grows
// with the bytes the workload writes, not with crash points × directory size.

import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { crashTest } from '../../oracle/crash-test/crash-test.js';
import { baseParamsSchema, emitResult, freshCaseDir, peakRssMiB, readParams, removeCaseDir } from '../lib/case-io.js';

const params = readParams(baseParamsSchema.extend({ initialMiB: z.number().int().positive(), records: z.number().int().positive(), maxStates: z.number().int().positive() }));
const caseDir = freshCaseDir(params.dataDir, 'crash-test-big-dir');
const target = `node ${join(import.meta.dirname, '..', 'lib', 'big-dir-target.mjs')}`;
const dir = join(caseDir, 'data');
const started = performance.now();
const result = await crashTest({
  dir,
  init: `${target} fill ${dir} ${params.initialMiB}`,
  workload: `${target} workload ${dir} ${params.records}`,
  check: `${target} check`,
  maxStates: params.maxStates,
  seed: 1,
  timeoutMs: 60_000,
});
const elapsedMs = performance.now() - started;
removeCaseDir(caseDir);
if (result.violationCount > 0) throw new Error(`the big-directory target lost an acknowledged record: ${result.violations[0]?.example ?? ''}`);
emitResult({
  case: 'crash-test-big-dir',
  value: result.statesPerSecond,
  unit: 'states/s',
  ops: result.crashStates,
  elapsedMs,
  details: {
    peakRssMiB: peakRssMiB(),
    initialMiB: params.initialMiB,
    crashStates: result.crashStates,
    crashPoints: result.crashPoints,
    exhaustive: result.exhaustive,
    captureMs: result.captureMs,
    checkMs: result.checkMs,
  },
});
