// Shared by the crash-test suites: what is installed, a built dist/ for the example programs
// (they import the package as users do), and a fresh --dir per run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..', '..', '..');
export const deep = process.env['WALREF_DEEP'] === '1';

function installed(command: string, args: readonly string[]): boolean {
  const run = spawnSync(command, args, { stdio: 'ignore' });
  return run.error === undefined && run.status === 0;
}

export const hasStrace = installed('strace', ['-V']);
export const hasRedis = installed('redis-server', ['--version']);
/** The one plain line a skipped suite shows. */
export const NEEDS_STRACE = 'needs strace (apt-get install -y strace)';
export const NEEDS_REDIS = 'needs strace and redis-server (apt-get install -y strace redis-server)';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    const stat = statSync(full);
    newest = Math.max(newest, stat.isDirectory() ? newestMtime(full) : stat.mtimeMs);
  }
  return newest;
}

/** Builds dist/ when it is missing or older than src/ (the walref examples import it). */
export function ensureBuilt(): void {
  const built = join(root, 'dist', 'src', 'index.js');
  if (existsSync(built) && statSync(built).mtimeMs >= newestMtime(join(root, 'src'))) return;
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
}

export function freshDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `walref-ct-${label}-`));
}

export function example(target: string, file: string): string {
  return join(root, 'examples', 'crash-test', target, file);
}
