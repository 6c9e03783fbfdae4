// crash-test checker for the SQLite target: check.mjs <state dir> <acked id>...
// Opens test.db as a restarted application would (SQLite replays its WAL), runs
// PRAGMA integrity_check, and exits 0 when every acknowledged row is there with its value.
// The last output line is the reason; the line before it, the details.
import Database from 'better-sqlite3';

const [dir, ...ids] = process.argv.slice(2);
const fail = (reason, detail) => {
  if (detail !== undefined) process.stdout.write(`${detail}\n`);
  process.stdout.write(`${reason}\n`);
  process.exit(1);
};
let rows;
try {
  const db = new Database(`${dir}/test.db`);
  const integrity = db.pragma('integrity_check', { simple: true });
  if (integrity !== 'ok') fail('integrity_check failed', String(integrity));
  const hasTable = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'kv'").get().n === 1;
  rows = hasTable ? new Map(db.prepare('SELECT id, v FROM kv').all().map((r) => [r.id, r.v])) : new Map();
  db.close();
} catch (error) {
  fail(`open failed: ${error?.code ?? error?.name ?? 'Error'}`, String(error?.message ?? error));
}
for (const id of ids) {
  const value = rows.get(Number(id));
  if (value === undefined) fail('an acknowledged row was lost', `row ${id} acknowledged, ${rows.size} rows in the table`);
  if (value !== `value-${id}`) fail('an acknowledged row holds the wrong value', `row ${id} holds ${JSON.stringify(value)}`);
}
