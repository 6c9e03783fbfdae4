// The real WAL on crash-sim's file system agrees with the model after every command: return
// values, "yes"/"no", durable and next LSN, poison, error codes, and after every crash or reopen
// the exact replay the model computes for the crash state (and the recovery guarantee).

import fc from 'fast-check';
import { afterAll, afterEach, beforeEach, describe, it, vi } from 'vitest';
import type { SyncPolicy } from '../../model/index.js';
import { walCommands } from './commands.js';
import { budget, segmentConfig, simConfig } from './run-config.js';
import { newStats, runModel } from './run-model.js';

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

  for (const policy of policies) {
    it(`agrees with the model after every command under the ${policy} policy, crashes and faults included`, async () => {
      const stats = newStats();
      const started = Date.now();
      await fc.assert(
        fc.asyncProperty(simConfig(policy), walCommands({ simulated: true, maxCommands: budget.maxCommands }), (config, commands) =>
          runModel(config, commands, stats),
        ),
        { numRuns: budget.simRuns, interruptAfterTimeLimit: budget.timeLimitMs, markInterruptAsFailure: false },
      );
      report.push(
        `sim ${policy}: ${stats.runs} runs, ${(stats.commands / Math.max(1, stats.runs)).toFixed(1)} commands/run, ` +
          `${(stats.crashes / Math.max(1, stats.runs)).toFixed(2)} crash states/run, ${Date.now() - started} ms`,
      );
    }, budget.testTimeoutMs);
  }

  it('agrees with the model when a second power loss interrupts a recovery (CrashDuringRecover), under every policy', async () => {
    const stats = newStats();
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(segmentConfig, walCommands({ simulated: true, maxCommands: budget.maxCommands, profile: 'interrupted-recovery' }), (config, commands) =>
        runModel(config, commands, stats),
      ),
      { numRuns: budget.simRuns, interruptAfterTimeLimit: budget.timeLimitMs, markInterruptAsFailure: false },
    );
    report.push(
      `sim interrupted recovery: ${stats.runs} runs, ${(stats.commands / Math.max(1, stats.runs)).toFixed(1)} commands/run, ` +
        `${(stats.crashes / Math.max(1, stats.runs)).toFixed(2)} crash states/run, ${Date.now() - started} ms`,
    );
  }, budget.testTimeoutMs);

  it('agrees with the model through rotation, checkpoints and truncation of tiny segments, crashes and reopens included', async () => {
    const stats = newStats();
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(segmentConfig, walCommands({ simulated: true, maxCommands: budget.maxCommands, profile: 'segments' }), (config, commands) =>
        runModel(config, commands, stats),
      ),
      { numRuns: budget.simRuns, interruptAfterTimeLimit: budget.timeLimitMs, markInterruptAsFailure: false },
    );
    report.push(
      `sim segments: ${stats.runs} runs, ${(stats.commands / Math.max(1, stats.runs)).toFixed(1)} commands/run, ` +
        `${(stats.crashes / Math.max(1, stats.runs)).toFixed(2)} crash states/run, ${Date.now() - started} ms`,
    );
  }, budget.testTimeoutMs);
});
