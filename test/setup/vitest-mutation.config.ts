// The vitest config of a mutation run (scripts/test-mutation.mjs), never of npm test.
//
// - The suites come from WALREF_MUTATION_TESTS (a JSON list of globs): the ones that check the
//   folder Stryker is mutating, chosen in scripts/test-mutation.mjs. A glob that starts with `!`
//   leaves its files out (a process-spawning suite inside a folder's glob).
// - 'fast-check' resolves to test/setup/fast-check-capped.ts, which caps every fc.assert at
//   WALREF_MUTATION_RUNS runs (the script sets it), so that a mutant costs seconds, not minutes.
// - bail: the first failing test kills the mutant, and the rest need not run.
import { join } from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';

const root = join(import.meta.dirname, '..', '..');

/** The test globs a mutation run includes: WALREF_MUTATION_TESTS, a JSON list of strings. */
export function mutationTests(raw: string | undefined): string[] {
  const parsed: unknown = JSON.parse(raw ?? '[]');
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((g) => typeof g === 'string')) {
    throw new Error(`WALREF_MUTATION_TESTS must be a non-empty JSON list of test globs; got ${JSON.stringify(raw)}`);
  }
  return parsed as string[];
}

const tests = mutationTests(process.env['WALREF_MUTATION_TESTS']);

export default defineConfig({
  root,
  resolve: { alias: [{ find: /^fast-check$/, replacement: join(root, 'test', 'setup', 'fast-check-capped.ts') }] },
  test: {
    include: tests.filter((glob) => !glob.startsWith('!')),
    exclude: [...configDefaults.exclude, ...tests.filter((glob) => glob.startsWith('!')).map((glob) => glob.slice(1))],
    setupFiles: ['test/setup/property-seeds.ts', 'test/setup/equality.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    bail: 1,
  },
});
