// crash-test checker for the walref target: check.mjs <state dir> <acked id>...
// Recovers the crash state with openWal, as a restarted host would, and exits 0 when the replayed
// transactions are exactly "tx-1" .. "tx-k", one event each, in order (no hole, nothing foreign),
// with every acknowledged id among them. Otherwise it prints one line saying what is wrong. When
// the state holds the workload's snapshot file (--truncate-every), the host starts from it: openWal
// gets its commit LSN as the checkpoint LSN, and the replay must be exactly "tx-(j+1)" .. "tx-k"
// for the snapshot's transaction j.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openWal } from '../../../dist/src/index.js';

const [dir, ...ids] = process.argv.slice(2);
// The last line is the reason crash-test groups by; the line before it gives the details.
const fail = (reason, detail) => {
  if (detail !== undefined) process.stdout.write(`${detail}\n`);
  process.stdout.write(`${reason}\n`);
  process.exit(1);
};
let snapshot = { tx: 0, lsn: 0 };
if (existsSync(join(dir, 'snapshot'))) {
  try {
    snapshot = JSON.parse(readFileSync(join(dir, 'snapshot'), 'utf8'));
  } catch (error) {
    fail('the snapshot file is damaged', String(error?.message ?? error));
  }
}
let replay;
try {
  const opened = await openWal(dir, { checkpointLsn: snapshot.lsn });
  replay = opened.replay;
  await opened.wal.close();
} catch (error) {
  fail(`open failed: ${error?.code ?? error?.name ?? 'Error'}`, String(error?.message ?? error));
}
const events = replay.transactions.map((tx) => tx.events.map((e) => new TextDecoder().decode(e)).join('+'));
events.forEach((event, i) => {
  const expected = `tx-${snapshot.tx + i + 1}`;
  if (event !== expected) fail('replay is not a prefix of the committed transactions', `transaction ${snapshot.tx + i + 1} holds ${JSON.stringify(event)}`);
});
const highest = Math.max(0, ...ids.map(Number));
const recovered = snapshot.tx + events.length;
if (recovered < highest) fail('an acknowledged transaction was lost', `acknowledged tx-${highest}, recovered ${recovered} (snapshot ${snapshot.tx}, replayed ${events.length})`);
