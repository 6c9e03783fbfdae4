// crash-test target: Redis (Debian's redis-server) with the append-only file.
//
//   node examples/crash-test/redis/workload.mjs <dir> [--appendfsync always|everysec] [--sets N]
//
// Starts redis-server as a direct child on a unix socket with appendonly yes and the given
// appendfsync policy, data in <dir>; sends N SETs one after the other, printing "ACK <i>" once
// each +OK came back; then stops the server with SIGKILL (a crash, no shutdown save).
import { writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startRedis } from './redis.mjs';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { appendfsync: { type: 'string', default: 'always' }, sets: { type: 'string', default: '4' } } });
const dir = positionals[0];
if (dir === undefined || !['always', 'everysec', 'no'].includes(values.appendfsync)) {
  process.stderr.write('usage: workload.mjs <dir> [--appendfsync always|everysec] [--sets N]\n');
  process.exit(2);
}
const redis = await startRedis(dir, ['--appendonly', 'yes', '--appendfsync', values.appendfsync]);
for (let i = 1; i <= Number(values.sets); i++) {
  const reply = await redis.client.command(['SET', `key-${i}`, `value-${i}`]);
  if (reply !== 'OK') throw new Error(`SET key-${i} answered ${String(reply)}`);
  writeSync(1, `ACK ${i}\n`);
}
redis.client.close();
redis.child.kill('SIGKILL');
await redis.exited;
redis.cleanup();
