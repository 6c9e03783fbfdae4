import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup/property-seeds.ts', 'test/setup/equality.ts'],
    // A temporary directory for the whole run, which must be empty at the end (nothing left behind).
    globalSetup: ['test/setup/temporary-directory.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One test file per core. vitest's default for a run is one fewer than the cores, which on a
    // 2-core machine is a single worker: the files ran one after another, and most of them spend
    // their time waiting on child processes (strace captures, one check process per crash state,
    // fsyncs), which leaves a core idle.
    maxWorkers: availableParallelism(),
  },
});
