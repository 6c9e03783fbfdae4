// Good traces for the planted-trace tests: the real WAL (openWal on crash-sim's simulator, with a
// trace sink) under each sync policy, driven through every action a trace line can report: the
// recorder's arm / record / commit (writing and read-only) / abort (with and without events),
// flush, forceFsync, the low-level begin / append / appendBatch / commit / abort, a checkpoint
// marker, a truncation that removes a segment, a crash and its recovery, a clean close, a failed
// fsync and the poison it causes, the close of the poisoned WAL, and the recovery after that.

import { SimFileSystem, pickCrashState } from '../../../crash-sim/index.js';
import { openWal, type Recorder } from '../../../src/index.js';
import type { TraceEvent } from '../../../src/core/trace.js';

export type Policy = 'per-commit' | 'group' | 'none';
export type TraceLineJson = Record<string, unknown> & { readonly action: string };

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

async function query(recorder: Recorder, events: readonly string[]): Promise<void> {
  recorder.arm();
  for (const e of events) recorder.record(bytes(e));
  if ((await recorder.commit()) === 'yes') await recorder.flush();
}

/** One good trace of the real WAL under `policy`, as parsed JSON lines (nulls dropped). */
export async function recordTrace(policy: Policy): Promise<TraceLineJson[]> {
  const lines: TraceEvent[] = [];
  const sync = policy === 'group' ? ({ mode: 'group', intervalMs: 3_600_000 } as const) : ({ mode: policy } as const);
  const options = { sync, segmentTargetBytes: 96, trace: (event: TraceEvent): void => void lines.push(event) };

  // Run 1: every action of a healthy WAL, then a crash with something written but not synced.
  const disk1 = new SimFileSystem({ dirSync: true });
  const run1 = await openWal('/wal', { ...options, fs: disk1 });
  const r1 = run1.wal.recorder();
  await query(r1, ['a', 'b']);
  await query(r1, []);
  r1.arm();
  await r1.abort();
  r1.arm();
  r1.record(bytes('x'));
  await r1.abort();
  await query(r1, ['c']);
  await run1.wal.forceFsync();
  // The snapshot is taken here: the low-level transaction below lies above its fence, so the
  // recovery after the crash replays it.
  const snapshotLsn = run1.wal.durableLsn();
  const tx = await run1.wal.begin();
  await run1.wal.append(tx, bytes('l1'));
  await run1.wal.appendBatch(tx, [bytes('l2'), bytes('l3')]);
  await run1.wal.commit(tx);
  const aborted = await run1.wal.begin();
  await run1.wal.append(aborted, bytes('gone'));
  await run1.wal.abort(aborted);
  await run1.wal.flush();
  await run1.wal.forceFsync();
  await run1.wal.checkpointMarker(snapshotLsn);
  await run1.wal.forceFsync();
  await query(r1, ['d']);
  await run1.wal.forceFsync();
  await query(r1, ['e']);
  await run1.wal.flush();

  // Run 2: recover a crash state that kept everything synced; commit; close cleanly.
  const disk2 = pickCrashState(disk1, 11).image();
  const run2 = await openWal('/wal', { ...options, checkpointLsn: snapshotLsn, fs: disk2 });
  await run2.wal.truncateUpTo(snapshotLsn);
  await query(run2.wal.recorder(), ['f']);
  await run2.wal.forceFsync();
  await run2.wal.close();

  // Run 3: reopen after the clean close; an fsync fails with EIO and poisons the WAL.
  const run3 = await openWal('/wal', { ...options, checkpointLsn: snapshotLsn, fs: disk2 });
  const r3 = run3.wal.recorder();
  r3.arm();
  r3.record(bytes('g'));
  await r3.commit();
  disk2.failNextFsync('EIO');
  // Under per-commit the flush's fsync fails; under group and none the flush only writes, and
  // forceFsync's fsync fails.
  await r3.flush().catch(() => undefined);
  await run3.wal.forceFsync().catch(() => undefined);
  // A poisoned WAL still closes (it writes and syncs nothing more), so a trace has a Close of a
  // poisoned WAL, after which the process is down.
  await run3.wal.close().catch(() => undefined);

  // Run 4: recover a crash state of the poisoned run; close.
  const disk3 = pickCrashState(disk2, 5).image();
  const run4 = await openWal('/wal', { ...options, checkpointLsn: snapshotLsn, fs: disk3 });
  await run4.wal.close();
  return lines.map((event) => Object.fromEntries(Object.entries(event).filter(([, v]) => v !== null)) as TraceLineJson);
}

export function ndjson(lines: readonly object[]): string {
  return lines.map((line) => JSON.stringify(line)).join('\n');
}
