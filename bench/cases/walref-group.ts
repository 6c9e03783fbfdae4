// walref group commit: `committers` concurrent loops, each running one transaction at a time
// through the low-level API (begin, append one ~100-byte event, commit) and then awaiting
// waitDurable(commitLsn), so a commit counts only once the fsync covering it has returned. The
// policy is `group` with maxCommits = committers (the flusher syncs as soon as every in-flight
// committer has committed) and intervalMs = 1 as the backstop for stragglers. With `io: 'blocking'`
// its fdatasync runs on the main thread, with no thread-pool round trip per sync. With
// `fsync: 'disabled'` (not in the table; for profiling) the same loop runs on a FileSystem whose
// syncs are no-ops, which isolates walref's CPU cost per concurrent commit.

import { z } from 'zod';
import { openWal } from '../../src/index.js';
import { blockingNodeFileSystem, nodeFileSystem } from '../../src/fs/node-fs.js';
import { baseParamsSchema, emitResult, freshCaseDir, readParams, removeCaseDir } from '../lib/case-io.js';
import { throughputResult } from '../lib/loop-result.js';
import { noFsyncFileSystem } from '../lib/no-fsync-fs.js';
import { makeEvent } from '../lib/payload.js';
import { runConcurrentFor } from '../lib/timed-loop.js';

const params = readParams(
  baseParamsSchema.extend({
    committers: z.number().int().positive(),
    intervalMs: z.number().int().positive().default(1),
    fsync: z.enum(['real', 'disabled']).default('real'),
    io: z.enum(['non-blocking', 'blocking']).default('non-blocking'),
  }),
);
const caseName = `walref-group-${params.committers}${params.fsync === 'real' ? '' : '-no-fsync'}${params.io === 'blocking' ? '-blocking' : ''}`;
const dir = freshCaseDir(params.dataDir, caseName);
const fileSystem = params.io === 'blocking' ? blockingNodeFileSystem : nodeFileSystem;
const { wal } = await openWal(dir, {
  sync: { mode: 'group', intervalMs: params.intervalMs, maxCommits: params.committers },
  fs: params.fsync === 'real' ? fileSystem : noFsyncFileSystem(fileSystem),
});
const event = makeEvent(7);
const commitDurably = async (): Promise<void> => {
  const b = await wal.begin();
  await wal.append(b, event);
  const c = await wal.commit(b);
  await wal.waitDurable(c);
};
for (let i = 0; i < params.warmupOps; i += 1) await commitDurably();
const outcome = await runConcurrentFor(params.durationMs, params.committers, commitDurably);
await wal.close();
removeCaseDir(dir);
emitResult(
  throughputResult(caseName, 'commits/s', outcome, 1, {
    eventBytes: event.length,
    committers: params.committers,
    intervalMs: params.intervalMs,
    maxCommits: params.committers,
    io: params.io,
  }),
);
