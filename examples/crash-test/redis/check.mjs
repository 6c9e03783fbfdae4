// crash-test checker for the Redis target: check.mjs <state dir> <acked id>...
// Starts redis-server on the crash state with appendonly yes (it loads the append-only file as a
// restarted server would) and exits 0 when every acknowledged key holds its value. The last output
// line is the reason; the line before it, the details.
import { startRedis } from './redis.mjs';

const [dir, ...ids] = process.argv.slice(2);
const fail = (reason, detail) => {
  if (detail !== undefined) process.stdout.write(`${detail}\n`);
  process.stdout.write(`${reason}\n`);
  process.exit(1);
};
let redis;
try {
  redis = await startRedis(dir, ['--appendonly', 'yes']);
} catch (error) {
  fail(`redis-server refused to start: ${String(error.message).replace(/\d+/g, 'N').slice(0, 120)}`, String(error.message));
}
let problem = null;
try {
  for (const id of ids) {
    const value = await redis.client.command(['GET', `key-${id}`]);
    if (value instanceof Error) problem ??= ['redis-server failed during the check', value.message];
    else if (value === null) problem ??= ['an acknowledged key was lost', `key-${id} acknowledged, not found`];
    else if (value !== `value-${id}`) problem ??= ['an acknowledged key holds the wrong value', `key-${id} holds ${JSON.stringify(value)}`];
  }
} finally {
  // Stopped and removed before any exit (startRedis also does it when the process ends otherwise).
  redis.client.close();
  redis.child.kill('SIGKILL');
  await redis.exited;
  redis.cleanup();
}
if (problem !== null) fail(problem[0], problem[1]);
