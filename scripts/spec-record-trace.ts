// npx tsx scripts/spec-record-trace.ts [out-dir]: records spec/traces/good.ndjson from a real run
// of the shell (openWal and its Recorder, on the crash-sim file system so that it can crash and
// fail an fsync), and derives the corrupted copies that spec:check requires TraceWal to reject:
//   bad.ndjson            the recovery after the first crash drops a transaction acknowledged durable;
//   bad-fsyncgate.ndjson  a failed fsync reports the durable LSN as advanced.
// Null fields are left out (docs/trace-format.md): TLC's Json module cannot read null.
//
// To check the spec against more crash states, vary the seed that picks them and the device:
//   WALREF_TRACE_SEED=3 WALREF_TRACE_UNORDERED=1 npx tsx scripts/spec-record-trace.ts /tmp/t

import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SimFileSystem, pickCrashState } from '../crash-sim/index.js';
import { openWal, type Recorder, WalError } from '../src/index.js';
import type { TraceEvent } from '../src/core/trace.js';

type Line = Record<string, unknown>;

const events: TraceEvent[] = [];
// Small segments make begin() rotate, so the trace holds rotation fsyncs and a real truncation.
const options = { trace: (event: TraceEvent): void => void events.push(event), segmentTargetBytes: 96 } as const;
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const seed = Number(process.env['WALREF_TRACE_SEED'] ?? '7');
// Unordered sectors let a crash keep whole frames after a torn one ("strays").
const knobs = { ordered: process.env['WALREF_TRACE_UNORDERED'] !== '1' } as const;

/** One query: arm, record each event, commit; flush when asked and the commit wrote something. */
async function query(recorder: Recorder, evs: readonly string[], flush: boolean): Promise<void> {
  recorder.arm();
  for (const e of evs) recorder.record(bytes(e));
  const wrote = await recorder.commit();
  if (wrote === 'yes' && flush) await recorder.flush();
}

async function record(): Promise<void> {
  // First run: commits, a read-only query, an abort, a checkpoint and a truncation, then a
  // commit that is never flushed, and a crash.
  const disk1 = new SimFileSystem(knobs);
  const run1 = await openWal('/wal', { ...options, fs: disk1 });
  const r1 = run1.wal.recorder();
  await query(r1, ['a', 'b'], true);
  await query(r1, [], true);
  r1.arm();
  r1.record(bytes('x'));
  await r1.abort();
  await query(r1, ['c'], true);
  await query(r1, ['d'], true);
  const snapshotLsn = 6; // the commit LSN of the second transaction (["c"])
  await run1.wal.checkpointMarker(snapshotLsn);
  await run1.wal.forceFsync();
  await run1.wal.truncateUpTo(snapshotLsn);
  await query(r1, ['e'], false);

  // Second run: recover from a crash state of the first, commit, close cleanly.
  const disk2 = pickCrashState(disk1, seed).image();
  const run2 = await openWal('/wal', { ...options, fs: disk2 });
  await query(run2.wal.recorder(), ['f'], true);
  await run2.wal.close();

  // Third run: reopen after the clean close; a commit's fsync fails with EIO and poisons the WAL.
  const run3 = await openWal('/wal', { ...options, fs: disk2 });
  const r3 = run3.wal.recorder();
  await query(r3, ['g'], false);
  disk2.failNextFsync('EIO');
  const failed = await r3.flush().then(
    () => null,
    (error: unknown) => error,
  );
  if (!(failed instanceof WalError)) throw new Error(`the planted fsync failure did not surface: ${String(failed)}`);

  // Fourth run: recover from a crash state of the poisoned run, and close.
  const disk3 = pickCrashState(disk2, seed + 4).image();
  const run4 = await openWal('/wal', { ...options, fs: disk3 });
  await run4.wal.close();
}

/** Drops null fields so that TLC's Json reader can load the file. */
function withoutNulls(event: TraceEvent): Line {
  return Object.fromEntries(Object.entries(event).filter(([, v]) => v !== null));
}

function ndjson(lines: readonly Line[]): string {
  return lines.map((line) => JSON.stringify(line)).join('\n') + '\n';
}

/** The index of the n-th (1-based) line whose action is `action`. */
function nth(lines: readonly Line[], action: string, n: number): number {
  let seen = 0;
  const index = lines.findIndex((line) => line['action'] === action && (seen += 1) === n);
  if (index < 0) throw new Error(`the trace has no ${n}th ${action} line`);
  return index;
}

/**
 * The good trace with the second Recover's last recovered transaction dropped: it committed above
 * the snapshot's fence and was acknowledged durable before the crash, so losing it is a bug.
 */
function droppedDurableTransaction(lines: readonly Line[]): Line[] {
  const at = nth(lines, 'Recover', 2);
  const open = lines[at] as { transactions: unknown[] };
  if (open.transactions.length === 0) throw new Error('the second Recover recovered nothing to drop');
  return lines.map((line, i) => (i === at ? { ...line, transactions: open.transactions.slice(0, -1) } : line));
}

/** The good trace with the failed fsync claiming the log durable up to the highest LSN written. */
function fsyncgate(lines: readonly Line[]): Line[] {
  const at = lines.findIndex((line) => line['action'] === 'Fsync' && line['ok'] === false);
  if (at < 0) throw new Error('the trace has no failed fsync');
  const highest = Math.max(...lines.slice(0, at).flatMap((line) => (typeof line['commitLsn'] === 'number' ? [line['commitLsn']] : [])));
  return lines.map((line, i) => (i === at ? { ...line, durableLsn: highest } : line));
}

await record();
const good = events.map(withoutNulls);
const outDir = resolve(process.argv[2] ?? join(import.meta.dirname, '..', 'spec', 'traces'));
writeFileSync(join(outDir, 'good.ndjson'), ndjson(good));
writeFileSync(join(outDir, 'bad.ndjson'), ndjson(droppedDurableTransaction(good)));
writeFileSync(join(outDir, 'bad-fsyncgate.ndjson'), ndjson(fsyncgate(good)));
console.log(`wrote ${good.length} events to ${join(outDir, 'good.ndjson')}, and bad.ndjson, bad-fsyncgate.ndjson`);
