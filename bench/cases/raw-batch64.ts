// Physical limit 3: 64 records of 100 bytes in one writeSync, then one fdatasyncSync. This is the
// most any group commit of 64 concurrent committers can reach on this disk: one write and one sync
// shared by all of them, with no per-record work at all. Appending (the file grows) by default;
// with `fileBytes`, overwriting a preallocated, already-synced file of that size in a ring (the
// size never changes, so fdatasync skips the journal): the ceiling for preallocated segments.

import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { baseParamsSchema, emitResult, freshCaseDir, readParams, removeCaseDir } from '../lib/case-io.js';
import { throughputResult } from '../lib/loop-result.js';
import { makeEvent } from '../lib/payload.js';
import { preallocateSynced } from '../lib/preallocate.js';
import { runSyncFor } from '../lib/timed-loop.js';

const params = readParams(baseParamsSchema.extend({ batchRecords: z.number().int().positive(), fileBytes: z.number().int().positive().optional() }));
const dir = freshCaseDir(params.dataDir, 'raw-batch');
const path = join(dir, 'batch.log');
if (params.fileBytes !== undefined) preallocateSynced(path, params.fileBytes);
const fd = openSync(path, params.fileBytes === undefined ? 'w' : 'r+');
const record = makeEvent(3);
const batch = new Uint8Array(record.length * params.batchRecords);
for (let i = 0; i < params.batchRecords; i += 1) batch.set(record, i * record.length);
const slots = params.fileBytes === undefined ? 0 : Math.floor(params.fileBytes / batch.length);
const appendBatchDurably = (index: number): void => {
  if (params.fileBytes === undefined) writeSync(fd, batch);
  else writeSync(fd, batch, 0, batch.length, (index % slots) * batch.length);
  fdatasyncSync(fd);
};
for (let i = 0; i < params.warmupOps; i += 1) appendBatchDurably(i);
const outcome = runSyncFor(params.durationMs, (i) => appendBatchDurably(i + params.warmupOps));
closeSync(fd);
removeCaseDir(dir);
emitResult(
  throughputResult(`raw-batch${params.batchRecords}${params.fileBytes === undefined ? '' : '-overwrite'}`, 'records/s', outcome, params.batchRecords, {
    recordBytes: record.length,
    batchRecords: params.batchRecords,
    preallocatedBytes: params.fileBytes ?? null,
  }),
);
