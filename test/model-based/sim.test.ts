// The real WAL on crash-sim's file system agrees with the model after every command: return
// values, "yes"/"no", durable and next LSN, poison, error codes, and after every crash or reopen
// the exact replay the model computes for the crash state (and the recovery guarantee).

import fc from 'fast-check';
import { afterAll, afterEach, beforeEach, describe, it, vi } from 'vitest';
import type { SyncPolicy } from '../../model/index.js';
import { walCommands, type CommandOptions } from './commands.js';
import { assertTimeLimited, budget, recycleConfig, segmentConfig, simConfig } from './run-config.js';
import { newStats, runModel } from './run-model.js';
import type { RunConfig } from './world.js';

const policies: readonly SyncPolicy[] = ['per-commit', 'group', 'none'];
const report: string[] = [];

describe('model-based: the real WAL on the simulated file system', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  afterAll(() => {
    if (process.env['WALREF_REPORT']) console.log(report.join('\n'));
  });

  /** One model-based property on crash-sim, with its figures for WALREF_REPORT. */
  const simProperty = async (label: string, config: fc.Arbitrary<RunConfig>, profile: NonNullable<CommandOptions['profile']>): Promise<void> => {
    const stats = newStats();
    const started = Date.now();
    await assertTimeLimited(
      `sim ${label}`,
      fc.asyncProperty(config, walCommands({ simulated: true, maxCommands: budget.maxCommands, profile }), (c, commands) => runModel(c, commands, stats)),
      { numRuns: budget.simRuns, minRuns: budget.minSimRuns },
    );
    report.push(
      `sim ${label}: ${stats.runs} runs, ${(stats.commands / Math.max(1, stats.runs)).toFixed(1)} commands/run, ` +
        `${(stats.crashes / Math.max(1, stats.runs)).toFixed(2)} crash states/run, ${Date.now() - started} ms`,
    );
  };

  for (const policy of policies) {
    it(`agrees with the model after every command under the ${policy} policy, crashes and faults included`, async () => {
      await simProperty(policy, simConfig(policy), 'all');
    }, budget.testTimeoutMs);
  }

  it('agrees with the model when a second power loss interrupts a recovery (CrashDuringRecover), under every policy', async () => {
    await simProperty('interrupted recovery', segmentConfig, 'interrupted-recovery');
  }, budget.testTimeoutMs);

  it('agrees with the model through rotation, checkpoints (markers and snapshots through the MANIFEST) and truncation of tiny segments, crashes and reopens included', async () => {
    await simProperty('segments', segmentConfig, 'segments');
  }, budget.testTimeoutMs);

  it('agrees with the model with recycling and compression on: truncated segments reused as new ones, payloads deflated, crashes and reopens included', async () => {
    await simProperty('recycled, deflated', recycleConfig, 'segments');
  }, budget.testTimeoutMs);
});
