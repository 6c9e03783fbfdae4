// The command form of a crash-test checker module that exports `check(stateDir, ackedIds)`:
// `node check.mjs <state dir> <acked id>...` exits 0 when the verdict is true, and otherwise exits 1
// with the details on one line and the reason crash-test groups by on the last. Imported for the
// function (in-process or `checkModule`), the module runs nothing.
import { argv } from 'node:process';
import { fileURLToPath } from 'node:url';

/** Runs `check` on the command line's arguments when `moduleUrl` is the script node was started with. */
export async function runAsCommand(moduleUrl, check) {
  if (argv[1] === undefined || fileURLToPath(moduleUrl) !== argv[1]) return;
  const [stateDir, ...ids] = argv.slice(2);
  const verdict = await check(stateDir, ids);
  if (verdict !== true) {
    process.stdout.write(`${verdict.detail}\n${verdict.reason}\n`);
    process.exitCode = 1;
  }
}
