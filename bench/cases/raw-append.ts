// Physical limit 1: append one 100-byte record with writeSync, then fdatasyncSync, per record.
// The file grows with every record, so each fdatasync also commits the new size (on ext4 a
// journal commit): this is what any append-only log pays per durable commit. With
// `fdatasync: false` the same loop only writes to the page cache: the ceiling for a log whose
// fsync is disabled (the cost of one write system call).

import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { baseParamsSchema, emitResult, freshCaseDir, readParams, removeCaseDir } from '../lib/case-io.js';
import { throughputResult } from '../lib/loop-result.js';
import { makeEvent } from '../lib/payload.js';
import { runSyncFor } from '../lib/timed-loop.js';

const params = readParams(baseParamsSchema.extend({ fdatasync: z.boolean() }));
const caseName = params.fdatasync ? 'raw-append' : 'raw-write';
const dir = freshCaseDir(params.dataDir, caseName);
const fd = openSync(join(dir, 'append.log'), 'w');
const record = makeEvent(1);
const appendDurably = (): void => {
  writeSync(fd, record);
  if (params.fdatasync) fdatasyncSync(fd);
};
for (let i = 0; i < params.warmupOps; i += 1) appendDurably();
const outcome = runSyncFor(params.durationMs, appendDurably);
closeSync(fd);
removeCaseDir(dir);
emitResult(throughputResult(caseName, 'commits/s', outcome, 1, { recordBytes: record.length }));
