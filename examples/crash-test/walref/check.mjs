// crash-test checker for the walref target. It recovers the crash state with openWal, as a
// restarted host would, and accepts it when the live snapshot (the JSON list of events a
// checkpoint through the MANIFEST saved, if any) followed by the replayed transactions is exactly
// "tx-1" .. "tx-k", one event each, in order (no hole, nothing foreign, no event twice), with
// every acknowledged id among them. Otherwise it says what is wrong.
//
// As a function (walref/crash-test's `check`, or `checkModule` for worker threads), which starts
// no process per crash state:
//   check(stateDir, ackedIds) → true | { ok: false, reason, detail }
// As a command (`walref crash-test --check 'node examples/crash-test/walref/check.mjs'`):
//   node check.mjs <state dir> <acked id>...   exit 0, or exit 1 with the reason on the last line
//   (crash-test groups by it) and the details on the line before.
import { runAsCommand } from '../check-command.mjs';
import { openWal } from '../../../dist/src/index.js';

const decoder = new TextDecoder();

export async function check(stateDir, ackedIds) {
  let replay;
  let snapshot = [];
  try {
    const opened = await openWal(stateDir);
    replay = opened.replay;
    try {
      if (opened.snapshot !== null) snapshot = JSON.parse(decoder.decode(await opened.snapshot.read()));
    } finally {
      await opened.wal.close();
    }
  } catch (error) {
    return { ok: false, reason: `open failed: ${error?.code ?? error?.name ?? 'Error'}`, detail: String(error?.message ?? error) };
  }
  const events = [...snapshot, ...replay.transactions.map((tx) => tx.events.map((e) => decoder.decode(e)).join('+'))];
  for (const [i, event] of events.entries()) {
    if (event !== `tx-${i + 1}`) return { ok: false, reason: 'replay is not a prefix of the committed transactions', detail: `transaction ${i + 1} holds ${JSON.stringify(event)}` };
  }
  const highest = Math.max(0, ...ackedIds.map(Number));
  if (events.length < highest) return { ok: false, reason: 'an acknowledged transaction was lost', detail: `acknowledged tx-${highest}, replayed ${events.length}` };
  return true;
}

await runAsCommand(import.meta.url, check);
