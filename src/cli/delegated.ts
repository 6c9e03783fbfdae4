// `walref explore` and `walref demo` live in modules other engineers own (explore.ts, demo.ts).
// They are loaded lazily, by a module path held in data rather than a static import, so that
// the CLI type-checks, builds and runs its own commands whether or not they exist yet, and so
// that `walref dump` never pays for loading the crash simulator.

import { ExitCode, type CliIo } from './io.js';

type DelegatedRunner = (argv: string[], io: CliIo) => Promise<number>;

const DELEGATED = {
  explore: { modulePath: './explore.js', exportName: 'runExplore' },
  demo: { modulePath: './demo.js', exportName: 'runDemo' },
  'crash-test': { modulePath: './crash-test.js', exportName: 'runCrashTest' },
  'check-trace': { modulePath: './check-trace.js', exportName: 'runCheckTrace' },
} as const;

export async function runDelegated(name: keyof typeof DELEGATED, argv: readonly string[], io: CliIo): Promise<number> {
  const { modulePath, exportName } = DELEGATED[name];
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(modulePath)) as Record<string, unknown>;
  } catch (error) {
    if (isMissingModule(error, modulePath)) {
      io.stderr(`walref ${name}: this build has no "${name}" command (${modulePath} is missing)\n`);
      return ExitCode.UsageOrIo;
    }
    throw error;
  }
  const runner = loaded[exportName];
  if (typeof runner !== 'function') {
    io.stderr(`walref ${name}: ${modulePath} does not export ${exportName}\n`);
    return ExitCode.UsageOrIo;
  }
  const code: unknown = await (runner as DelegatedRunner)([...argv], io);
  return typeof code === 'number' && Number.isInteger(code) ? code : ExitCode.Ok;
}

/** True only when the delegated module itself is missing, not when one of its imports is. */
function isMissingModule(error: unknown, modulePath: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const fileName = modulePath.replace(/^\.\//, '').replace(/\.js$/, '');
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_LOAD_URL') &&
    typeof message === 'string' &&
    new RegExp(`${fileName}\\.(js|ts)['"]? `).test(`${message} `)
  );
}
