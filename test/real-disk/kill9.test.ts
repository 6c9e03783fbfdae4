// Real disk, real process death: a child process commits under `per-commit` and is killed with
// SIGKILL at random moments, over and over in the same directory, so each run also recovers the
// torn tail and the lock the previous one left (every fourth run the parent also plants part of a
// frame at the end of the active segment: the torn write a power loss can leave and kill -9
// cannot). Then the WAL is opened here and held to the recovery guarantee (DESIGN.md): every acknowledged commit is replayed with exactly its events,
// nothing partial or aborted appears, and what is replayed is a prefix of the commits in order.
//
// The kill moments come from a seeded generator; a failure prints the seed, and
// WALREF_KILL9_SEED=<seed> replays the same schedule (the timing of the child still varies);
// WALREF_KILL9_STATS=1 prints how many commits were acknowledged and how many opens found a torn tail.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, readU32 } from '../../src/core/codec.js';
import { LSN_MAX, parseSegmentFileName, SEGMENT_HEADER_BYTES } from '../../src/core/format.js';
import { bufferedIo } from '../../cli/io.js';
import { runCli } from '../../cli/run-cli.js';
import { nodeFileSystem, openWal, type ReplayOutcome } from '../../src/index.js';
import { seededRandom } from '../../crash-sim/prng.js'; // seeded, so a failing schedule can be replayed
import { killRuns, startChild } from './kill-harness.js';

const KILLS = process.env['WALREF_DEEP'] === '1' ? 100 : 20;
/** The child is killed this long after it reported `ready` (uniformly at random). */
const KILL_DELAY_MS_MIN = 2;
const KILL_DELAY_MS_MAX = 120;
/** Every this many runs, the parent tears the active segment's tail before the next open. */
const TEAR_EVERY_RUNS = 4;

interface Ready {
  readonly type: 'ready';
  readonly run: number;
  readonly nextLsn: number;
  readonly tornTail: boolean;
}
interface Ack {
  readonly type: 'ack';
  readonly run: number;
  readonly seq: number;
  readonly beginLsn: number;
  readonly commitLsn: number;
  readonly events: readonly string[];
}
interface RunRecord {
  readonly ready: Ready;
  readonly acks: readonly Ack[];
  readonly signal: NodeJS.Signals | null;
  /** Whether the killed writer's lock file was still in the directory after its death. */
  readonly lockLeft: boolean;
}

/**
 * Writes the first bytes of a frame where the active segment's live frames end: the torn write a
 * power loss can leave. kill -9 alone never tears a write (the kernel finishes or never starts a
 * write() of a process that dies), so without this the runs would never exercise the recovery of
 * a torn tail.
 */
function tearActiveSegment(dir: string, random: () => number): void {
  const active = fs
    .readdirSync(dir)
    .filter((name) => parseSegmentFileName(name) !== null)
    .sort()
    .at(-1);
  if (active === undefined) return;
  const file = path.join(dir, active);
  const bytes = new Uint8Array(fs.readFileSync(file));
  if (bytes.length < SEGMENT_HEADER_BYTES) return;
  const salt = readU32(bytes, 28);
  let end = SEGMENT_HEADER_BYTES;
  for (let frame = decodeFrame(bytes, end, salt); frame.ok; frame = decodeFrame(bytes, end, salt)) end += frame.frameBytes;
  const frame = encodeFrame({ kind: 'MutationBatch', lsn: LSN_MAX, txBeginLsn: 1, events: [new Uint8Array(64).fill(0x5a)] }, salt);
  const torn = frame.subarray(0, 1 + Math.floor(random() * (frame.length - 1)));
  const fd = fs.openSync(file, 'r+');
  try {
    fs.writeSync(fd, torn, 0, torn.length, end);
  } finally {
    fs.closeSync(fd);
  }
}

/** "r3 c17 e1/3" -> its parts, or null for anything else (an aborted transaction's event). */
function parseEvent(text: string): { run: number; seq: number; index: number; count: number } | null {
  const m = /^r(\d+) c(\d+) e(\d+)\/(\d+)$/.exec(text);
  if (m === null) return null;
  return { run: Number(m[1]), seq: Number(m[2]), index: Number(m[3]), count: Number(m[4]) };
}

describe('kill -9 on the real disk under per-commit', () => {
  const seed = Number(process.env['WALREF_KILL9_SEED'] ?? Date.now() % 2 ** 31);
  const context = `(seed ${seed}; rerun with WALREF_KILL9_SEED=${seed})`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'walref-kill9-'));
  const runs: RunRecord[] = [];
  let outcome: ReplayOutcome;
  let verifyCode: number;
  let verifyOutput: string;
  let replayed: { beginLsn: number; commitLsn: number; events: string[] }[];

  beforeAll(async () => {
    const random = seededRandom(seed);
    const killed = await killRuns<Ready | Ack>({
      dir,
      kills: KILLS,
      start: (run) => startChild('commit-loop-child.mjs', dir, run),
      delayMs: () => KILL_DELAY_MS_MIN + Math.floor(random() * (KILL_DELAY_MS_MAX - KILL_DELAY_MS_MIN)),
      beforeRun: (run) => {
        if (run % TEAR_EVERY_RUNS === TEAR_EVERY_RUNS - 1) tearActiveSegment(dir, random);
      },
      // Every other run counts its delay from the first acknowledgement, so at least half the
      // runs die with acknowledged commits behind them however slowly a loaded machine runs the
      // child; the others may die before or during their first commit.
      killFrom: (run) => (run % 2 === 1 ? 'first-ack' : 'ready'),
    });
    for (const [run, k] of killed.entries()) {
      const ready = k.lines.find((l): l is Ready => l.type === 'ready');
      if (ready === undefined) throw new Error(`run ${run}: no ready line`);
      runs.push({ ready, acks: k.lines.filter((l): l is Ack => l.type === 'ack'), signal: k.signal, lockLeft: k.lockLeft });
    }
    // The read-only CLI sees the directory exactly as the last kill left it (openWal below then
    // truncates any torn tail).
    const io = bufferedIo();
    verifyCode = await runCli(['verify', dir], io, nodeFileSystem);
    verifyOutput = io.out() + io.err();
    const opened = await openWal(dir);
    outcome = opened.replay;
    await opened.wal.close();
    if (process.env['WALREF_KILL9_STATS'] === '1') {
      const acks = runs.reduce((n, r) => n + r.acks.length, 0);
      const torn = runs.filter((r) => r.ready.tornTail).length;
      console.info(`kill9: ${runs.length} kills, ${acks} acknowledged commits, ${outcome.transactions.length} replayed, ` +
        `${torn} opens found a torn tail, final max LSN ${outcome.maxLsn} ${context}`);
    }
    const decoder = new TextDecoder();
    replayed = outcome.transactions.map((tx) => ({
      beginLsn: tx.beginLsn,
      commitLsn: tx.commitLsn,
      events: tx.events.map((e) => decoder.decode(e)),
    }));
  }, 120_000);

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`the child was killed with SIGKILL at least 20 times, mostly after acknowledging commits`, () => {
    expect(runs.length).toBeGreaterThanOrEqual(20);
    expect(runs.every((r) => r.signal === 'SIGKILL')).toBe(true);
    const runsWithAcks = runs.filter((r) => r.acks.length > 0).length;
    expect(runsWithAcks, context).toBeGreaterThanOrEqual(runs.length / 2);
  });

  it('every acknowledged commit is replayed with exactly its LSNs and events', () => {
    const byCommitLsn = new Map(replayed.map((tx) => [tx.commitLsn, tx]));
    for (const ack of runs.flatMap((r) => r.acks)) {
      expect(byCommitLsn.get(ack.commitLsn), `ack ${JSON.stringify(ack)} ${context}`).toEqual({
        beginLsn: ack.beginLsn,
        commitLsn: ack.commitLsn,
        events: ack.events,
      });
    }
  });

  it('no partial or aborted transaction is replayed: each holds all of its own events, in order', () => {
    for (const tx of replayed) {
      const parts = tx.events.map(parseEvent);
      const first = parts[0];
      expect(first, `${JSON.stringify(tx)} ${context}`).toBeTruthy();
      expect(parts, `${JSON.stringify(tx)} ${context}`).toEqual(
        Array.from({ length: first!.count }, (_, index) => ({ run: first!.run, seq: first!.seq, index, count: first!.count })),
      );
    }
  });

  it('the replayed transactions are a prefix of each run’s commits, in commit order', () => {
    const commitLsns = replayed.map((tx) => tx.commitLsn);
    expect(commitLsns, context).toEqual([...commitLsns].sort((a, b) => a - b));
    const order = replayed.map((tx) => parseEvent(tx.events[0]!)!);
    // Runs follow one another, and within a run the commit sequence numbers are 0, 1, 2, ...
    // without holes: a later commit never survives when an earlier one was lost.
    for (let i = 0; i < order.length; i++) {
      const cur = order[i]!;
      const prev = order[i - 1];
      const expectedSeq = prev !== undefined && prev.run === cur.run ? prev.seq + 1 : 0;
      expect(cur.seq, `transaction ${i} ${JSON.stringify(cur)} ${context}`).toBe(expectedSeq);
      if (prev !== undefined) expect(cur.run, context).toBeGreaterThanOrEqual(prev.run);
    }
    // And the prefix reaches at least each run's last acknowledged commit.
    for (const r of runs) {
      const survived = order.filter((o) => o.run === r.ready.run).length;
      expect(survived, `run ${r.ready.run} ${context}`).toBeGreaterThanOrEqual(r.acks.length);
    }
  });

  it('the runs after a torn tail was planted found it, truncated it and went on committing', () => {
    const planted = runs.filter((r) => r.ready.run % TEAR_EVERY_RUNS === TEAR_EVERY_RUNS - 1);
    expect(planted.length).toBe(Math.floor(KILLS / TEAR_EVERY_RUNS));
    for (const r of planted) expect(r.ready.tornTail, `run ${r.ready.run} ${context}`).toBe(true);
    // Writers went on committing after the repair; those acks are held to durability like any other.
    expect(planted.filter((r) => r.acks.length > 0).length, context).toBeGreaterThan(0);
  });

  it('a lock left by a killed writer does not block the next open, and LSNs are never reused', () => {
    // Every killed writer left its lock file behind, and every run after the first still opened
    // the directory (runAndKill fails when a child never becomes ready).
    expect(runs.every((r) => r.lockLeft)).toBe(true);
    for (let i = 1; i < runs.length; i++) {
      const previous = runs[i - 1]!;
      const lastAck = previous.acks.at(-1);
      if (lastAck !== undefined) expect(runs[i]!.ready.nextLsn, context).toBeGreaterThan(lastAck.commitLsn);
    }
    expect(outcome.maxLsn).toBeGreaterThanOrEqual(Math.max(0, ...runs.flatMap((r) => r.acks.map((a) => a.commitLsn))));
  });

  it('walref verify accepts the directory the last kill left behind, before any reopen repairs it', () => {
    expect(verifyCode, verifyOutput).toBe(0);
    expect(verifyOutput).toContain(`${outcome.transactions.length} committed transactions, max LSN ${outcome.maxLsn}`);
  });
});
