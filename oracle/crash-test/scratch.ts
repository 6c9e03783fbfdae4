// crash-test's working directories, and the processes it starts in them, gone when the run ends:
// normally, by an error, by process.exit(), or by SIGINT, SIGTERM or SIGHUP.
//
// Every scratch directory is registered while it lives. While any is registered, crash-test
// listens for those signals and for 'exit'. On a signal it kills the processes it started (every
// descendant of this process whose command line names a live scratch directory, with all of its
// own descendants: strace and the workload under it, check commands and what they started) and
// every process group a check command leads (a check may exec into a program whose command line
// names no scratch directory), waits for them to die, removes the directories, and then, unless
// the host program listens for that signal itself, lets the signal end the process as it would have without crash-test. Found
// through /proc (Linux, where strace runs): a process that left the tree (a daemon that forked
// twice) is out of reach, and named in docs/oracle.md as such.
//
// The workload and the check commands run with TMPDIR inside the scratch directory, so what they
// leave in their temporary directory goes with it.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The prefix of every directory crash-test makes in the system's temporary directory. */
export const SCRATCH_PREFIX = 'walref-crash-test-';

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const live = new Set<string>();
/** Process groups crash-test started and that still run (each check command leads one). */
const groups = new Set<number>();
let listening = false;

/** Registers a process group to kill if crash-test is stopped; returns what forgets it once it ended. */
export function trackProcessGroup(leader: number): () => void {
  groups.add(leader);
  return () => {
    groups.delete(leader);
  };
}

export interface ScratchDir {
  readonly path: string;
  /** A directory inside it for the temporary files of the programs crash-test starts. */
  readonly tmp: string;
  remove(): void;
}

/** A fresh directory under the system's temporary directory, removed by `remove()` or when the process ends. */
export function scratchDir(): ScratchDir {
  const path = mkdtempSync(join(tmpdir(), SCRATCH_PREFIX));
  live.add(path);
  listen(true);
  const tmp = join(path, 'tmp');
  mkdirSync(tmp);
  return {
    path,
    tmp,
    remove: () => {
      rmSync(path, { recursive: true, force: true });
      live.delete(path);
      if (live.size === 0) listen(false);
    },
  };
}

/** Runs `body` with a scratch directory, removed afterwards whatever happens. */
export async function withScratchDir<T>(body: (dir: ScratchDir) => Promise<T>): Promise<T> {
  const dir = scratchDir();
  try {
    return await body(dir);
  } finally {
    dir.remove();
  }
}

/** `command` run by /bin/sh with TMPDIR set to `tmp` (a shell word, quoted). */
export function withTmpDir(command: string, tmp: string): string {
  return `TMPDIR='${tmp.replace(/'/g, `'\\''`)}'; export TMPDIR\n${command}`;
}

function listen(on: boolean): void {
  if (on === listening) return;
  listening = on;
  for (const signal of SIGNALS) {
    if (on) process.on(signal, onSignal);
    else process.removeListener(signal, onSignal);
  }
  if (on) process.on('exit', cleanUp);
  else process.removeListener('exit', cleanUp);
}

function onSignal(signal: NodeJS.Signals): void {
  cleanUp();
  // Nobody else listens: end the process by the signal, as it would have ended without us.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

/** Kills what crash-test started and removes every live scratch directory, synchronously. */
export function cleanUp(): void {
  listen(false);
  const paths = [...live];
  killProcessGroups([...groups]);
  killProcessesNaming(paths);
  for (const path of paths) {
    rmSync(path, { recursive: true, force: true });
    live.delete(path);
  }
}

interface ProcInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly state: string;
}

/** pid, parent and state of a process from /proc/<pid>/stat (the command name may hold spaces and parentheses). */
function procInfo(pid: number): ProcInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(fields[1]), state: fields[0] ?? '?' };
  } catch {
    return null;
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** Every descendant of `root`, by pid, from one scan of /proc. */
function descendants(root: number): Map<number, number[]> {
  const children = new Map<number, number[]>();
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return children;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const info = procInfo(Number(name));
    if (info === null) continue;
    children.set(info.ppid, [...(children.get(info.ppid) ?? []), info.pid]);
  }
  const tree = new Map<number, number[]>();
  const visit = (pid: number): void => {
    const kids = children.get(pid) ?? [];
    tree.set(pid, kids);
    for (const kid of kids) visit(kid);
  };
  visit(root);
  return tree;
}

/** Sleeps the thread (a signal handler cannot await). */
function nap(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Waits (≤ 2 s) for each of `pids` to be gone or a zombie. */
function awaitDeaths(pids: Iterable<number>): void {
  const deadline = Date.now() + 2000;
  for (const pid of pids) {
    for (;;) {
      const info = procInfo(pid);
      if (info === null || info.state === 'Z' || Date.now() > deadline) break;
      nap(5);
    }
  }
}

/** SIGKILLs every process of each group, and waits for the leaders to die. */
function killProcessGroups(leaders: readonly number[]): void {
  for (const leader of leaders) {
    try {
      process.kill(-leader, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  awaitDeaths(leaders);
}

/** SIGKILLs every descendant whose command line names one of `paths`, with its subtree, and waits (≤ 2 s) for them to die. */
export function killProcessesNaming(paths: readonly string[]): number[] {
  if (paths.length === 0) return [];
  const tree = descendants(process.pid);
  const doomed = new Set<number>();
  const take = (pid: number): void => {
    doomed.add(pid);
    for (const kid of tree.get(pid) ?? []) take(kid);
  };
  for (const pid of tree.keys()) if (pid !== process.pid && paths.some((p) => commandLine(pid).includes(p))) take(pid);
  for (const pid of doomed) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  awaitDeaths(doomed);
  return [...doomed];
}
