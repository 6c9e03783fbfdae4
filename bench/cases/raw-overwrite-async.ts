// Physical limit 2, non-blocking: overwrite 100-byte records in a preallocated, already-synced
// file with fs.write then fs.fdatasync, both with callbacks (libuv's thread pool), one record at a
// time, each awaited. The size never changes, so fdatasync flushes data only: the ceiling of a log
// with preallocated or recycled segments that never blocks the event loop. The synchronous twin is
// raw-overwrite.ts.

import { close, fdatasync, open, write } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { baseParamsSchema, emitResult, freshCaseDir, readParams, removeCaseDir } from '../lib/case-io.js';
import { throughputResult } from '../lib/loop-result.js';
import { makeEvent } from '../lib/payload.js';
import { preallocateSynced } from '../lib/preallocate.js';
import { runAsyncFor } from '../lib/timed-loop.js';

const params = readParams(baseParamsSchema.extend({ fileBytes: z.number().int().positive() }));
const dir = freshCaseDir(params.dataDir, 'raw-overwrite-async');
const path = join(dir, 'prealloc.log');
preallocateSynced(path, params.fileBytes);
const fd = await new Promise<number>((resolve, reject) => open(path, 'r+', (e, n) => (e ? reject(e) : resolve(n))));
const record = makeEvent(4);
const slots = Math.floor(params.fileBytes / record.length);
const overwriteDurably = (index: number): Promise<void> =>
  new Promise((resolve, reject) =>
    // Wrapping around keeps the file size fixed however fast the disk is.
    write(fd, record, 0, record.length, (index % slots) * record.length, (e) => (e ? reject(e) : fdatasync(fd, (e2) => (e2 ? reject(e2) : resolve())))),
  );
for (let i = 0; i < params.warmupOps; i += 1) await overwriteDurably(i);
const outcome = await runAsyncFor(params.durationMs, (i) => overwriteDurably(i + params.warmupOps));
await new Promise<void>((resolve, reject) => close(fd, (e) => (e ? reject(e) : resolve())));
removeCaseDir(dir);
emitResult(throughputResult('raw-overwrite-async', 'commits/s', outcome, 1, { recordBytes: record.length, fileBytes: params.fileBytes }));
