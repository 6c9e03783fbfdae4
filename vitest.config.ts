import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup/property-seeds.ts'],
    // A temporary directory for the whole run, which must be empty at the end (nothing left behind).
    globalSetup: ['test/setup/temporary-directory.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
