// PostgreSQL 15 (Debian's postgresql-15) for the crash-test target: initdb, a server started as a
// direct child (never as a daemon) on a unix socket in a fresh temporary directory, psql for the
// statements, and a fast shutdown. The server runs as the `postgres` user through setpriv, since
// PostgreSQL refuses to run as root; the data directory is handed to that user first.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PG_BIN = process.env.WALREF_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** The one-line reason PostgreSQL cannot run here, or null. */
export function pgMissing() {
  if (!existsSync(join(PG_BIN, 'postgres'))) return `no PostgreSQL server at ${PG_BIN} (apt-get install postgresql-15, or set WALREF_PG_BIN)`;
  if (spawnSync('id', ['-u', 'postgres']).status !== 0) return 'no `postgres` user (apt-get install postgresql-15 creates it)';
  if (spawnSync('setpriv', ['--help']).status !== 0) return 'no setpriv (util-linux)';
  return null;
}

function postgresIds() {
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  return { uid, gid };
}

/** The command line that runs `argv` as the postgres user (or as is, when we are that user). */
function asPostgres(argv) {
  const { uid } = postgresIds();
  if (process.getuid?.() === uid) return argv;
  return ['setpriv', '--reuid=postgres', '--regid=postgres', '--clear-groups', '--', ...argv];
}

/** Gives `dir` and everything under it to the postgres user, mode 0700 on the top (initdb and the server demand it). */
export function giveToPostgres(dir) {
  const { uid, gid } = postgresIds();
  const walk = (path) => {
    chownSync(path, uid, gid);
    if (statSync(path).isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(dir);
  chmodSync(dir, 0o700);
}

/** initdb into `dir` (created by the caller, empty): what --init runs before the trace. */
export function initdb(dir) {
  giveToPostgres(dir);
  const [cmd, ...args] = asPostgres([join(PG_BIN, 'initdb'), '-D', dir, '-U', 'postgres', '--auth=trust', '--no-instructions', '-E', 'UTF8', '--locale=C']);
  const result = spawnSync(cmd, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`initdb failed: ${(result.stderr || result.stdout).trim().split('\n').pop()}`);
}

/**
 * Starts `postgres -D dir` as a direct child on a unix socket in a fresh temporary directory, with
 * the settings given, and waits until it accepts connections. Returns { sql, stop, kill, exited }.
 */
export async function startServer(dir, settings = {}) {
  const sockDir = mkdtempSync(join(tmpdir(), 'walref-pg-'));
  const { uid, gid } = postgresIds();
  chownSync(sockDir, uid, gid);
  const cleanup = () => rmSync(sockDir, { recursive: true, force: true });
  const options = { listen_addresses: '', unix_socket_directories: sockDir, ...settings };
  const argv = asPostgres([join(PG_BIN, 'postgres'), '-D', dir, ...Object.entries(options).flatMap(([k, v]) => ['-c', `${k}=${v}`])]);
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (c) => (log += c));
  child.stderr.on('data', (c) => (log += c));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const sql = (statement) => {
    const [cmd, ...args] = asPostgres([join(PG_BIN, 'psql'), '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', sockDir, '-U', 'postgres', '-d', 'postgres', '-c', statement]);
    const result = spawnSync(cmd, args, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`psql: ${(result.stderr || result.stdout).trim().split('\n').pop()}`);
    return result.stdout.trim();
  };
  const lastLogLine = () =>
    (log.trim().split('\n').filter((l) => /FATAL|PANIC|ERROR/.test(l)).pop() ?? log.trim().split('\n').pop() ?? '').replace(/^.*?(FATAL|PANIC|ERROR):\s*/, '$1: ');
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await exited;
      cleanup();
      throw new Error(`postgres exited during start-up: ${lastLogLine() || 'no message'}`);
    }
    const ready = spawnSync(join(PG_BIN, 'pg_isready'), ['-q', '-h', sockDir, '-U', 'postgres']);
    if (ready.status === 0) break;
    if (attempt > 600) {
      child.kill('SIGKILL');
      await exited;
      cleanup();
      throw new Error(`postgres did not accept connections within 30 s: ${lastLogLine() || 'no message'}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  /** A fast shutdown (SIGINT): PostgreSQL's "-m fast". */
  const stop = async () => {
    child.kill('SIGINT');
    const outcome = await exited;
    cleanup();
    return outcome;
  };
  const kill = async () => {
    child.kill('SIGKILL');
    await exited;
    cleanup();
  };
  return { sql, stop, kill, exited, log: () => log, lastLogLine };
}
