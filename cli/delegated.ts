// `walref explore`, `walref demo`, `walref crash-test` and `walref check-trace` load the crash
// simulator, the oracle or the model, which the read-only commands never need. They are imported lazily, each by a literal path that tsc resolves and checks and that the
// import-direction test reads, so that `walref dump` starts without paying for crash-sim.

import { match } from 'ts-pattern';
import type { CliIo } from './io.js';

export type DelegatedCommand = 'explore' | 'demo' | 'crash-test' | 'check-trace';

export async function runDelegated(name: DelegatedCommand, argv: readonly string[], io: CliIo): Promise<number> {
  return match(name)
    .with('explore', async () => (await import('./explore.js')).runExplore([...argv], io))
    .with('demo', async () => (await import('./demo.js')).runDemo([...argv], io))
    .with('crash-test', async () => (await import('./crash-test.js')).runCrashTest([...argv], io))
    .with('check-trace', async () => (await import('./check-trace.js')).runCheckTrace([...argv], io))
    .exhaustive();
}
