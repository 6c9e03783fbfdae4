// Shared by the crash-sim tests: the real openWal as crash-sim's structural port, and a short way
// to explore a list of steps under given knobs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openWal } from '../../src/index.js';
import { exploreWorkload, type ExploreOptions, type ExploreResult } from '../../oracle/explore/explore.js';
import type { SimKnobs } from '../../crash-sim/knobs.js';
import { formatViolation } from '../../oracle/explore/recovery-oracle.js';
import type { OpenWalLike } from '../../oracle/explore/wal-api.js';
import { parseWorkloadText, type Workload, type WorkloadOptions, type WorkloadStep } from '../../oracle/explore/workload.js';

export const realOpenWal: OpenWalLike = openWal;

export const KNOB_COMBINATIONS: readonly Pick<SimKnobs, 'ordered' | 'safeAppend'>[] = [
  { ordered: true, safeAppend: true },
  { ordered: true, safeAppend: false },
  { ordered: false, safeAppend: true },
  { ordered: false, safeAppend: false },
];

export const knobLabel = (k: Pick<SimKnobs, 'ordered' | 'safeAppend'>): string =>
  `${k.ordered ? 'ordered' : 'unordered'} + ${k.safeAppend ? 'safeAppend' : 'no safeAppend'}`;

export function workload(steps: readonly WorkloadStep[], knobs: Partial<SimKnobs> = {}, options: WorkloadOptions = {}): Workload {
  return { options, knobs, steps };
}

/** The folder of the stored workloads (oracle/explore/workloads). */
export const STORED_WORKLOADS_DIR = join(import.meta.dirname, '../../oracle/explore/workloads');

/** A stored workload, by file name; a file that does not parse fails the test that reads it. */
export function storedWorkload(name: string): Workload {
  const parsed = parseWorkloadText(readFileSync(join(STORED_WORKLOADS_DIR, name), 'utf8'));
  if (!parsed.ok) throw new Error(`${name}: ${parsed.error}`);
  return parsed.workload;
}

export async function explore(w: Workload, options: Partial<ExploreOptions> = {}): Promise<ExploreResult> {
  return exploreWorkload(w, { openWal: realOpenWal, ...options });
}

/** exploreWorkload of a planted (or the real) WAL at 400 states, without re-crashes after recovery (idempotenceStates 0), which the callers do not look at. */
export function exploreWith(w: Workload, openWal: OpenWalLike, options: Partial<ExploreOptions> = {}): Promise<ExploreResult> {
  return exploreWorkload(w, { openWal, idempotenceStates: 0, maxStates: 400, ...options });
}

/** The violations as the CLI prints them, so a failing assertion shows the counterexamples. */
export function violationText(result: ExploreResult): string {
  return result.violations.map(formatViolation).join('\n');
}

export const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
