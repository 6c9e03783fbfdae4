// walref through the host's API, the way an embedding database commits one query: arm, record one
// ~100-byte event, commit (TxBegin + MutationBatch + TxCommit), flush. Under the default
// per-commit policy every flush is one write and one fdatasync, so each iteration is one durable
// commit. With `fsync: 'disabled'` the same loop runs on a FileSystem whose syncs are no-ops
// (bench/lib/no-fsync-fs.ts): what is left is walref's CPU cost per commit plus one write.
// `io` picks the node adapter's mode: 'non-blocking' (the default: the fdatasync runs on libuv's
// thread pool) or 'blocking' (synchronous calls, one event-loop turn after each fdatasync).

import { z } from 'zod';
import { openWal } from '../../src/index.js';
import { blockingNodeFileSystem, nodeFileSystem } from '../../src/fs/node-fs.js';
import { baseParamsSchema, emitResult, freshCaseDir, readParams, removeCaseDir } from '../lib/case-io.js';
import { throughputResult } from '../lib/loop-result.js';
import { noFsyncFileSystem } from '../lib/no-fsync-fs.js';
import { makeEvent } from '../lib/payload.js';
import { runAsyncFor } from '../lib/timed-loop.js';

const params = readParams(baseParamsSchema.extend({ fsync: z.enum(['real', 'disabled']), io: z.enum(['non-blocking', 'blocking']).default('non-blocking') }));
const caseName = `${params.fsync === 'real' ? 'walref-per-commit' : 'walref-no-fsync'}${params.io === 'blocking' ? '-blocking' : ''}`;
const dir = freshCaseDir(params.dataDir, caseName);
const adapter = params.io === 'blocking' ? blockingNodeFileSystem : nodeFileSystem;
const fs = params.fsync === 'real' ? adapter : noFsyncFileSystem(adapter);
const { wal } = await openWal(dir, { sync: { mode: 'per-commit' }, fs });
const recorder = wal.recorder();
const event = makeEvent(6);
const commitOne = async (): Promise<void> => {
  recorder.arm();
  recorder.record(event);
  if ((await recorder.commit()) !== 'yes') throw new Error('a commit with one event wrote nothing');
  await recorder.flush();
};
for (let i = 0; i < params.warmupOps; i += 1) await commitOne();
const outcome = await runAsyncFor(params.durationMs, commitOne);
const segments = wal.segments().length;
await wal.close();
removeCaseDir(dir);
emitResult(
  throughputResult(caseName, 'commits/s', outcome, 1, {
    eventBytes: event.length,
    fsync: params.fsync === 'real' ? 'fdatasync per commit' : 'no-op datasync/sync/fsyncDir around node-fs',
    segments,
    io: params.io,
  }),
);
