// What walref.test.ts and walref.checkpoints.test.ts share about the walref target
// (examples/crash-test/walref): its segment size, its checker and the knobs most runs use.
import { resolveKnobs } from '../../../crash-sim/knobs.js';
import { example } from './helpers.js';

/** Small segments, so that a few transactions rotate (and, with checkpoints, recycle) segments. */
export const WALREF_SEGMENT_BYTES = 160;
export const walrefCheck = `node ${example('walref', 'check.mjs')}`;
export const knobs64 = resolveKnobs({ sectorBytes: 64 });
