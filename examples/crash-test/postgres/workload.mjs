// crash-test target: PostgreSQL 15 (Debian's postgresql-15).
//
//   node examples/crash-test/postgres/workload.mjs <dir> [--synchronous-commit on|off] [--rows N]
//
// <dir> holds a cluster made by init.mjs (crash-test --init). Starts the server as a direct child
// on a unix socket with fsync on and the given synchronous_commit, creates a table, inserts rows
// 1..N one statement (one transaction) at a time, printing "ACK <i>" once psql returned, then
// stops the server with a fast shutdown. With synchronous_commit=off PostgreSQL documents that a
// crash may lose the last transactions reported committed (up to 3 × wal_writer_delay).
import { writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startServer } from './pg.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'synchronous-commit': { type: 'string', default: 'on' }, rows: { type: 'string', default: '4' } },
});
const dir = positionals[0];
if (dir === undefined || !['on', 'off', 'local', 'remote_write'].includes(values['synchronous-commit'])) {
  process.stderr.write('usage: workload.mjs <dir> [--synchronous-commit on|off] [--rows N]\n');
  process.exit(2);
}
const server = await startServer(dir, { fsync: 'on', synchronous_commit: values['synchronous-commit'], wal_writer_delay: '200ms' });
try {
  server.sql('CREATE TABLE IF NOT EXISTS kv (id integer PRIMARY KEY, v text NOT NULL)');
  for (let i = 1; i <= Number(values.rows); i++) {
    server.sql(`INSERT INTO kv (id, v) VALUES (${i}, 'value-${i}')`);
    writeSync(1, `ACK ${i}\n`);
  }
} finally {
  await server.stop();
}
