// One model-based run: fresh worlds, fc.asyncModelRun over the commands, teardown.

import fc from 'fast-check';
import { SimFileSystem } from '../../crash-sim/sim-fs.js';
import type { FileSystem } from '../../src/index.js';
import type { WalCommand } from './commands.js';
import { setupWorlds, teardownReal, type ModelBox, type RealBox, type RunConfig } from './world.js';

export interface RunStats {
  runs: number;
  commands: number;
  crashes: number;
}

export const newStats = (): RunStats => ({ runs: 0, commands: 0, crashes: 0 });

/** Runs the commands against a WAL on `fs` (a fresh simulator when null) and tallies `stats`. */
export async function runModel(config: RunConfig, commands: Iterable<WalCommand>, stats: RunStats, fileSystem: { fs: FileSystem; dir: string } | null = null): Promise<void> {
  const fs = fileSystem?.fs ?? new SimFileSystem(config.knobs ?? {});
  const dir = fileSystem?.dir ?? '/wal';
  let real: RealBox | null = null;
  const setup = async (): Promise<{ model: ModelBox; real: RealBox }> => {
    const worlds = await setupWorlds(config, dir, fs);
    real = worlds.real;
    return worlds;
  };
  try {
    await fc.asyncModelRun(setup, commands);
  } finally {
    const finished = real as RealBox | null;
    if (finished !== null) {
      stats.crashes += finished.crashes;
      await teardownReal(finished);
    }
    stats.runs += 1;
    stats.commands += [...commands].filter((c) => (c as { hasRan?: boolean }).hasRan === true).length;
  }
}
