// Every fast-check property in the suite reports its seed, so that any failure can be replayed.
//
// - WALREF_SEED=<n> runs every property with that seed (`npm run test:seeds` sets it, one fresh
//   seed per round), overriding the fixed seeds some properties use by default.
// - Under WALREF_DEEP (or with WALREF_SEED) each property prints one line as it finishes:
//   `[property seed] <test name>: seed <n>`, plus the counterexample path when it failed.
// - A failure throws fast-check's own report (seed, path, shrunk counterexample), as fc.assert
//   does without a custom reporter.
//
// fc.check is untouched: the planted-bug tests call it and inspect the details themselves.
import fc from 'fast-check';
import { expect } from 'vitest';
import { seedOverride, seedsAreReported } from '../property-seed.js';

function report(details: fc.RunDetails<unknown>): void {
  if (seedsAreReported()) {
    const name = expect.getState().currentTestName ?? '(a property outside a test)';
    const failure = details.failed ? ` FAILED, path ${details.counterexamplePath ?? '?'}` : '';
    console.log(`[property seed] ${name}: seed ${details.seed}${failure}`);
  }
  if (details.failed) {
    // fast-check's report names the counterexample; the assertion that failed on it is the cause.
    const cause = details.errorInstance;
    const why = cause instanceof Error ? `\nThe failing run threw: ${cause.message.slice(0, 4000)}` : '';
    throw new Error(`${fc.defaultReportMessage(details) ?? `Property failed with seed ${details.seed}`}${why}`, { cause });
  }
}

const seed = seedOverride();
fc.configureGlobal({
  ...fc.readConfigureGlobal(),
  ...(seed === null ? {} : { seed }),
  reporter: report,
});
