// Nothing left behind by `npm test` (vitest's globalSetup): the whole run gets a temporary
// directory of its own (TMPDIR, inherited by every test worker and every process a test starts),
// and the run fails if anything is still in it at the end; it is removed either way. A leak is
// caught whatever its name, and other programs using the system's temporary directory at the same
// time (another test run, a build) can neither hide one nor fake one. A new walref-* entry in the
// system's temporary directory itself (something that ignored TMPDIR) is reported as well.
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Caches that programs keep in the temporary directory on purpose, by name: tsx's compile cache
 * (`tsx-<uid>`, made by the tests that start children with `node --import tsx`). They go with the
 * run's directory like everything else, but are not leaks.
 */
const CACHES: readonly RegExp[] = [/^tsx-\w+$/];

/** The names left in `dir` (caches aside), each with what it holds when it is a directory (a few names). */
export function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((name) => !CACHES.some((cache) => cache.test(name))).map((name) => {
    try {
      const inside = readdirSync(join(dir, name)).slice(0, 3);
      return inside.length === 0 ? name : `${name} (${inside.join(', ')}${inside.length === 3 ? ', …' : ''})`;
    } catch {
      return name;
    }
  });
}

/** Why the run must fail, when `runDir` is not empty at its end; null when it is. */
export function leftoverProblem(runDir: string): string | null {
  const left = leftovers(runDir);
  if (left.length === 0) return null;
  return `npm test left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in its temporary directory: ${left.join('; ')}`;
}

export default function setup(): () => void {
  const system = tmpdir();
  const before = new Set(readdirSync(system).filter((n) => n.startsWith('walref-')));
  const runDir = mkdtempSync(join(system, 'walref-test-run-'));
  // Programs that run as another user (PostgreSQL's initdb and server run as postgres, since they
  // refuse root) must pass through to their own directories in it; nobody else may list it.
  chmodSync(runDir, 0o711);
  process.env['TMPDIR'] = runDir;
  return () => {
    process.env['TMPDIR'] = system;
    const problem = leftoverProblem(runDir);
    rmSync(runDir, { recursive: true, force: true });
    const outside = readdirSync(system).filter((n) => n.startsWith('walref-') && !before.has(n));
    if (outside.length > 0) console.warn(`npm test: new walref-* entries in ${system} during the run (from this run if something ignored TMPDIR, or from another program): ${outside.join(', ')}`);
    if (problem === null) return;
    // vitest reports an error thrown here but still exits 0: the exit code is set as well.
    process.exitCode = 1;
    throw new Error(problem);
  };
}
