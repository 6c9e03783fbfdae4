// Writes the log the replay cases read: transactions of 8 events of 100 bytes each (TxBegin, one
// MutationBatch, TxCommit: about 900 bytes per transaction), through walref itself so the bytes
// are exactly what walref writes, across several segments of the default target size. The sync
// policy is `none` with a flush every FLUSH_EVERY_TRANSACTIONS and one forceFsync at the end; the
// figure printed is that bulk write rate, which is informative only (nothing is compared with it).
// Segment files are preallocated (the default), so their sizes say nothing about how much is
// written: the log's live bytes are counted from one probe cycle of transactions written to an
// unpreallocated scratch log, whose file grows by exactly the frames' bytes.

import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { openWal } from '../../src/index.js';
import { baseParamsSchema, emitResult, readParams } from '../lib/case-io.js';
import { makeEvent } from '../lib/payload.js';

const params = readParams(baseParamsSchema.extend({ logDir: z.string(), logBytes: z.number().int().positive() }));
const EVENTS_PER_TRANSACTION = 8;
/** Flushing in slices keeps the writer's in-memory buffer small, as a real host's flushes would. */
const FLUSH_EVERY_TRANSACTIONS = 256;

function logBytesOnDisk(dir: string): number {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.wal'))
    .reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

const events = Array.from({ length: 64 }, (_, i) => makeEvent(100 + i));
const CYCLE_TRANSACTIONS = events.length / EVENTS_PER_TRANSACTION;
const transactionEvents = (transaction: number): Uint8Array[] => {
  const first = (transaction * EVENTS_PER_TRANSACTION) % events.length;
  return events.slice(first, first + EVENTS_PER_TRANSACTION);
};

/** The frame bytes of one cycle through `events` (every transaction shape once). */
async function cycleBytes(): Promise<number> {
  const probeDir = `${params.logDir}-probe`;
  rmSync(probeDir, { recursive: true, force: true });
  const { wal } = await openWal(probeDir, { sync: { mode: 'none' }, preallocate: false });
  await wal.flush();
  const empty = logBytesOnDisk(probeDir);
  for (let t = 0; t < CYCLE_TRANSACTIONS; t += 1) await wal.writeTransaction(transactionEvents(t));
  await wal.flush();
  const bytes = logBytesOnDisk(probeDir) - empty;
  await wal.close();
  rmSync(probeDir, { recursive: true, force: true });
  return bytes;
}

rmSync(params.logDir, { recursive: true, force: true });
const bytesPerTransaction = (await cycleBytes()) / CYCLE_TRANSACTIONS;
const start = performance.now();
const { wal } = await openWal(params.logDir, { sync: { mode: 'none' } });
let transactions = 0;
let written = 0;
while (written < params.logBytes) {
  for (let i = 0; i < FLUSH_EVERY_TRANSACTIONS; i += 1) {
    await wal.writeTransaction(transactionEvents(transactions));
    transactions += 1;
  }
  await wal.flush();
  written = Math.round(transactions * bytesPerTransaction);
}
await wal.forceFsync();
const segments = wal.segments().length;
await wal.close();
const elapsedMs = performance.now() - start;
emitResult({
  case: 'replay-make-log',
  value: written / (1024 * 1024) / (elapsedMs / 1000),
  unit: 'MiB/s written',
  ops: transactions,
  elapsedMs,
  details: { logBytes: written, transactions, eventsPerTransaction: EVENTS_PER_TRANSACTION, segments },
});
