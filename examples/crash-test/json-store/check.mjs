// crash-test checker for the JSON-file store: the store opens on the crash state and every
// acknowledged put is there with its value.
//
// As a function (walref/crash-test's `check`, or `checkModule` for worker threads):
//   check(stateDir, ackedIds) → true | { ok: false, reason, detail }
// As a command (`walref crash-test --check 'node examples/crash-test/json-store/check.mjs'`):
//   node check.mjs <state dir> <acked id>...   exit 0, or exit 1 with the reason on the last line.
import { runAsCommand } from '../check-command.mjs';
import { readStore } from './store.mjs';

export async function check(stateDir, ackedIds) {
  let data;
  try {
    data = await readStore(stateDir);
  } catch (error) {
    return { ok: false, reason: 'the store does not open: db.json is not valid JSON', detail: String(error.message) };
  }
  for (const id of ackedIds) {
    const value = data[`key-${id}`];
    if (value === undefined) return { ok: false, reason: 'an acknowledged put was lost', detail: `key-${id} acknowledged, ${Object.keys(data).length} keys in db.json` };
    if (value !== `value-${id}`) return { ok: false, reason: 'an acknowledged put holds the wrong value', detail: `key-${id} holds ${JSON.stringify(value)}` };
  }
  return true;
}

await runAsCommand(import.meta.url, check);
