// crash-test target: walref itself, through its node:fs adapter, traced from outside.
//
//   node examples/crash-test/walref/workload.mjs <dir> [--txs N] [--segment-bytes B]
//        [--truncate-every T] [--variant none|no-dir-fsync|ack-before-fsync]
//
// Commits N transactions through the recorder (arm, record "tx-<i>", commit, flush: write +
// fdatasync) into a WAL in <dir>, rotating segments every B bytes, and prints "ACK <i>" once the
// flush of transaction i returned. With --truncate-every T it checkpoints like a host after every
// T-th transaction: it saves a snapshot file (<dir>/snapshot: the transaction and its commit LSN,
// written under a temporary name, fdatasynced, renamed into place, directory fsynced), then calls
// truncateUpTo(commit LSN). The segments that frees are kept as free files (recycleSegments, 2 by
// default) and reused by later rotations: new frames over the bytes of a segment's earlier life. The two variants are planted bugs, built around walref (never
// by editing src/): no-dir-fsync hands openWal a FileSystem whose fsyncDir does nothing, so a new
// segment's directory entry is never made durable; ack-before-fsync prints the ACK before the
// flush. Imports the built package (npm run build).
import { closeSync, fdatasyncSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { nodeFileSystem, openWal } from '../../../dist/src/index.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    txs: { type: 'string', default: '6' },
    'segment-bytes': { type: 'string', default: '160' },
    'truncate-every': { type: 'string', default: '0' },
    variant: { type: 'string', default: 'none' },
  },
});
const dir = positionals[0];
const variant = values.variant;
if (dir === undefined || !['none', 'no-dir-fsync', 'ack-before-fsync'].includes(variant)) {
  process.stderr.write('usage: workload.mjs <dir> [--txs N] [--segment-bytes B] [--truncate-every T] [--variant none|no-dir-fsync|ack-before-fsync]\n');
  process.exit(2);
}
const fs = variant === 'no-dir-fsync' ? { ...nodeFileSystem, fsyncDir: async () => undefined } : nodeFileSystem;
// The ack must reach stdout synchronously, at its place in the system-call stream.
const ack = (id) => writeSync(1, `ACK ${id}\n`);

/** The host's snapshot of transactions 1..tx, made durable before the log is truncated up to it. */
const saveSnapshot = (tx, lsn) => {
  const temporary = join(dir, 'snapshot.tmp');
  const fd = openSync(temporary, 'w');
  writeSync(fd, JSON.stringify({ tx, lsn }));
  fdatasyncSync(fd);
  closeSync(fd);
  renameSync(temporary, join(dir, 'snapshot'));
  const dirFd = openSync(dir, 'r');
  fsyncSync(dirFd);
  closeSync(dirFd);
};
const truncateEvery = Number(values['truncate-every']);

const { wal } = await openWal(dir, { fs, segmentTargetBytes: Number(values['segment-bytes']), sync: { mode: 'per-commit' } });
const recorder = wal.recorder();
for (let i = 1; i <= Number(values.txs); i++) {
  recorder.arm();
  recorder.record(new TextEncoder().encode(`tx-${i}`));
  if ((await recorder.commit()) !== 'yes') throw new Error(`transaction ${i} wrote nothing`);
  if (variant === 'ack-before-fsync') ack(i);
  await recorder.flush();
  if (variant !== 'ack-before-fsync') ack(i);
  if (truncateEvery > 0 && i % truncateEvery === 0) {
    // One transaction at a time under per-commit: the durable LSN is transaction i's commit.
    saveSnapshot(i, wal.durableLsn());
    await wal.truncateUpTo(wal.durableLsn());
  }
}
await wal.close();
