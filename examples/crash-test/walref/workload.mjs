// crash-test target: walref itself, through its node:fs adapter, traced from outside.
//
//   node examples/crash-test/walref/workload.mjs <dir> [--txs N] [--segment-bytes B]
//        [--checkpoint-every K] [--variant none|no-dir-fsync|ack-before-fsync|
//         checkpoint-no-dir-fsync|checkpoint-unsynced-snapshot|checkpoint-delete-before-commit]
//
// Commits N transactions through the recorder (arm, record "tx-<i>", commit, flush: write +
// fdatasync) into a WAL in <dir>, rotating segments every B bytes, and prints "ACK <i>" once the
// flush of transaction i returned. With --checkpoint-every K, after every K-th transaction it
// checkpoints through the MANIFEST: the snapshot is the JSON list of the events committed so far,
// at the commit LSN just made durable, and retention keeps one snapshot (so every checkpoint but
// the first removes the one before it, and covered segments go too: renamed to free files, up to recycleSegments, and reused by later
// rotations, so new frames overwrite the bytes of a segment's earlier life).
//
// The variants are planted bugs, built around walref (never by editing src/): no-dir-fsync hands
// openWal a FileSystem whose fsyncDir does nothing, so a new segment's directory entry is never
// made durable; ack-before-fsync prints the ACK before the flush; checkpoint-no-dir-fsync drops the
// directory fsync right after the MANIFEST's rename; checkpoint-unsynced-snapshot never fdatasyncs
// a snapshot file; checkpoint-delete-before-commit holds the MANIFEST's rename back until the
// removals after it were issued (or the next checkpoint starts), so they can reach the disk
// without it. Imports the built package (npm run build).
import { writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { nodeFileSystem, openWal } from '../../../dist/src/index.js';

const VARIANTS = ['none', 'no-dir-fsync', 'ack-before-fsync', 'checkpoint-no-dir-fsync', 'checkpoint-unsynced-snapshot', 'checkpoint-delete-before-commit'];
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    txs: { type: 'string', default: '6' },
    'segment-bytes': { type: 'string', default: '160' },
    'checkpoint-every': { type: 'string', default: '0' },
    variant: { type: 'string', default: 'none' },
  },
});
const dir = positionals[0];
const variant = values.variant;
if (dir === undefined || !VARIANTS.includes(variant)) {
  process.stderr.write(`usage: workload.mjs <dir> [--txs N] [--segment-bytes B] [--checkpoint-every K] [--variant ${VARIANTS.join('|')}]\n`);
  process.exit(2);
}

const isManifest = (path) => path.endsWith('/MANIFEST');

/** The FileSystem the WAL runs on: node:fs, or node:fs with one planted bug. */
function fileSystemFor(name) {
  switch (name) {
    case 'no-dir-fsync':
      return { ...nodeFileSystem, fsyncDir: async () => undefined };
    case 'checkpoint-no-dir-fsync': {
      let skip = false;
      return {
        ...nodeFileSystem,
        rename: (from, to) => {
          nodeFileSystem.rename(from, to);
          skip = isManifest(to);
        },
        fsyncDir: async (path) => {
          if (skip) skip = false;
          else await nodeFileSystem.fsyncDir(path);
        },
      };
    }
    case 'checkpoint-unsynced-snapshot':
      return {
        ...nodeFileSystem,
        open: (path, mode) => {
          const handle = nodeFileSystem.open(path, mode);
          if (!path.endsWith('.snap')) return handle;
          return { ...handle, path: handle.path, write: (d, o) => handle.write(d, o), read: (o, l) => handle.read(o, l), datasync: async () => undefined, sync: async () => undefined, truncate: (n) => handle.truncate(n), sizeBytes: () => handle.sizeBytes(), close: () => handle.close() };
        },
      };
    case 'checkpoint-delete-before-commit': {
      let held = null;
      let removed = false;
      const release = () => {
        if (held !== null) nodeFileSystem.rename(held.from, held.to);
        held = null;
        removed = false;
      };
      return {
        ...nodeFileSystem,
        open: (path, mode) => {
          if (path.endsWith('MANIFEST.tmp')) release();
          return nodeFileSystem.open(path, mode);
        },
        rename: (from, to) => {
          if (isManifest(to)) held = { from, to };
          else nodeFileSystem.rename(from, to);
        },
        unlink: (path) => {
          nodeFileSystem.unlink(path);
          removed = true;
        },
        fsyncDir: async (path) => {
          if (held !== null && removed) release();
          await nodeFileSystem.fsyncDir(path);
        },
      };
    }
    default:
      return nodeFileSystem;
  }
}

// The ack must reach stdout synchronously, at its place in the system-call stream.
const ack = (id) => writeSync(1, `ACK ${id}\n`);
const every = Number(values['checkpoint-every']);

const { wal } = await openWal(dir, { fs: fileSystemFor(variant), segmentTargetBytes: Number(values['segment-bytes']), sync: { mode: 'per-commit' } });
const recorder = wal.recorder();
const committed = [];
for (let i = 1; i <= Number(values.txs); i++) {
  recorder.arm();
  recorder.record(new TextEncoder().encode(`tx-${i}`));
  if ((await recorder.commit()) !== 'yes') throw new Error(`transaction ${i} wrote nothing`);
  if (variant === 'ack-before-fsync') ack(i);
  await recorder.flush();
  if (variant !== 'ack-before-fsync') ack(i);
  committed.push(`tx-${i}`);
  if (every > 0 && i % every === 0) {
    // Per-commit: right after the flush the durable LSN is this transaction's commit LSN.
    const snapshot = new TextEncoder().encode(JSON.stringify(committed));
    await wal.checkpoint({ lsn: wal.durableLsn(), snapshot, retain: { snapshots: 1 } });
  }
}
await wal.close();
