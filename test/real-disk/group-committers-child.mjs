// The writer process of the concurrent kill -9 test (kill9-group.test.ts). It opens the WAL under
// the group policy with small segments, prints one `ready` line, then runs COMMITTERS concurrent
// loops, each `const call = next++; const { commitLsn } = await wal.writeTransaction([event]);
// await wal.waitDurable(commitLsn)`, and prints one `ack` line per commit once it is durable.
// `call` is the call order: the order in which the host made its calls, and so the order in which
// it applied its mutations. The parent holds replay to that order.
//
// Usage: node group-committers-child.mjs <dir> <run> <segmentTargetBytes>

// It runs on the built library (dist/, which the test builds first): a child that compiled
// src/ through tsx spent about a second of CPU starting, and a test starts 20 or more of them.
import { openWal } from '../../dist/src/index.js';
import { say, waitForGo } from './child-protocol.mjs';

const COMMITTERS = 16;
/** A bound on the loops (the parent kills the process long before it is reached). */
const CALLS_MAX = 1_000_000;

const [dir, runText, segmentText] = process.argv.slice(2);
if (dir === undefined || runText === undefined || segmentText === undefined) {
  throw new Error('usage: group-committers-child.mjs <dir> <run> <segmentTargetBytes>');
}
const run = Number(runText);
const encoder = new TextEncoder();

await waitForGo();

const { wal, replay } = await openWal(dir, {
  sync: { mode: 'group', intervalMs: 1, maxCommits: COMMITTERS },
  segmentTargetBytes: Number(segmentText),
});
say({ type: 'ready', run, nextLsn: wal.nextLsn(), recovered: replay.transactions.length });

let next = 0;
await Promise.all(
  Array.from({ length: COMMITTERS }, async () => {
    while (next < CALLS_MAX) {
      const call = next++;
      const { beginLsn, commitLsn } = await wal.writeTransaction([encoder.encode(`r${run} call ${call}`)]);
      await wal.waitDurable(commitLsn);
      say({ type: 'ack', run, call, beginLsn, commitLsn });
    }
  }),
);
await wal.close();
