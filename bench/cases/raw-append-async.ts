// Physical limit 1, non-blocking: append one 100-byte record with fs.write, then fs.fdatasync,
// both with callbacks (libuv's thread pool), one record at a time, each awaited. This is what a
// per-commit log that never blocks the event loop pays per durable commit when it does nothing
// but the system calls: two thread-pool round trips (write, fdatasync) per commit. The synchronous
// twin is raw-append.ts.

import { close, fdatasync, open, write } from 'node:fs';
import { join } from 'node:path';
import { baseParamsSchema, emitResult, freshCaseDir, readParams, removeCaseDir } from '../lib/case-io.js';
import { throughputResult } from '../lib/loop-result.js';
import { makeEvent } from '../lib/payload.js';
import { runAsyncFor } from '../lib/timed-loop.js';

const params = readParams(baseParamsSchema);
const dir = freshCaseDir(params.dataDir, 'raw-append-async');
const fd = await new Promise<number>((resolve, reject) => open(join(dir, 'append.log'), 'a', (e, n) => (e ? reject(e) : resolve(n))));
const record = makeEvent(1);
const appendDurably = (): Promise<void> =>
  new Promise((resolve, reject) =>
    write(fd, record, (e) => (e ? reject(e) : fdatasync(fd, (e2) => (e2 ? reject(e2) : resolve())))),
  );
for (let i = 0; i < params.warmupOps; i += 1) await appendDurably();
const outcome = await runAsyncFor(params.durationMs, appendDurably);
await new Promise<void>((resolve, reject) => close(fd, (e) => (e ? reject(e) : resolve())));
removeCaseDir(dir);
emitResult(throughputResult('raw-append-async', 'commits/s', outcome, 1, { recordBytes: record.length }));
