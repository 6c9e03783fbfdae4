// Shared by the crash-test suites: what is installed, a built dist/ for the example programs
// (they import the package as users do), and a fresh --dir per run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
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
/** PostgreSQL 15 as examples/crash-test/postgres/pg.mjs runs it: the server, its user, setpriv. */
export const hasPostgres =
  existsSync(join(process.env['WALREF_PG_BIN'] ?? '/usr/lib/postgresql/15/bin', 'postgres')) && installed('id', ['-u', 'postgres']) && installed('setpriv', ['--version']);
export const hasEtcd = installed(process.env['WALREF_ETCD_BIN'] ?? 'etcd', ['--version']);
/** The one plain line a skipped suite shows. */
export const NEEDS_STRACE = 'needs strace (apt-get install -y strace)';
export const NEEDS_REDIS = 'needs strace and redis-server (apt-get install -y strace redis-server)';
export const NEEDS_POSTGRES = 'needs strace and PostgreSQL 15 (apt-get install -y strace postgresql-15)';
export const NEEDS_ETCD = 'needs strace and etcd (apt-get install -y strace etcd-server)';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    const stat = statSync(full);
    newest = Math.max(newest, stat.isDirectory() ? newestMtime(full) : stat.mtimeMs);
  }
  return newest;
}

/** The folders `npm run build` compiles into dist/ (tsconfig.build.json). */
const BUILT_FOLDERS = ['src', 'crash-sim', 'model', 'oracle', 'cli'];

/** Builds dist/ when it is missing or older than its sources (the examples import it, the API tests import walref/crash-test from it). */
export function ensureBuilt(): void {
  const built = join(root, 'dist', 'src', 'index.js');
  const fresh = (): boolean => existsSync(built) && statSync(built).mtimeMs >= Math.max(...BUILT_FOLDERS.map((folder) => newestMtime(join(root, folder))));
  if (fresh()) return;
  // Test files run in parallel: one builds while the others wait, so none imports a half-written dist/.
  const lock = join(root, 'node_modules', '.walref-build-lock');
  const nap = new Int32Array(new SharedArrayBuffer(4));
  for (const deadline = Date.now() + 180_000; ; Atomics.wait(nap, 0, 0, 200)) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) rmSync(lock, { recursive: true, force: true });
    }
  }
  try {
    if (!fresh()) execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export function freshDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `walref-ct-${label}-`));
}

export function example(target: string, file: string): string {
  return join(root, 'examples', 'crash-test', target, file);
}
