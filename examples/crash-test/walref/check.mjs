// crash-test checker for the walref target: check.mjs <state dir> <acked id>...
// Recovers the crash state with openWal, as a restarted host would, and exits 0 when the live
// snapshot (the JSON list of events a checkpoint through the MANIFEST saved, if any) followed by
// the replayed transactions is exactly "tx-1" .. "tx-k", one event each, in order (no hole,
// nothing foreign, no event twice), with every acknowledged id among them. Otherwise it prints one
// line saying what is wrong.
import { openWal } from '../../../dist/src/index.js';

const [dir, ...ids] = process.argv.slice(2);
// The last line is the reason crash-test groups by; the line before it gives the details.
const fail = (reason, detail) => {
  if (detail !== undefined) process.stdout.write(`${detail}\n`);
  process.stdout.write(`${reason}\n`);
  process.exit(1);
};
let replay;
let snapshot = [];
try {
  const opened = await openWal(dir);
  replay = opened.replay;
  if (opened.snapshot !== null) snapshot = JSON.parse(new TextDecoder().decode(await opened.snapshot.read()));
  await opened.wal.close();
} catch (error) {
  fail(`open failed: ${error?.code ?? error?.name ?? 'Error'}`, String(error?.message ?? error));
}
const events = [...snapshot, ...replay.transactions.map((tx) => tx.events.map((e) => new TextDecoder().decode(e)).join('+'))];
events.forEach((event, i) => {
  if (event !== `tx-${i + 1}`) fail('replay is not a prefix of the committed transactions', `transaction ${i + 1} holds ${JSON.stringify(event)}`);
});
const highest = Math.max(0, ...ids.map(Number));
if (events.length < highest) fail('an acknowledged transaction was lost', `acknowledged tx-${highest}, replayed ${events.length}`);
