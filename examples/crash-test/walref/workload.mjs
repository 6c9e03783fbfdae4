// crash-test target: walref itself, through its node:fs adapter, traced from outside.
//
//   node examples/crash-test/walref/workload.mjs <dir> [--txs N] [--segment-bytes B]
//        [--variant none|no-dir-fsync|ack-before-fsync]
//
// Commits N transactions through the recorder (arm, record "tx-<i>", commit, flush: write +
// fdatasync) into a WAL in <dir>, rotating segments every B bytes, and prints "ACK <i>" once the
// flush of transaction i returned. The two variants are planted bugs, built around walref (never
// by editing src/): no-dir-fsync hands openWal a FileSystem whose fsyncDir does nothing, so a new
// segment's directory entry is never made durable; ack-before-fsync prints the ACK before the
// flush. Imports the built package (npm run build).
import { writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { nodeFileSystem, openWal } from '../../../dist/src/index.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { txs: { type: 'string', default: '6' }, 'segment-bytes': { type: 'string', default: '160' }, variant: { type: 'string', default: 'none' } },
});
const dir = positionals[0];
const variant = values.variant;
if (dir === undefined || !['none', 'no-dir-fsync', 'ack-before-fsync'].includes(variant)) {
  process.stderr.write('usage: workload.mjs <dir> [--txs N] [--segment-bytes B] [--variant none|no-dir-fsync|ack-before-fsync]\n');
  process.exit(2);
}
const fs = variant === 'no-dir-fsync' ? { ...nodeFileSystem, fsyncDir: async () => undefined } : nodeFileSystem;
// The ack must reach stdout synchronously, at its place in the system-call stream.
const ack = (id) => writeSync(1, `ACK ${id}\n`);

const { wal } = await openWal(dir, { fs, segmentTargetBytes: Number(values['segment-bytes']), sync: { mode: 'per-commit' } });
const recorder = wal.recorder();
for (let i = 1; i <= Number(values.txs); i++) {
  recorder.arm();
  recorder.record(new TextEncoder().encode(`tx-${i}`));
  if ((await recorder.commit()) !== 'yes') throw new Error(`transaction ${i} wrote nothing`);
  if (variant === 'ack-before-fsync') ack(i);
  await recorder.flush();
  if (variant !== 'ack-before-fsync') ack(i);
}
await wal.close();
