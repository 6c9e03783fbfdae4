// crash-test checker for the etcd target: check.mjs <state dir> <acked id>...
// Starts an etcd member on the crash state (it replays its WAL over the last snapshot, as after a
// power loss) and exits 0 when every acknowledged key holds its value. The last output line is
// the reason; the line before it, the details.
import { startEtcd } from './etcd.mjs';

const [dir, ...ids] = process.argv.slice(2);
const fail = (reason, detail) => {
  if (detail !== undefined) process.stdout.write(`${detail}\n`);
  process.stdout.write(`${reason}\n`);
  process.exit(1);
};
let etcd;
try {
  etcd = await startEtcd(dir);
} catch (error) {
  fail(`etcd refused to start: ${String(error.message).replace(/\d+/g, 'N').slice(0, 160)}`, String(error.message));
}
let problem = null;
try {
  for (const id of ids) {
    const value = await etcd.get(`key-${id}`);
    if (value === null) problem ??= ['an acknowledged key was lost', `key-${id} acknowledged, not found`];
    else if (value !== `value-${id}`) problem ??= ['an acknowledged key holds the wrong value', `key-${id} holds ${JSON.stringify(value)}`];
  }
} catch (error) {
  problem = ['etcd failed during the check', String(error.message)];
} finally {
  await etcd.kill();
}
if (problem !== null) fail(problem[0], problem[1]);
