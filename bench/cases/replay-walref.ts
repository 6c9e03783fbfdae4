// walref replay of the log replay-make-log wrote, timed from nothing to every committed
// transaction handed over, with this process's peak RSS.
//   form 'array':  openWal(dir), as a host opens its log: reads each segment whole, replays them
//                  into one array of transactions, repairs nothing (the log is clean) and fsyncs.
//   form 'stream': replayStream from src/core/replay.ts over each segment read in fixed-size
//                  chunks into one reused buffer; each transaction is counted and dropped, so
//                  memory holds only the open transactions plus one chunk, whatever the log size.

import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { replayStream } from '../../src/core/replay.js';
import { parseSegmentFileName } from '../../src/core/format.js';
import { openWal } from '../../src/index.js';
import { baseParamsSchema, emitResult, emitUnavailable, peakRssMiB, readParams } from '../lib/case-io.js';

const params = readParams(
  baseParamsSchema.extend({
    logDir: z.string(),
    form: z.enum(['array', 'stream']),
    chunkBytes: z.number().int().positive().default(1024 * 1024),
  }),
);

/** One segment's bytes, chunk by chunk, into a single reused buffer (replayStream copies events out). */
function* readChunks(path: string, buffer: Uint8Array): Generator<Uint8Array> {
  const fd = openSync(path, 'r');
  try {
    let offset = 0;
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, offset);
      if (read === 0) return;
      offset += read;
      yield buffer.subarray(0, read);
    }
  } finally {
    closeSync(fd);
  }
}

function segmentsOf(dir: string): { name: string; id: number }[] {
  try {
    return readdirSync(dir)
      .map((name) => ({ name, id: parseSegmentFileName(name) }))
      .filter((entry): entry is { name: string; id: number } => entry.id !== null)
      .sort((a, b) => a.id - b.id);
  } catch {
    return [];
  }
}

const caseName = `replay-${params.form}`;
const segments = segmentsOf(params.logDir);
if (segments.length === 0) {
  emitUnavailable(caseName, `no segments in ${params.logDir} (the replay log was not written)`);
} else {
  const logBytes = segments.reduce((sum, s) => sum + statSync(join(params.logDir, s.name)).size, 0);
  let transactions = 0;
  let events = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  if (params.form === 'array') {
    const { wal, replay } = await openWal(params.logDir, { sync: { mode: 'none' } });
    transactions = replay.transactions.length;
    for (const transaction of replay.transactions) events += transaction.events.length;
    await wal.close();
  } else {
    const buffer = new Uint8Array(params.chunkBytes);
    const summary = await replayStream(
      {
        segments: segments.map((s) => ({ ...s, chunks: readChunks(join(params.logDir, s.name), buffer) })),
        checkpointLsn: 0,
      },
      (transaction) => {
        transactions += 1;
        events += transaction.events.length;
      },
    );
    if (!summary.ok) throw new Error(`replay failed: ${JSON.stringify(summary.error)}`);
  }
  const elapsedMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  emitResult({
    case: caseName,
    value: logBytes / (1024 * 1024) / (elapsedMs / 1000),
    unit: 'MiB/s',
    ops: transactions,
    elapsedMs,
    details: {
      logBytes,
      transactions,
      events,
      segments: segments.length,
      peakRssMiB: peakRssMiB(),
      cpuMicros: cpu.user + cpu.system,
      form: params.form === 'array' ? 'openWal (whole segments, array)' : `core replayStream, ${params.chunkBytes}-byte chunks`,
    },
  });
}
