// Nothing left behind: crash-test's scratch directories go when the run ends, normally, by an
// error, or by SIGTERM or SIGINT, and so do the processes it started (strace, the workload, check
// commands and what they started) and whatever they put in their TMPDIR. The end-to-end cases run
// `walref crash-test` (dist/) as a child process with a TMPDIR of its own, so that nothing else
// running at the same time can make them pass or fail.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killProcessesNaming, SCRATCH_PREFIX, scratchDir, withScratchDir, withTmpDir } from '../../../oracle/crash-test/scratch.js';
import { ensureBuilt, hasStrace, NEEDS_STRACE, root } from '../../examples/crash-test/helpers.js';

const work = mkdtempSync(join(tmpdir(), 'walref-ct-scratch-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Whether process `pid` is gone (or a zombie, which holds nothing). */
function gone(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') === true;
  } catch {
    return true;
  }
}

async function until(what: string, test: () => boolean, timeoutMs = 60_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !test(); await new Promise((r) => setTimeout(r, 25))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}

describe('scratch directories', () => {
  it('live under the temporary directory with a tmp/ for the programs started, and go when removed, also after a throw', async () => {
    const dir = scratchDir();
    expect(dir.path.startsWith(join(tmpdir(), SCRATCH_PREFIX))).toBe(true);
    expect(statSync(dir.tmp).isDirectory()).toBe(true);
    dir.remove();
    expect(existsSync(dir.path)).toBe(false);
    let seen = '';
    await expect(
      withScratchDir(async (d) => {
        seen = d.path;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(existsSync(seen)).toBe(false);
  });

  it('give a shell command its TMPDIR, whatever characters the path holds', () => {
    const odd = join(work, "a b'c");
    const run = spawnSync('/bin/sh', ['-c', withTmpDir('printf %s "$TMPDIR"; printf " %s" "$(node -p "require(\'os\').tmpdir()")"', odd)], { encoding: 'utf8' });
    expect(run.stdout).toBe(`${odd} ${odd}`);
  });

  it('the processes naming one, and all they started, are killed', async () => {
    const marker = join(work, 'marker-dir');
    const child = spawn('/bin/sh', ['-c', `sleep 30 & echo $!; wait; : ${marker}`], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    await until('the grandchild', () => out.includes('\n'));
    const grandchild = Number(out.trim());
    const killed = killProcessesNaming([marker]);
    expect(killed).toEqual(expect.arrayContaining([child.pid, grandchild]));
    expect(gone(grandchild)).toBe(true);
    expect(killProcessesNaming([join(work, 'nothing-names-this')])).toEqual([]);
  });
});

/** A run of `walref crash-test` in a child process with its own TMPDIR. */
function crashTestProcess(label: string, workload: string, check: string) {
  const tmp = join(work, `${label}-tmp`);
  const dir = join(work, `${label}-data`);
  mkdirSync(tmp);
  const child = spawn(process.execPath, [join(root, 'dist', 'cli', 'main.js'), 'crash-test', '--dir', dir, '--workload', workload, '--check', check, '--jobs', '2'], {
    env: { ...process.env, TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, tmp, dir, exited, stderr: () => stderr };
}

/** Pids written by the workload and the checkers into `pids/` (outside their TMPDIR). */
function pidsIn(dir: string): number[] {
  return existsSync(dir) ? readdirSync(dir).map(Number) : [];
}

describe.skipIf(!hasStrace)(`walref crash-test leaves nothing in the temporary directory (${hasStrace ? 'strace found' : NEEDS_STRACE})`, () => {
  beforeAll(() => ensureBuilt(), 180_000);

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`stopped by ${signal} while checks run: its directories, the check processes and their temporary files are gone`, async () => {
      const pids = join(work, `${signal}-pids`);
      mkdirSync(pids);
      // Each check leaves a directory in its TMPDIR (as the Redis checker did) and takes a while,
      // as a program whose command line names no scratch directory (both shells exec, so the
      // check ends as a bare `sleep 20`): only its process group ties it to crash-test.
      const check = `exec sh -c 'touch ${pids}/$$; mktemp -d >/dev/null; exec sleep 20' walref-slow-check`;
      const run = crashTestProcess(signal, `sh -c 'for i in 1 2 3; do echo $i > "$0/f$i"; done' ${join(work, `${signal}-data`)}`, check);
      await until('checks to start', () => pidsIn(pids).length >= 1);
      run.child.kill(signal);
      expect(await run.exited).toEqual({ code: null, signal });
      expect(readdirSync(run.tmp)).toEqual([]);
      // Killed with SIGKILL before crash-test exits; on a loaded machine one may take a moment to be
      // scheduled and die, which is not a leak. One still alive after 10 s is.
      for (const pid of pidsIn(pids)) await until(`check process ${pid} to be gone`, () => gone(pid), 10_000);
    }, 120_000);
  }

  it('stopped by SIGTERM while the workload runs under strace: the workload is killed too, nothing is left', async () => {
    const pids = join(work, 'capture-pids');
    mkdirSync(pids);
    const run = crashTestProcess('capture', `sh -c 'touch ${pids}/$$; mktemp -d >/dev/null; sleep 30'`, 'true');
    await until('the workload to start', () => pidsIn(pids).length === 1);
    run.child.kill('SIGTERM');
    expect(await run.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(readdirSync(run.tmp)).toEqual([]);
    for (const pid of pidsIn(pids)) expect(gone(pid)).toBe(true);
  }, 120_000);

  it('ending normally or with an error: nothing left, whatever the workload and the checks put in their TMPDIR', async () => {
    const normal = crashTestProcess('normal', `sh -c 'mktemp -d >/dev/null; echo x > "$0/f"' ${join(work, 'normal-data')}`, "sh -c 'mktemp -d >/dev/null'");
    expect(await normal.exited).toEqual({ code: 0, signal: null });
    expect(readdirSync(normal.tmp)).toEqual([]);
    const failed = crashTestProcess('failed', "sh -c 'mktemp -d >/dev/null; exit 3'", 'true');
    expect(await failed.exited).toEqual({ code: 2, signal: null });
    expect(failed.stderr()).toContain('WorkloadFailed');
    expect(readdirSync(failed.tmp)).toEqual([]);
  }, 120_000);
});
