// crash-test --init for the PostgreSQL target: `node init.mjs <dir>` runs initdb into <dir> as the
// postgres user. crash-test runs it before the trace, so the 39 MB that initdb writes are the
// initial directory (assumed durable), not part of the history.
import { initdb, pgMissing } from './pg.mjs';

const dir = process.argv[2];
if (dir === undefined) {
  process.stderr.write('usage: init.mjs <dir>\n');
  process.exit(2);
}
const missing = pgMissing();
if (missing !== null) {
  process.stderr.write(`${missing}\n`);
  process.exit(2);
}
initdb(dir);
