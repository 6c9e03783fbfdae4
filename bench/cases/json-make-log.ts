// Writes the logs the JSON replay cases read: `eventBytes` of 1 KiB JSON-like events
// (bench/lib/payload.ts makeJsonEvent), 8 per transaction, through walref with `compression`
// 'none' or 'deflate', sync `none` with a flush every FLUSH_EVERY_TRANSACTIONS and one
// forceFsync at the end. The figure is the bulk write rate in event MiB/s (informative); the
// details give the log's live bytes, counted by a read-only replay afterwards (not timed).

import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { openWal, replayDir } from '../../src/index.js';
import { baseParamsSchema, emitResult, readParams } from '../lib/case-io.js';
import { makeJsonEvent } from '../lib/payload.js';

const params = readParams(
  baseParamsSchema.extend({ logDir: z.string(), eventBytes: z.number().int().positive(), compression: z.enum(['none', 'deflate']) }),
);
const EVENTS_PER_TRANSACTION = 8;
const FLUSH_EVERY_TRANSACTIONS = 64;

rmSync(params.logDir, { recursive: true, force: true });
const events = Array.from({ length: 256 }, (_, i) => makeJsonEvent(i + 1));
const start = performance.now();
const { wal } = await openWal(params.logDir, { sync: { mode: 'none' }, compression: params.compression });
let transactions = 0;
let written = 0;
while (written < params.eventBytes) {
  for (let i = 0; i < FLUSH_EVERY_TRANSACTIONS; i += 1) {
    const first = (transactions * EVENTS_PER_TRANSACTION) % events.length;
    const batch = events.slice(first, first + EVENTS_PER_TRANSACTION);
    await wal.writeTransaction(batch);
    written += batch.reduce((sum, e) => sum + e.length, 0);
    transactions += 1;
  }
  await wal.flush();
}
await wal.forceFsync();
const segments = wal.segments().length;
await wal.close();
const elapsedMs = performance.now() - start;
const sweep = replayDir(params.logDir);
let step = await sweep.next();
while (step.done !== true) step = await sweep.next();
const logBytes = step.value.segments.reduce((sum, s) => sum + s.validBytes, 0);
emitResult({
  case: `json-make-log-${params.compression}`,
  value: written / (1024 * 1024) / (elapsedMs / 1000),
  unit: 'event MiB/s written',
  ops: transactions,
  elapsedMs,
  details: { eventBytes: written, logBytes, compressionRatio: logBytes / written, transactions, segments, compression: params.compression },
});
