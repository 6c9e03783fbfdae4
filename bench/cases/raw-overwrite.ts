// Physical limit 2: overwrite 100-byte records in a preallocated, already-synced file, with one
// fdatasync each. The size never changes, so fdatasync flushes data only and skips the journal
// commit: the ceiling a log with preallocated or recycled segments could reach.

import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { baseParamsSchema, emitResult, freshCaseDir, readParams, removeCaseDir } from '../lib/case-io.js';
import { throughputResult } from '../lib/loop-result.js';
import { makeEvent } from '../lib/payload.js';
import { preallocateSynced } from '../lib/preallocate.js';
import { runSyncFor } from '../lib/timed-loop.js';

const params = readParams(baseParamsSchema.extend({ fileBytes: z.number().int().positive() }));
const dir = freshCaseDir(params.dataDir, 'raw-overwrite');
preallocateSynced(join(dir, 'prealloc.log'), params.fileBytes);
const fd = openSync(join(dir, 'prealloc.log'), 'r+');
const record = makeEvent(2);
const slots = Math.floor(params.fileBytes / record.length);
const overwriteDurably = (index: number): void => {
  // Wrapping around keeps the file size fixed however fast the disk is.
  writeSync(fd, record, 0, record.length, (index % slots) * record.length);
  fdatasyncSync(fd);
};
for (let i = 0; i < params.warmupOps; i += 1) overwriteDurably(i);
const outcome = runSyncFor(params.durationMs, (i) => overwriteDurably(i + params.warmupOps));
closeSync(fd);
removeCaseDir(dir);
emitResult(
  throughputResult('raw-overwrite', 'commits/s', outcome, 1, {
    recordBytes: record.length,
    fileBytes: params.fileBytes,
  }),
);
