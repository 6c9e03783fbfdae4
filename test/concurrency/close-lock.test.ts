// The directory lock lasts until close() has finished (DESIGN.md: a second open fails with
// AlreadyOpen "until the first closes"): close() makes everything written durable and waits for the
// calls made before it, and a second writer that took the directory meanwhile would write beside
// it. Under fast-check's scheduler (harness.ts: every fsync waits for the scheduler), a second
// open is attempted at every step until close() resolves: every lock attempt made before then
// fails with AlreadyOpen, and an open after it succeeds and replays every commit.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimFileSystem } from '../../crash-sim/sim-fs.js';
import { openWal } from '../../src/index.js';
import type { FileSystem } from '../../src/fs/port.js';
import { DIR, scheduledFs, syncOptionFor } from './harness.js';
import { encoder } from '../model-based/world.js';

describe('the directory lock and close() (fc.scheduler)', () => {
  it('a second open fails with AlreadyOpen at every step until close() has resolved, and succeeds after it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.constantFrom('per-commit' as const, 'group' as const, 'none' as const),
        fc.array(fc.constantFrom('tx', 'flush', 'forceFsync'), { minLength: 1, maxLength: 6 }),
        async (s, policy, calls) => {
          const sim = new SimFileSystem();
          const port = scheduledFs(sim);
          const { wal } = await openWal(DIR, { sync: syncOptionFor(policy), segmentTargetBytes: 128, fs: port.fs });
          port.schedule(s);
          const made = calls.map((call) => (call === 'tx' ? wal.writeTransaction([encoder.encode('e')]) : call === 'flush' ? wal.flush() : wal.forceFsync()));
          let closed = false;
          const closing = wal.close().finally(() => (closed = true));
          /** Every lock attempt of a second open: whether close() had resolved when it was made, and its outcome. */
          const attempts: { afterClose: boolean; outcome: string }[] = [];
          const secondFs: FileSystem = {
            ...port.fs,
            lockDirectory: (dir) => {
              const attempt = { afterClose: closed, outcome: 'pending' };
              attempts.push(attempt);
              return port.fs.lockDirectory(dir).then(
                (lock) => {
                  attempt.outcome = 'locked';
                  return lock;
                },
                (error: unknown) => {
                  attempt.outcome = `refused: ${String(error)}`;
                  throw error;
                },
              );
            },
          };
          const seconds: Promise<unknown>[] = [];
          for (let step = 0; step < 200 && !closed; step++) {
            seconds.push(openWal(DIR, { fs: secondFs }).then((w) => w.wal.close(), () => undefined));
            await new Promise((resolve) => setImmediate(resolve));
            if (s.count() > 0) await s.waitOne();
          }
          await s.waitFor(Promise.allSettled([closing, ...made, ...seconds]));
          expect(closed).toBe(true);
          const early = attempts.filter((a) => !a.afterClose);
          expect(early.length).toBeGreaterThan(0);
          for (const attempt of early) expect(attempt.outcome, `a lock attempt made before close() resolved; ${JSON.stringify(attempts)}`).toMatch(/^refused: .*locked/);
          const reopened = await openWal(DIR, { fs: sim });
          const committed = calls.filter((c) => c === 'tx').length;
          expect(reopened.replay.transactions).toHaveLength(committed);
          await reopened.wal.close();
        },
      ),
      { numRuns: 40 },
    );
  });
});
