// crash-test target: SQLite (better-sqlite3) in WAL mode.
//
//   node examples/crash-test/sqlite/workload.mjs <dir> [--synchronous FULL|NORMAL] [--rows N]
//
// Creates <dir>/test.db in WAL mode with the given synchronous setting, then inserts rows 1..N,
// each in its own transaction, printing "ACK <i>" once the INSERT (an autocommit transaction)
// returned. SQLite documents that WAL mode with synchronous=NORMAL is not durable across power
// loss (commits are fsynced only at checkpoints); FULL fsyncs the WAL at every commit.
import { writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { synchronous: { type: 'string', default: 'FULL' }, rows: { type: 'string', default: '4' } } });
const dir = positionals[0];
if (dir === undefined || !['FULL', 'NORMAL', 'EXTRA', 'OFF'].includes(values.synchronous)) {
  process.stderr.write('usage: workload.mjs <dir> [--synchronous FULL|NORMAL] [--rows N]\n');
  process.exit(2);
}
const db = new Database(`${dir}/test.db`);
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${values.synchronous}`);
db.exec('CREATE TABLE IF NOT EXISTS kv (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
const insert = db.prepare('INSERT INTO kv (id, v) VALUES (?, ?)');
for (let i = 1; i <= Number(values.rows); i++) {
  insert.run(i, `value-${i}`);
  writeSync(1, `ACK ${i}\n`);
}
db.close();
