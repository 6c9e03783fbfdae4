// The writer process of the kill -9 test (kill9.test.ts). It opens the WAL under `per-commit`,
// which recovers whatever the previous, killed run left behind, prints one `ready` line, then
// commits transactions in a loop. After each commit is acknowledged (commit returned and flush
// returned, so the fdatasync that covers it returned) it prints one `ack` line with the commit's
// LSNs and events; the parent holds the WAL to exactly those. Every fifth transaction is aborted
// instead and never acknowledged, so the parent can check no aborted transaction is replayed.
//
// Events name their run, their commit sequence number within the run, and their index and count
// ("r3 c17 e1/3"), so the parent can tell a partial or foreign transaction from a whole one.
//
// The parent starts the next child while the current one still runs, so that loading the
// modules overlaps with the current run; the child opens the WAL only when the parent writes
// "go" on its stdin (after the previous child is dead and its lock is abandoned).
//
// Usage: node commit-loop-child.mjs <dir> <run>

// It runs on the built library (dist/, which the test builds first): a child that compiled
// src/ through tsx spent about a second of CPU starting, and a test starts 20 or more of them.
import { openWal } from '../../dist/src/index.js';
import { say, waitForGo } from './child-protocol.mjs';

/** A bound on the loop (the parent kills the process long before it is reached). */
const TRANSACTIONS_MAX = 1_000_000;
/** Small segments, so that kills also land around rotation and the log spans many files. */
const SEGMENT_TARGET_BYTES = 4096;

const [dir, runText] = process.argv.slice(2);
if (dir === undefined || runText === undefined) throw new Error('usage: commit-loop-child.mjs <dir> <run>');
const run = Number(runText);
const encoder = new TextEncoder();

await waitForGo();

const { wal, replay } = await openWal(dir, { sync: { mode: 'per-commit' }, segmentTargetBytes: SEGMENT_TARGET_BYTES });
say({ type: 'ready', run, nextLsn: wal.nextLsn(), recovered: replay.transactions.length, tornTail: replay.tornTail !== null });

let seq = 0;
for (let i = 0; i < TRANSACTIONS_MAX; i++) {
  const beginLsn = await wal.begin();
  if (i % 5 === 4) {
    await wal.append(beginLsn, encoder.encode(`r${run} aborted ${i}`));
    await wal.abort(beginLsn);
    continue;
  }
  const count = 1 + (i % 3);
  const events = Array.from({ length: count }, (_, j) => `r${run} c${seq} e${j}/${count}`);
  if (count === 1) await wal.append(beginLsn, encoder.encode(events[0]));
  else await wal.appendBatch(beginLsn, events.map((e) => encoder.encode(e)));
  const commitLsn = await wal.commit(beginLsn);
  await wal.flush();
  if (wal.durableLsn() < commitLsn) throw new Error(`flush returned with durable LSN ${wal.durableLsn()} < ${commitLsn}`);
  // Pipes are synchronous on Linux, so the line is in the parent's pipe before the next commit.
  say({ type: 'ack', run, seq, beginLsn, commitLsn, events });
  seq += 1;
}
await wal.close();
