// The bystander: a task that does nothing but `await` setImmediate in a loop, beside a commit
// load, counting its turns; perf_hooks.monitorEventLoopDelay samples how late the event loop runs.
// A log whose calls block the main thread, or whose promises are already settled, starves the
// bystander (issue 11 measured 1 turn/s beside the old synchronous walref). Loads:
//   idle                 nothing
//   walref-per-commit    one loop: arm, record, commit, flush (per-commit policy)
//   walref-group-64      64 loops: begin, append, commit, waitDurable (group, maxCommits 64)
//   level-1 / level-64   classic-level put sync:true, 1 or 64 concurrent callers
// walref runs with `io` as given ('non-blocking', the default, or 'blocking').
// Headline figure: bystander turns/s; details: commits/s, event-loop delay p99 and max.

import { ClassicLevel } from 'classic-level';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { z } from 'zod';
import { openWal } from '../../src/index.js';
import { baseParamsSchema, emitResult, freshCaseDir, readParams, removeCaseDir } from '../lib/case-io.js';
import { makeEvent } from '../lib/payload.js';

const params = readParams(
  baseParamsSchema.extend({
    load: z.enum(['idle', 'walref-per-commit', 'walref-group-64', 'level-1', 'level-64']),
    io: z.enum(['non-blocking', 'blocking']).default('non-blocking'),
  }),
);
const caseName = `bystander-${params.load}${params.io === 'blocking' ? '-blocking' : ''}`;
const dir = freshCaseDir(params.dataDir, caseName);
const event = makeEvent(8);

/** Starts the load; returns `stop`, which resolves with the number of commits once it stopped. */
async function startLoad(): Promise<{ commits: () => number; stop: () => Promise<void> }> {
  let commits = 0;
  let running = true;
  /** n concurrent loops of `one` until stopped; `close` releases the store after the last one. */
  const run = (n: number, one: () => Promise<void>, close: () => Promise<void>) => {
    const done = Promise.all(
      Array.from({ length: n }, async () => {
        while (running) {
          await one();
          commits += 1;
        }
      }),
    );
    return {
      commits: () => commits,
      stop: async () => {
        running = false;
        await done;
        await close();
      },
    };
  };
  if (params.load === 'idle') return { commits: () => 0, stop: async () => undefined };
  if (params.load === 'level-1' || params.load === 'level-64') {
    const db = new ClassicLevel<Buffer, Buffer>(join(dir, 'bench.level'), { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.open();
    const value = Buffer.from(event);
    let sequence = 0;
    const put = async (): Promise<void> => {
      const key = Buffer.alloc(8);
      key.writeBigUInt64BE(BigInt(sequence++));
      await db.put(key, value, { sync: true });
    };
    return run(params.load === 'level-1' ? 1 : 64, put, () => db.close());
  }
  if (params.load === 'walref-per-commit') {
    const { wal } = await openWal(join(dir, 'wal'), { io: params.io });
    const recorder = wal.recorder();
    const commit = async (): Promise<void> => {
      recorder.arm();
      recorder.record(event);
      await recorder.commit();
      await recorder.flush();
    };
    return run(1, commit, () => wal.close());
  }
  const { wal } = await openWal(join(dir, 'wal'), { io: params.io, sync: { mode: 'group', intervalMs: 1, maxCommits: 64 } });
  const commit = async (): Promise<void> => {
    const b = await wal.begin();
    await wal.append(b, event);
    await wal.waitDurable(await wal.commit(b));
  };
  return run(64, commit, () => wal.close());
}

const load = await startLoad();
// Warm-up: let the load and the JIT settle before the clock starts.
await new Promise((resolve) => setTimeout(resolve, Math.min(200, params.durationMs / 5)));
const histogram = monitorEventLoopDelay({ resolution: 1 });
let turns = 0;
let measuring = true;
const commitsBefore = load.commits();
const start = performance.now();
histogram.enable();
const bystander = (async () => {
  while (measuring) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    turns += 1;
  }
})();
// The deadline is a timer: a load that starves the event loop also delays the end of its own
// measurement, and the elapsed time says by how much.
await new Promise((resolve) => setTimeout(resolve, params.durationMs));
measuring = false;
const elapsedMs = performance.now() - start;
histogram.disable();
const commits = load.commits() - commitsBefore;
await bystander;
await load.stop();
removeCaseDir(dir);
emitResult({
  case: caseName,
  value: turns / (elapsedMs / 1000),
  unit: 'turns/s',
  ops: turns,
  elapsedMs,
  details: {
    commitsPerSecond: commits / (elapsedMs / 1000),
    loopDelayP99Ms: histogram.percentile(99) / 1e6,
    loopDelayMaxMs: histogram.max / 1e6,
    io: params.load.startsWith('walref') ? params.io : null,
  },
});
