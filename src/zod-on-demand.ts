// zod, loaded the first time a schema is needed rather than when walref is imported. Loading it
// costs about 0.12 s of CPU (measured on the 2-core CI machine), more than the rest of walref's
// modules together, and a process that opens a WAL with no options never needs it: a host that
// recovers and exits, or a crash-test checker, which runs once per crash state (a few hundred
// processes a run). Options that are given are still checked by zod, as every trust boundary is.

import { createRequire } from 'node:module';

type Zod = typeof import('zod');

/** The `z` namespace that schemas are built from. */
export type ZodNamespace = Zod['z'];

let loaded: Zod | null = null;

/** The zod module, loaded (synchronously, through its CommonJS entry) on the first call. */
export function zod(): Zod {
  loaded ??= createRequire(import.meta.url)('zod') as Zod;
  return loaded;
}

/** A value built from zod on first use and kept: `const schema = onDemand((z) => z.object(...))`. */
export function onDemand<T>(build: (z: ZodNamespace) => T): () => T {
  let built: { readonly value: T } | null = null;
  return () => {
    built ??= { value: build(zod().z) };
    return built.value;
  };
}
