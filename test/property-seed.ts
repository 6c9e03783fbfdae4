// Where the seed of a property run comes from: WALREF_SEED when set (a replay, or one round of
// `npm run test:seeds`), otherwise the property's own default (fixed for the default suite where
// it names one, fresh under WALREF_DEEP). test/setup/property-seeds.ts installs it globally.

const deep = (): boolean => {
  const value = process.env['WALREF_DEEP'];
  return value !== undefined && value !== '' && value !== '0';
};

/** The seed every property must use, or null when each uses its own. Rejects a malformed value. */
export function seedOverride(): number | null {
  const raw = process.env['WALREF_SEED'];
  if (raw === undefined || raw === '') return null;
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)) || Math.abs(Number(raw)) > 2 ** 31) {
    throw new Error(`WALREF_SEED must be an integer between -2^31 and 2^31 (fast-check's seed range); got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}

/** Whether properties print their seed: under WALREF_DEEP and whenever WALREF_SEED is set. */
export function seedsAreReported(): boolean {
  return deep() || seedOverride() !== null;
}

/**
 * The parameters a property with a fixed default seed passes to fc.assert: the fixed seed in the
 * default suite, nothing (so the global WALREF_SEED or a fresh seed applies) otherwise.
 */
export function fixedSeedForDefaultRuns(seed: number): { readonly seed?: number } {
  return deep() || seedOverride() !== null ? {} : { seed };
}

/**
 * The most runs a property makes in a mutation run (WALREF_MUTATION_RUNS, set by
 * `npm run test:mutation`), or null in every other run. Rejects a malformed value.
 */
export function mutationRunCap(): number | null {
  const raw = process.env['WALREF_MUTATION_RUNS'];
  if (raw === undefined || raw === '') return null;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    throw new Error(`WALREF_MUTATION_RUNS must be a positive integer; got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}
