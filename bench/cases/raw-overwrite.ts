// Physical limit 2: overwrite 100-byte records in a preallocated, already-synced file, with one
// fdatasync each. The size never changes, so fdatasync flushes data only and skips the journal
// commit: the ceiling a log with preallocated or recycled segments could reach.

import { closeSync, fdatasyncSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { baseParamsSchema, emitResult, freshCaseDir, readParams, removeCaseDir } from '../lib/case-io.js';
import { throughputResult } from '../lib/loop-result.js';
import { makeEvent } from '../lib/payload.js';
import { runSyncFor } from '../lib/timed-loop.js';

const params = readParams(baseParamsSchema.extend({ fileBytes: z.number().int().positive() }));
const dir = freshCaseDir(params.dataDir, 'raw-overwrite');
const fd = openSync(join(dir, 'prealloc.log'), 'w');
// Preallocate by writing real zeros and syncing them (not fallocate: its unwritten extents would
// need a metadata change on first write, which is exactly the cost this case leaves out).
const chunk = new Uint8Array(1024 * 1024);
for (let written = 0; written < params.fileBytes; written += chunk.length) writeSync(fd, chunk);
fsyncSync(fd);
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
