// crash-test checker for the PostgreSQL target: check.mjs <state dir> <acked id>...
// Hands the crash state to the postgres user, starts the server on it (crash recovery replays the
// WAL, as after a power loss) and exits 0 when every acknowledged row is there with its value. The
// last output line is the reason; the line before it, the details.
import { giveToPostgres, startServer } from './pg.mjs';

const [dir, ...ids] = process.argv.slice(2);
const fail = (reason, detail) => {
  if (detail !== undefined) process.stdout.write(`${detail}\n`);
  process.stdout.write(`${reason}\n`);
  process.exit(1);
};
/**
 * The reason for an error a query met, naming its class so that violations group by it: a relation
 * file recovery did not bring back, or else the server's message with numbers as N.
 */
const classify = (message) => {
  const missing = /could not open file "([^"]+)": No such file or directory/.exec(message);
  if (missing !== null) return `a relation file is missing: could not open file "${missing[1].replace(/\d+/g, 'N')}"`;
  return `postgres failed during the check: ${message.replace(/^psql: /, '').replace(/\d+/g, 'N').slice(0, 160)}`;
};
giveToPostgres(dir);
let server;
try {
  server = await startServer(dir, { fsync: 'off' });
} catch (error) {
  fail(`postgres refused to start: ${String(error.message).replace(/\d+/g, 'N').slice(0, 160)}`, String(error.message));
}
let problem = null;
try {
  const exists = server.sql("SELECT to_regclass('public.kv') IS NOT NULL");
  if (exists !== 't') {
    if (ids.length > 0) problem = ['the acknowledged table is missing', `kv does not exist; acknowledged ${ids.join(' ')}`];
  } else {
    const rows = new Map(
      server
        .sql('SELECT id, v FROM kv ORDER BY id')
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('|')),
    );
    for (const id of ids) {
      if (!rows.has(id)) problem ??= ['an acknowledged row was lost', `row ${id} acknowledged, not found`];
      else if (rows.get(id) !== `value-${id}`) problem ??= ['an acknowledged row holds the wrong value', `row ${id} holds ${rows.get(id)}`];
    }
  }
} catch (error) {
  problem = [classify(String(error.message)), String(error.message)];
} finally {
  await server.kill();
}
if (problem !== null) fail(problem[0], problem[1]);
