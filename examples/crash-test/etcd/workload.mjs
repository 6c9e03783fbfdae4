// crash-test target: etcd 3.4 (Debian's etcd-server).
//
//   node examples/crash-test/etcd/workload.mjs <dir> [--puts N]
//
// Starts one etcd member on <dir> (empty: etcd makes its member/wal and member/snap there) as a
// direct child on loopback ports, sends N puts one after the other, printing "ACK <i>" once each
// reply came back (etcd replies after the entry is committed through raft, which fsyncs its WAL),
// then kills the member with SIGKILL.
import { writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startEtcd } from './etcd.mjs';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { puts: { type: 'string', default: '4' } } });
const dir = positionals[0];
if (dir === undefined) {
  process.stderr.write('usage: workload.mjs <dir> [--puts N]\n');
  process.exit(2);
}
const etcd = await startEtcd(dir);
try {
  for (let i = 1; i <= Number(values.puts); i++) {
    await etcd.put(`key-${i}`, `value-${i}`);
    writeSync(1, `ACK ${i}\n`);
  }
} finally {
  await etcd.kill();
}
