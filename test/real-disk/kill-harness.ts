// The parent's side of the kill -9 tests: start a writer child (a script in this folder) that
// waits for "go" on its stdin, let it open the WAL, kill it with SIGKILL a chosen delay after it
// printed its `ready` line, and return the whole JSON lines it printed before it died. A line cut
// by the kill was never acknowledged, so only whole lines count.
//
// The caller starts the next children while the current one runs, so that loading their modules
// overlaps with the current run; a child opens the WAL only once it has been told "go" (after the
// previous child is dead and its lock is abandoned).

import { spawn, type ChildProcessByStdio } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { LOCK_FILE_NAME } from '../../src/core/format.js';
import { ensureBuilt } from '../examples/crash-test/helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
// A safety net, not a timing assertion: a child on a loaded 2-core machine can take tens of
// seconds to open its log.
const READY_TIMEOUT_MS = 90_000;

/** A started child that has loaded its modules (or is loading them) and waits for "go". */
export interface Pending {
  readonly run: number;
  readonly child: ChildProcessByStdio<Writable, Readable, Readable>;
  readonly output: { stdout: string; stderr: string };
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface KilledRun<Line> {
  /** Every whole line the child printed, parsed, its `ready` line first. */
  readonly lines: readonly Line[];
  readonly signal: NodeJS.Signals | null;
  /** Whether the killed writer's lock file was still in the directory after its death. */
  readonly lockLeft: boolean;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts `node <script> <dir> <run> <args...>` from this folder (the scripts import dist/: call ensureBuilt first). */
export function startChild(script: string, dir: string, run: number, args: readonly string[] = []): Pending {
  const child = spawn(process.execPath, [path.join(here, script), dir, String(run), ...args], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
  // A child killed before it read "go" makes the write fail with EPIPE; that is expected.
  child.stdin.on('error', () => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { run, child, output, exited };
}

/** When the kill delay starts: once the child printed its `ready` line, or its first `ack` line. */
export type KillFrom = 'ready' | 'first-ack';

/**
 * Lets a started child open the WAL, kills it `delayMs` after it is ready (or after its first
 * acknowledgement), returns its lines.
 */
export async function goAndKill<Line>(dir: string, pending: Pending, delayMs: number, from: KillFrom = 'ready'): Promise<KilledRun<Line>> {
  const { run, child, output, exited } = pending;
  let early: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  void exited.then((e) => (early = e));
  child.stdin.write('go\n');
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const awaited = from === 'ready' ? '"type":"ready"' : '"type":"ack"';
  while (!output.stdout.includes(awaited)) {
    if (early !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`run ${run}: the child never printed ${awaited} (exit ${JSON.stringify(early)}): ${output.stderr.trim()}`);
    }
    await sleep(2);
  }
  await sleep(delayMs);
  child.kill('SIGKILL');
  const { code, signal } = await exited;
  if (signal !== 'SIGKILL') throw new Error(`run ${run}: the child ended on its own (code ${code}): ${output.stderr.trim()}`);
  const lines = output.stdout
    .split('\n')
    .slice(0, -1)
    .map((line) => JSON.parse(line) as Line);
  return { lines, signal, lockLeft: fs.existsSync(path.join(dir, LOCK_FILE_NAME)) };
}

/**
 * Runs `kills` children one after another in `dir`, each killed `delayMs(run)` after the moment
 * `killFrom(run)` names (its ready line by default), with a few started ahead of their turn.
 * `beforeRun` may change the directory between two runs.
 */
export async function killRuns<Line>(options: {
  readonly dir: string;
  readonly kills: number;
  readonly start: (run: number) => Pending;
  readonly delayMs: (run: number) => number;
  readonly beforeRun?: (run: number) => void;
  readonly killFrom?: (run: number) => KillFrom;
}): Promise<KilledRun<Line>[]> {
  // The children run on dist/.
  ensureBuilt();
  const preloaded = 3;
  const queue: Pending[] = [];
  const runs: KilledRun<Line>[] = [];
  let started = 0;
  const refill = (): void => {
    while (queue.length < preloaded && started < options.kills) queue.push(options.start(started++));
  };
  try {
    for (let run = 0; run < options.kills; run++) {
      refill();
      const current = queue.shift()!;
      refill();
      options.beforeRun?.(run);
      runs.push(await goAndKill<Line>(options.dir, current, options.delayMs(run), options.killFrom?.(run) ?? 'ready'));
    }
  } finally {
    for (const pending of queue) pending.child.kill('SIGKILL');
  }
  return runs;
}
