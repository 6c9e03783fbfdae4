// The same model-based run on the real disk through the node:fs adapter, in a temp directory per
// run: fewer runs, and no crash or fault commands (the real disk cannot be told to fail or crash;
// the kill -9 test in test/real-disk covers crashes there).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeEach, describe, it, vi } from 'vitest';
import type { SyncPolicy } from '../../model/index.js';
import { nodeFileSystem } from '../../src/index.js';
import { walCommands } from './commands.js';
import { assertTimeLimited, budget, nodeConfig } from './run-config.js';
import { newStats, runModel } from './run-model.js';

const policies: readonly SyncPolicy[] = ['per-commit', 'group', 'none'];
const root = mkdtempSync(join(tmpdir(), 'walref-model-'));
const report: string[] = [];

describe('model-based: the real WAL on node:fs', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    if (process.env['WALREF_REPORT']) console.log(report.join('\n'));
  });

  for (const policy of policies) {
    it(`agrees with the model after every command under the ${policy} policy, reopens included`, async () => {
      const stats = newStats();
      const started = Date.now();
      await assertTimeLimited(
        `node:fs ${policy}`,
        fc.asyncProperty(nodeConfig(policy), walCommands({ simulated: false, maxCommands: budget.maxCommands }), async (config, commands) => {
          const dir = mkdtempSync(join(root, `${policy}-`));
          try {
            await runModel(config, commands, stats, { fs: nodeFileSystem, dir });
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        }),
        { numRuns: budget.nodeRuns, minRuns: budget.minNodeRuns },
      );
      report.push(`node:fs ${policy}: ${stats.runs} runs, ${(stats.commands / Math.max(1, stats.runs)).toFixed(1)} commands/run, ${Date.now() - started} ms`);
    }, budget.testTimeoutMs);
  }
});
