// Peer: classic-level (LevelDB) put with sync:true, ~100-byte values under sequential keys. With
// `concurrency` > 1, that many loops each await their own put; LevelDB's writer queue then folds
// concurrent writes into one log append and one sync, which is its own group commit.

import { ClassicLevel } from 'classic-level';
import { join } from 'node:path';
import { z } from 'zod';
import { baseParamsSchema, emitResult, freshCaseDir, readParams, removeCaseDir } from '../lib/case-io.js';
import { throughputResult } from '../lib/loop-result.js';
import { makeEvent } from '../lib/payload.js';
import { runConcurrentFor } from '../lib/timed-loop.js';

const params = readParams(baseParamsSchema.extend({ concurrency: z.number().int().positive() }));
const caseName = params.concurrency === 1 ? 'level-sync' : `level-sync-c${params.concurrency}`;
const dir = freshCaseDir(params.dataDir, caseName);
const db = new ClassicLevel<Buffer, Buffer>(join(dir, 'bench.level'), {
  keyEncoding: 'buffer',
  valueEncoding: 'buffer',
});
await db.open();
const event = Buffer.from(makeEvent(5));
let sequence = 0;
const putOne = async (): Promise<void> => {
  const key = Buffer.alloc(8);
  key.writeBigUInt64BE(BigInt(sequence));
  sequence += 1;
  await db.put(key, event, { sync: true });
};
for (let i = 0; i < params.warmupOps; i += 1) await putOne();
const outcome = await runConcurrentFor(params.durationMs, params.concurrency, putOne);
await db.close();
removeCaseDir(dir);
emitResult(
  throughputResult(caseName, 'commits/s', outcome, 1, {
    eventBytes: event.length,
    concurrency: params.concurrency,
  }),
);
