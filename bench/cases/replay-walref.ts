// walref replay of the log replay-make-log wrote, timed from nothing to every committed
// transaction handed over, with this process's peak RSS.
//   form 'array':     openWal(dir), as a host opens its log: reads the segments, replays them into
//                     one array of transactions, repairs the active segment and fsyncs.
//   form 'open-reuse': openWal(dir, { onTransaction, reuseBuffers: true }), the fast form of open:
//                     the same open, with each transaction handed to the host during replay and
//                     read into two reused buffers, so none is kept and no fresh memory holds the log.
//   form 'stream':    `for await (const batch of replayBatches(dir, { reuseBuffers: true })) for
//                     (const t of batch)`, the fast streaming form (read-only, no lock): segments
//                     are read in 1 MiB chunks into two reused buffers (a batch is valid until the
//                     next one is asked for) and each chunk's transactions come as one array,
//                     counted and dropped, so memory holds only the open transactions plus two
//                     chunks, whatever the log size.
//   form 'stream-tx': `for await (const t of replayDir(dir))`, one await per transaction.
// Events are counted with eventCount, which needs no array of views: a host takes each event as
// it applies it. The figure is the bytes of live frames (segment headers included) per second,
// the numerator the raw walk uses too; the zeros behind the active segment's last frame, which
// replay reads and scans and the walk does not, are counted in the time only.

import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { openWal, replayBatches, replayDir, type ReplayedTransaction, type ReplaySummary } from '../../src/index.js';
import { baseParamsSchema, emitResult, emitUnavailable, peakRssMiB, readParams } from '../lib/case-io.js';
import { listSegments } from '../../src/log-reader.js';
import { resolveOptions } from '../../src/options.js';
import { nodeFileSystem } from '../../src/fs/node-fs.js';

const params = readParams(
  baseParamsSchema.extend({
    logDir: z.string(),
    form: z.enum(['array', 'open-reuse', 'stream', 'stream-tx']),
  }),
);

const caseName = `replay-${params.form}`;
let segments: { name: string }[] = [];
try {
  segments = listSegments(nodeFileSystem, params.logDir);
} catch {
  segments = [];
}
if (segments.length === 0) {
  emitUnavailable(caseName, `no segments in ${params.logDir} (the replay log was not written)`);
} else {
  let transactions = 0;
  let events = 0;
  let eventBytes = 0;
  let summary: ReplaySummary;
  // openWal checks given options with zod, which walref loads on their first use
  // (src/zod-on-demand.ts): about 0.1 s of CPU, once per process. The openWal forms load it here,
  // before the clock, as walref's import did before, so that their figures stay replay's. (The
  // streaming forms check no options; loading it for them only adds background work to their time.)
  if (params.form === 'array' || params.form === 'open-reuse') resolveOptions({ sync: { mode: 'none' } });
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  if (params.form === 'array') {
    const { wal, replay } = await openWal(params.logDir, { sync: { mode: 'none' } });
    transactions = replay.transactions.length;
    for (const transaction of replay.transactions) events += transaction.eventCount;
    summary = replay;
    await wal.close();
  } else if (params.form === 'open-reuse') {
    const onTransaction = (transaction: ReplayedTransaction): void => {
      transactions += 1;
      events += transaction.eventCount;
    };
    const { wal, replay } = await openWal(params.logDir, { sync: { mode: 'none' }, onTransaction, reuseBuffers: true });
    summary = replay;
    await wal.close();
  } else if (params.form === 'stream') {
    const sweep = replayBatches(params.logDir, { reuseBuffers: true });
    let step = await sweep.next();
    for (; step.done !== true; step = await sweep.next()) {
      for (const transaction of step.value) {
        transactions += 1;
        events += transaction.eventCount;
      }
    }
    summary = step.value;
  } else {
    const sweep = replayDir(params.logDir);
    let step = await sweep.next();
    for (; step.done !== true; step = await sweep.next()) {
      transactions += 1;
      events += step.value.eventCount;
    }
    summary = step.value;
  }
  const elapsedMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  const logBytes = summary.segments.reduce((sum, s) => sum + s.validBytes, 0);
  const fileBytes = summary.segments.reduce((sum, s) => sum + s.sizeBytes, 0);
  // The raw event bytes, for logs of 1 KiB events (without and with compression): one sweep after
  // the timed one, not timed.
  if (params.logDir.includes('json-log')) {
    for await (const batch of replayBatches(params.logDir)) for (const t of batch) for (const e of t.events) eventBytes += e.length;
  }
  emitResult({
    case: caseName,
    value: logBytes / (1024 * 1024) / (elapsedMs / 1000),
    unit: 'MiB/s',
    ops: transactions,
    elapsedMs,
    details: {
      logBytes,
      fileBytes,
      transactions,
      events,
      ...(eventBytes > 0 ? { eventBytes, eventMiBPerSecond: eventBytes / (1024 * 1024) / (elapsedMs / 1000) } : {}),
      segments: segments.length,
      peakRssMiB: peakRssMiB(),
      cpuMicros: cpu.user + cpu.system,
      form: { array: 'openWal (array of every transaction)', 'open-reuse': 'openWal with onTransaction and reuseBuffers (nothing kept, two reused read buffers)', stream: 'replayBatches with reuseBuffers (async iterator of per-chunk arrays, two reused read buffers)', 'stream-tx': 'replayDir (async iterator, one transaction per await)' }[params.form],
    },
  });
}
