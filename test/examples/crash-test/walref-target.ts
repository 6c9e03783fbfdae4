// What walref.test.ts and walref.checkpoints.test.ts share about the walref target
// (examples/crash-test/walref): its segment size, its checker and the knobs most runs use.
import { pathToFileURL } from 'node:url';
import { resolveKnobs } from '../../../crash-sim/knobs.js';
import { functionChecker, type CheckFunction, type Checker } from '../../../oracle/crash-test/checker.js';
import { example } from './helpers.js';

/** Small segments, so that a few transactions rotate (and, with checkpoints, recycle) segments. */
export const WALREF_SEGMENT_BYTES = 160;
/** The target's checker as a command: one process per crash state, as `walref crash-test --check` runs it. */
export const walrefCheckCommand = `node ${example('walref', 'check.mjs')}`;
export const knobs64 = resolveKnobs({ sectorBytes: 64 });

/**
 * The same checker as a function called in the test's thread. A check process costs about 0.26 s
 * of CPU (node's start-up and walref's import, docs/performance.md) and most runs here check
 * hundreds of states, so only one test (walref.test.ts's ack before fdatasync) goes through the
 * command. check.mjs imports dist/: call this after ensureBuilt().
 */
export async function walrefChecker(): Promise<Checker> {
  const module = (await import(pathToFileURL(example('walref', 'check.mjs')).href)) as { check: CheckFunction };
  return functionChecker(module.check);
}
