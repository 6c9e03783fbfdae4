// walref per-commit with 1 KiB JSON-like events (bench/lib/payload.ts makeJsonEvent), with and
// without `compression: 'deflate'`: the commit rate (recorder: arm, record one event, commit,
// flush; one write and one fdatasync per commit, default io, so deflate runs on libuv's thread
// pool), and the bytes each commit puts on disk (the log's live frames after the run, counted by
// a read-only replay that is not timed, over the number of commits).

import { z } from 'zod';
import { openWal, replayDir } from '../../src/index.js';
import { baseParamsSchema, emitResult, freshCaseDir, readParams, removeCaseDir } from '../lib/case-io.js';
import { throughputResult } from '../lib/loop-result.js';
import { makeJsonEvent } from '../lib/payload.js';
import { runAsyncFor } from '../lib/timed-loop.js';

const params = readParams(baseParamsSchema.extend({ compression: z.enum(['none', 'deflate']) }));
const caseName = `walref-json-${params.compression}`;
const dir = freshCaseDir(params.dataDir, caseName);
const { wal } = await openWal(dir, { sync: { mode: 'per-commit' }, compression: params.compression });
const recorder = wal.recorder();
const events = Array.from({ length: 256 }, (_, i) => makeJsonEvent(i + 1));
let commits = 0;
const commitOne = async (): Promise<void> => {
  recorder.arm();
  recorder.record(events[commits % events.length] as Uint8Array);
  commits += 1;
  if ((await recorder.commit()) !== 'yes') throw new Error('a commit with one event wrote nothing');
  await recorder.flush();
};
for (let i = 0; i < params.warmupOps; i += 1) await commitOne();
const outcome = await runAsyncFor(params.durationMs, commitOne);
await wal.close();
const sweep = replayDir(dir);
let step = await sweep.next();
while (step.done !== true) step = await sweep.next();
const headerBytes = 44;
const logBytes = step.value.segments.reduce((sum, s) => sum + s.validBytes - headerBytes, 0);
removeCaseDir(dir);
emitResult(
  throughputResult(caseName, 'commits/s', outcome, 1, {
    eventBytes: events[0]?.length ?? 0,
    compression: params.compression,
    commits,
    logBytesPerCommit: logBytes / commits,
  }),
);
