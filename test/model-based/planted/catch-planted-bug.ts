// Shared by the planted-bug tests: each test file plants one bug with vi.mock (production code
// carries no bug switch), runs the model-based property with its default run count, and asserts
// that fast-check found a counterexample and reports its seed, path and shrunk command list.

import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SyncPolicy } from '../../../model/index.js';
import { walCommands, type CommandOptions } from '../commands.js';
import { budget, PINNED_MAX_COMMANDS, simConfig } from '../run-config.js';
import { newStats, runModel } from '../run-model.js';
import { pins } from './pins.js';

export interface PlantedSearch {
  readonly policies: readonly SyncPolicy[];
  /** The command profile to search with (default 'all'). */
  readonly profile?: CommandOptions['profile'];
  /** A pinned counterexample: replay exactly it instead of searching. */
  readonly pinned?: { readonly seed: number; readonly path: string; readonly replayPath: string };
}

/** The model-based property on crash-sim; a pinned replay (replayPath given) uses the pins' command bound. */
export function modelBasedProperty(policies: readonly SyncPolicy[], replayPath?: string, profile: CommandOptions['profile'] = 'all') {
  const stats = newStats();
  const config = fc.constantFrom(...policies).chain((policy) => simConfig(policy));
  const maxCommands = replayPath === undefined ? budget.maxCommands : PINNED_MAX_COMMANDS;
  const commands = walCommands({ simulated: true, maxCommands, profile, ...(replayPath === undefined ? {} : { replayPath }) });
  return fc.asyncProperty(config, commands, (c, cmds) => runModel(c, cmds, stats));
}

/** Searches with the default run count (or replays the pin) and returns fast-check's report. */
export async function catchPlantedBug(name: string, search: PlantedSearch): Promise<string> {
  const pinned = search.pinned;
  const details = await fc.check(
    modelBasedProperty(search.policies, pinned?.replayPath, search.profile),
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

/**
 * The tests every planted bug gets: the suite finds it within its default run count, and its
 * pinned shrunk counterexample still fails. `more` adds tests of the bug's own in between.
 */
export function describePlantedBug(name: keyof typeof pins, policies: readonly SyncPolicy[], more?: () => void, profile: CommandOptions['profile'] = 'all'): void {
  describe(`planted bug: ${name}`, () => {
    // The group flusher's interval timer is faked so that runs stay deterministic and fast.
    beforeEach(() => vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] }));
    afterEach(() => vi.useRealTimers());

    it('the model-based suite finds it and reports seed, path and the shrunk commands', async () => {
      await catchPlantedBug(name, { policies, profile });
    });

    more?.();

    it('its pinned shrunk counterexample still fails with the bug planted', async () => {
      const pin = pins[name];
      await catchPlantedBug(name, { policies: pin.policies, pinned: pin, profile: 'profile' in pin ? pin.profile : 'all' });
    });
  });
}
