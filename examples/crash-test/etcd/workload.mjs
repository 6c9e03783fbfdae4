// crash-test target: etcd 3.4 (Debian's etcd-server).
//
//   node examples/crash-test/etcd/workload.mjs <dir> [--puts N] [--pause-ms M] [--backend-batch-interval D]
//
// Starts one etcd member on <dir> (empty: etcd makes its member/wal and member/snap there) as a
// direct child on loopback ports, sends N puts one after the other, printing "ACK <i>" once each
// reply came back (etcd replies after the entry is committed through raft, which fsyncs its WAL),
// then kills the member with SIGKILL.
//
// An acknowledged put is durable in the WAL at once, and in the backend (member/snap/db, bbolt)
// only at the backend's next commit, every 100 ms by default (--backend-batch-interval). What a
// crash state that loses the WAL keeps therefore depends on how long the run took: on a fast
// machine the puts are never in the backend, on a loaded one some are. --backend-batch-interval
// (a Go duration, passed to etcd) takes that timing out of a test; --pause-ms waits between puts,
// as a slow machine would.
import { writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startEtcd } from './etcd.mjs';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { puts: { type: 'string', default: '4' }, 'pause-ms': { type: 'string', default: '0' }, 'backend-batch-interval': { type: 'string' } } });
const dir = positionals[0];
if (dir === undefined) {
  process.stderr.write('usage: workload.mjs <dir> [--puts N]\n');
  process.exit(2);
}
const interval = values['backend-batch-interval'];
const etcd = await startEtcd(dir, { flags: interval === undefined ? [] : ['--backend-batch-interval', interval] });
try {
  for (let i = 1; i <= Number(values.puts); i++) {
    await etcd.put(`key-${i}`, `value-${i}`);
    writeSync(1, `ACK ${i}\n`);
    if (Number(values['pause-ms']) > 0) await new Promise((resolve) => setTimeout(resolve, Number(values['pause-ms'])));
  }
} finally {
  await etcd.kill();
}
