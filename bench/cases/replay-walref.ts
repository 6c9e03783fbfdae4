// walref replay of the log replay-make-log wrote, timed from nothing to every committed
// transaction handed over, with this process's peak RSS.
//   form 'array':  openWal(dir), as a host opens its log: reads the segments, replays them
//                  into one array of transactions, repairs nothing (the log is clean) and fsyncs.
//   form 'stream': `for await (const t of replayDir(dir))`, the public async-iterator form
//                  (read-only, no lock): segments are read in chunks and each transaction is
//                  counted and dropped, so memory holds only the open transactions plus one
//                  chunk, whatever the log size.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { parseSegmentFileName } from '../../src/core/format.js';
import { openWal, replayDir } from '../../src/index.js';
import { baseParamsSchema, emitResult, emitUnavailable, peakRssMiB, readParams } from '../lib/case-io.js';

const params = readParams(
  baseParamsSchema.extend({
    logDir: z.string(),
    form: z.enum(['array', 'stream']),
  }),
);

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
    for await (const transaction of replayDir(params.logDir)) {
      transactions += 1;
      events += transaction.events.length;
    }
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
      form: params.form === 'array' ? 'openWal (array of every transaction)' : 'replayDir (async iterator, chunked)',
    },
  });
}
