// Shared by the planted-bug tests: each test file plants one bug with vi.mock (production code
// carries no bug switch), runs the model-based property with its default run count, and asserts
// that fast-check found a counterexample and reports its seed, path and shrunk command list.

import fc from 'fast-check';
import { expect } from 'vitest';
import type { SyncPolicy } from '../../../model/index.js';
import { walCommands } from '../commands.js';
import { budget, simConfig } from '../run-config.js';
import { newStats, runModel } from '../run-model.js';

export interface PlantedSearch {
  readonly policies: readonly SyncPolicy[];
  /** A pinned counterexample: replay exactly it instead of searching. */
  readonly pinned?: { readonly seed: number; readonly path: string; readonly replayPath: string };
}

export function modelBasedProperty(policies: readonly SyncPolicy[], replayPath?: string) {
  const stats = newStats();
  const config = fc.constantFrom(...policies).chain((policy) => simConfig(policy));
  const commands = walCommands({ simulated: true, maxCommands: budget.maxCommands, ...(replayPath === undefined ? {} : { replayPath }) });
  return fc.asyncProperty(config, commands, (c, cmds) => runModel(c, cmds, stats));
}

/** Searches with the default run count (or replays the pin) and returns fast-check's report. */
export async function catchPlantedBug(name: string, search: PlantedSearch): Promise<string> {
  const pinned = search.pinned;
  const details = await fc.check(
    modelBasedProperty(search.policies, pinned?.replayPath),
    // The default suite makes simRuns runs under each of the three policies; a search gets as many.
    pinned === undefined ? { numRuns: budget.simRuns * 3 } : { seed: pinned.seed, path: pinned.path, endOnFailure: true },
  );
  const report = fc.defaultReportMessage(details) ?? '';
  if (process.env['WALREF_REPORT']) console.log(`planted bug "${name}"${pinned === undefined ? '' : ' (pinned)'}:\n${report}`);
  expect(details.failed, `the model-based suite catches "${name}"`).toBe(true);
  expect(report).toMatch(/seed: -?\d+, path: "[\d:]+"/);
  expect(report).toMatch(/Counterexample: \[.*replayPath=/s);
  return report;
}
