// fast-check with every property's run count capped, for mutation runs only
// (scripts/test-mutation.mjs aliases 'fast-check' to this module in the vitest config it writes).
//
// A mutation run repeats the covering tests once per mutant, so the budgets npm test uses (up to
// 2000 runs a property) would make a folder take days on 2 cores. Under WALREF_MUTATION_RUNS=<n>,
// fc.assert makes at most n runs (fewer when the property asks for fewer), whatever numRuns the
// test passes; fc.check, which the planted-bug tests call to find a known failure, is untouched.
// npm test never loads this module, so its budgets are unchanged.
import * as real from '../../node_modules/fast-check/lib/fast-check.js';
import { mutationRunCap } from '../property-seed.js';

/** The run count a property makes under the cap: its own (or the global default), at most the cap. */
export function cappedRuns(asked: number | undefined, cap: number | null): number | undefined {
  if (cap === null) return asked;
  return Math.min(asked ?? real.readConfigureGlobal().numRuns ?? 100, cap);
}

function cappedAssert<Ts>(property: real.IRawProperty<Ts>, params?: real.Parameters<Ts>): ReturnType<typeof real.assert> {
  const numRuns = cappedRuns(params?.numRuns, mutationRunCap());
  const capped = numRuns === undefined ? params : { ...params, numRuns };
  return real.assert(property as real.IProperty<Ts>, capped as real.Parameters<Ts>);
}

export * from '../../node_modules/fast-check/lib/fast-check.js';
export { cappedAssert as assert };
/** What `import fc from 'fast-check'` gives the tests: every export, with the capped assert. */
const capped: typeof real = { ...real, assert: cappedAssert as typeof real.assert };
export default capped;
