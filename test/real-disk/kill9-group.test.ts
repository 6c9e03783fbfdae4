// Real disk, real process death, concurrent committers (issue 21): a child process runs 16
// committers under the group policy with small segments, so segments rotate while commits queue
// and while the flusher's fdatasync is in flight, and is killed with SIGKILL at random moments,
// over and over in the same directory. Then the WAL is opened here and held to two promises:
//   - every acknowledged commit (waitDurable returned) is replayed;
//   - replay returns each run's transactions in the order their writeTransaction calls were made,
//     with no hole: kill -9 keeps the page cache, and the WAL writes in LSN order, so what
//     survives is a prefix of the calls.
// Two segment sizes run: one rotates every few commits, the other every few hundred.
//
// WALREF_KILL9_SEED=<seed> replays the same kill schedule (the timing of the child still varies).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../crash-sim/prng.js';
import { openWal } from '../../src/index.js';
import { killRuns, startChild } from './kill-harness.js';

const KILLS = process.env['WALREF_DEEP'] === '1' ? 40 : 8;
const KILL_DELAY_MS_MIN = 20;
const KILL_DELAY_MS_MAX = 200;

interface Ready {
  readonly type: 'ready';
  readonly run: number;
  readonly nextLsn: number;
}
interface Ack {
  readonly type: 'ack';
  readonly run: number;
  readonly call: number;
  readonly beginLsn: number;
  readonly commitLsn: number;
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe.each([256, 4096])('kill -9 on the real disk, 16 concurrent committers under group, %i-byte segments', (segmentTargetBytes) => {
  const seed = Number(process.env['WALREF_KILL9_SEED'] ?? Date.now() % 2 ** 31);
  const context = `(seed ${seed}; rerun with WALREF_KILL9_SEED=${seed})`;

  it('every acknowledged commit survives, and replay returns the transactions in call order with no hole', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'walref-kill9-group-'));
    dirs.push(dir);
    const random = seededRandom(seed);
    const killed = await killRuns<Ready | Ack>({
      dir,
      kills: KILLS,
      start: (run) => startChild('group-committers-child.mjs', dir, run, [String(segmentTargetBytes)]),
      delayMs: () => KILL_DELAY_MS_MIN + Math.floor(random() * (KILL_DELAY_MS_MAX - KILL_DELAY_MS_MIN)),
      // Every other run counts its delay from the first acknowledgement, so that acknowledged
      // commits die with the child however slowly a loaded machine runs it.
      killFrom: (run) => (run % 2 === 1 ? 'first-ack' : 'ready'),
    });
    const acks = killed.flatMap((k) => k.lines.filter((l): l is Ack => l.type === 'ack'));
    const opened = await openWal(dir);
    const decoder = new TextDecoder();
    const replayed = opened.replay.transactions.map((tx) => {
      const m = /^r(\d+) call (\d+)$/.exec(decoder.decode(tx.events[0]));
      return { run: Number(m?.[1]), call: Number(m?.[2]), commitLsn: tx.commitLsn, segments: 0 };
    });
    const segments = opened.wal.segments().length;
    await opened.wal.close();

    expect(killed.every((k) => k.signal === 'SIGKILL')).toBe(true);
    expect(acks.length, `acknowledged commits ${context}`).toBeGreaterThan(KILLS);
    // The log rotated: the property is about what happens at rotation.
    expect(segments, context).toBeGreaterThan(2);

    // Every acknowledged commit survives, with its commit LSN.
    const byCall = new Map(replayed.map((tx) => [`${tx.run}/${tx.call}`, tx.commitLsn]));
    for (const ack of acks) expect(byCall.get(`${ack.run}/${ack.call}`), `ack ${JSON.stringify(ack)} ${context}`).toBe(ack.commitLsn);

    // Replay follows call order: runs one after another, and within a run the calls 0, 1, 2, ...
    for (let i = 0; i < replayed.length; i++) {
      const cur = replayed[i]!;
      const prev = replayed[i - 1];
      const expectedCall = prev !== undefined && prev.run === cur.run ? prev.call + 1 : 0;
      expect(`run ${cur.run} call ${cur.call}`, `transaction ${i} of the replay ${context}`).toBe(`run ${cur.run} call ${expectedCall}`);
      if (prev !== undefined) expect(cur.run, context).toBeGreaterThanOrEqual(prev.run);
    }
    // And acknowledged LSNs follow call order within each run.
    for (const run of new Set(acks.map((a) => a.run))) {
      const ofRun = acks.filter((a) => a.run === run).sort((a, b) => a.call - b.call);
      const lsns = ofRun.map((a) => a.commitLsn);
      expect(lsns, `run ${run} ${context}`).toEqual([...lsns].sort((a, b) => a - b));
    }
  }, 120_000);
});
