// Physical limit 3: 64 records of 100 bytes appended in one writeSync, then one fdatasyncSync.
// This is the most any group commit of 64 concurrent committers can reach on this disk: one
// append and one sync shared by all of them, with no per-record work at all.

import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { baseParamsSchema, emitResult, freshCaseDir, readParams, removeCaseDir } from '../lib/case-io.js';
import { throughputResult } from '../lib/loop-result.js';
import { makeEvent } from '../lib/payload.js';
import { runSyncFor } from '../lib/timed-loop.js';

const params = readParams(baseParamsSchema.extend({ batchRecords: z.number().int().positive() }));
const dir = freshCaseDir(params.dataDir, 'raw-batch');
const fd = openSync(join(dir, 'batch.log'), 'w');
const record = makeEvent(3);
const batch = new Uint8Array(record.length * params.batchRecords);
for (let i = 0; i < params.batchRecords; i += 1) batch.set(record, i * record.length);
const appendBatchDurably = (): void => {
  writeSync(fd, batch);
  fdatasyncSync(fd);
};
for (let i = 0; i < params.warmupOps; i += 1) appendBatchDurably();
const outcome = runSyncFor(params.durationMs, appendBatchDurably);
closeSync(fd);
removeCaseDir(dir);
emitResult(
  throughputResult(`raw-batch${params.batchRecords}`, 'records/s', outcome, params.batchRecords, {
    recordBytes: record.length,
    batchRecords: params.batchRecords,
  }),
);
