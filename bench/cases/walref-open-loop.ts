// walref open-loop group commit: commits arrive whether or not earlier ones have been
// acknowledged, the way requests reach a server. At every turn of the event loop a burst of up to
// `groupMax` (64) new commits arrives, as long as fewer than `committers` (256) are in flight;
// each one writes a transaction (writeTransaction: TxBegin, MutationBatch of one ~100-byte event,
// TxCommit) and awaits waitDurable(commitLsn). The policy is group with maxCommits = groupMax and
// intervalMs = 1, and the default non-blocking I/O: while one fdatasync is in flight the next
// commits are encoded and written, and the next fdatasync covers them. The figure is acknowledged
// (durable) commits per second; the latency is arrival to acknowledgement.

import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { nodeFileSystem, openWal, type FileHandle, type FileSystem } from '../../src/index.js';
import { baseParamsSchema, emitResult, freshCaseDir, readParams, removeCaseDir } from '../lib/case-io.js';
import { throughputResult } from '../lib/loop-result.js';
import { makeEvent } from '../lib/payload.js';

const params = readParams(
  baseParamsSchema.extend({
    committers: z.number().int().positive().default(256),
    groupMax: z.number().int().positive().default(64),
  }),
);
const caseName = `walref-open-loop-${params.committers}`;
const dir = freshCaseDir(params.dataDir, caseName);
// The default node adapter, with a count of the fdatasyncs: how many commits one of them covers.
let fdatasyncs = 0;
const counted = (handle: FileHandle): FileHandle => ({
  path: handle.path,
  write: (data, offsetBytes) => handle.write(data, offsetBytes),
  read: (offsetBytes, lengthBytes) => handle.read(offsetBytes, lengthBytes),
  preallocate: (sizeBytes) => handle.preallocate(sizeBytes),
  datasync: () => (fdatasyncs++, handle.datasync()),
  sync: () => handle.sync(),
  truncate: (sizeBytes) => handle.truncate(sizeBytes),
  sizeBytes: () => handle.sizeBytes(),
  close: () => handle.close(),
});
const fs: FileSystem = { ...nodeFileSystem, open: (path, mode) => counted(nodeFileSystem.open(path, mode)) };
const { wal } = await openWal(dir, { sync: { mode: 'group', intervalMs: 1, maxCommits: params.groupMax }, fs });
const events = [makeEvent(9)];
const LATENCY_SAMPLES_MAX = 1_000_000;
const latencies = new Float64Array(LATENCY_SAMPLES_MAX);
let inFlight = 0;
let acknowledged = 0;
let measuring = false;
let failure: unknown = null;
/** Resolves the arrival loop's wait for a free slot, when it waits for one. */
let slotFreed: (() => void) | null = null;

const commitOne = async (): Promise<void> => {
  const arrived = performance.now();
  inFlight += 1;
  try {
    const { commitLsn } = await wal.writeTransaction(events);
    await wal.waitDurable(commitLsn);
    if (measuring) {
      if (acknowledged < LATENCY_SAMPLES_MAX) latencies[acknowledged] = (performance.now() - arrived) * 1000;
      acknowledged += 1;
    }
  } catch (error) {
    failure ??= error;
  } finally {
    inFlight -= 1;
    const wake = slotFreed;
    slotFreed = null;
    wake?.();
  }
};

/**
 * Arrivals: one burst per turn of the event loop, capped by the in-flight limit. At the cap the
 * loop sleeps until an acknowledgement frees a slot (a server at its connection limit), so that
 * the arrival process itself does not spin the CPU that the log needs.
 */
async function arrive(untilMs: number): Promise<void> {
  while (performance.now() < untilMs && failure === null) {
    const burst = Math.min(params.groupMax, params.committers - inFlight);
    for (let i = 0; i < burst; i++) void commitOne();
    if (inFlight >= params.committers) {
      const deadline = setTimeout(() => slotFreed?.(), Math.max(1, untilMs - performance.now()));
      await new Promise<void>((resolve) => (slotFreed = resolve));
      clearTimeout(deadline);
    } else {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}

// Warm-up by time, since commits arrive on a schedule: a tenth of a millisecond per warm-up
// operation the other cases make (500 ms in a full run, tens of thousands of commits here), at
// least 100 ms.
await arrive(performance.now() + Math.max(100, params.warmupOps / 10));
measuring = true;
const fdatasyncsBefore = fdatasyncs;
const cpuStart = process.cpuUsage();
const start = performance.now();
await arrive(start + params.durationMs);
const elapsedMs = performance.now() - start;
measuring = false;
const cpu = process.cpuUsage(cpuStart);
const measuredFdatasyncs = fdatasyncs - fdatasyncsBefore;
while (inFlight > 0) await new Promise<void>((resolve) => setImmediate(resolve));
await wal.close();
removeCaseDir(dir);
if (failure !== null) throw failure;
emitResult(
  throughputResult(caseName, 'commits/s', { ops: acknowledged, elapsedMs, cpuMicros: cpu.user + cpu.system, latencyMicros: latencies.subarray(0, Math.min(acknowledged, LATENCY_SAMPLES_MAX)) }, 1, {
    eventBytes: events[0]?.length ?? 0,
    committers: params.committers,
    groupMax: params.groupMax,
    commitsPerFsync: acknowledged / Math.max(1, measuredFdatasyncs),
  }),
);
