// Time-bounded measurement loops. The clock is read once per operation: a clock read costs well
// under a microsecond, while the cheapest operation measured here (a write with fsync disabled)
// costs several, so the read does not distort the figure by more than a few percent.

import { performance } from 'node:perf_hooks';

export interface LoopOutcome {
  readonly ops: number;
  readonly elapsedMs: number;
  /** CPU time (user + system) this process spent in the measured loop, in microseconds. */
  readonly cpuMicros: number;
  /** Per-operation latency in microseconds, sampled for every operation. */
  readonly latencyMicros: Float64Array;
}

/** Upper bound on recorded latencies, so a fast loop on a long duration cannot grow without limit. */
const LATENCY_SAMPLES_MAX = 1_000_000;

/** What every loop returns once its time is up. */
function outcome(ops: number, elapsedMs: number, cpuStart: NodeJS.CpuUsage, latencies: Float64Array): LoopOutcome {
  const cpu = process.cpuUsage(cpuStart);
  return { ops, elapsedMs, cpuMicros: cpu.user + cpu.system, latencyMicros: latencies.subarray(0, Math.min(ops, LATENCY_SAMPLES_MAX)) };
}

/** Runs `op` repeatedly until `durationMs` have passed; `op` receives the operation index. */
export function runSyncFor(durationMs: number, op: (index: number) => void): LoopOutcome {
  const latencies = new Float64Array(LATENCY_SAMPLES_MAX);
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const deadline = start + durationMs;
  let ops = 0;
  let now = start;
  while (now < deadline) {
    op(ops);
    const after = performance.now();
    if (ops < LATENCY_SAMPLES_MAX) latencies[ops] = (after - now) * 1000;
    now = after;
    ops += 1;
  }
  return outcome(ops, now - start, cpuStart, latencies);
}

/** The asynchronous twin of runSyncFor: one operation at a time, each awaited. */
export async function runAsyncFor(
  durationMs: number,
  op: (index: number) => Promise<unknown>,
): Promise<LoopOutcome> {
  const latencies = new Float64Array(LATENCY_SAMPLES_MAX);
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const deadline = start + durationMs;
  let ops = 0;
  let now = start;
  while (now < deadline) {
    await op(ops);
    const after = performance.now();
    if (ops < LATENCY_SAMPLES_MAX) latencies[ops] = (after - now) * 1000;
    now = after;
    ops += 1;
  }
  return outcome(ops, now - start, cpuStart, latencies);
}

/**
 * Runs `workers` concurrent loops, each awaiting its own operations one at a time, until
 * `durationMs` have passed. This is how a server with that many in-flight requests drives a log:
 * each request waits for its own acknowledgement, and the log may share one fsync among them.
 */
export async function runConcurrentFor(
  durationMs: number,
  workers: number,
  op: (worker: number, index: number) => Promise<unknown>,
): Promise<LoopOutcome> {
  const latencies = new Float64Array(LATENCY_SAMPLES_MAX);
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const deadline = start + durationMs;
  let ops = 0;
  let end = start;
  const worker = async (id: number): Promise<void> => {
    let index = 0;
    while (performance.now() < deadline) {
      const before = performance.now();
      await op(id, index);
      const after = performance.now();
      if (ops < LATENCY_SAMPLES_MAX) latencies[ops] = (after - before) * 1000;
      ops += 1;
      index += 1;
      if (after > end) end = after;
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, id) => worker(id)));
  return outcome(ops, end - start, cpuStart, latencies);
}
