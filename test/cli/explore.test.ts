// `walref explore`: the summary, --json, exit codes, one-line workload errors, and a planted bug
// (openWal mocked to run on a file system whose fdatasync does nothing) turning it red.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runExplore } from '../../cli/explore.js';
import { bufferedIo } from '../../cli/io.js';
import type { FileSystem } from '../../src/fs/port.js';
import { wrapFs } from '../crash-sim/wrap-fs.js';

const planted = { lyingFsync: false };

vi.mock('../../src/open-wal.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/open-wal.js')>();
  const openWal: typeof original.openWal = (dir, options) =>
    original.openWal(dir, planted.lyingFsync && options?.fs !== undefined ? { ...options, fs: wrapFs(options.fs as FileSystem, { datasync: () => Promise.resolve() }) } : options);
  return { ...original, openWal };
});

/** Temporary directories of this file, removed when it ends. */
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

function tempWorkload(text: string): string {
  const path = join(tempDir('walref-explore-'), 'w.json');
  writeFileSync(path, text);
  return path;
}

describe('walref explore', () => {
  it('prints a summary and exits 0 when no crash state violates the guarantee', async () => {
    const io = bufferedIo();
    expect(await runExplore(['oracle/explore/workloads/basic.json'], io)).toBe(0);
    expect(io.out()).toMatch(/crash states: \d+ distinct, exhaustive/);
    expect(io.out()).toContain('violations: none');
  });

  it('--json prints one object with crashStates, exhaustive and violations', async () => {
    const io = bufferedIo();
    expect(await runExplore(['oracle/explore/workloads/rotation.json', '--json', '--max-states', '5000'], io)).toBe(0);
    const parsed = JSON.parse(io.out()) as { crashStates: unknown; exhaustive: unknown; violations: unknown };
    expect(typeof parsed.crashStates).toBe('number');
    expect(parsed.exhaustive).toBe(true);
    expect(parsed.violations).toEqual([]);
  });

  it('samples when the crash spaces exceed --max-states', async () => {
    const io = bufferedIo();
    expect(await runExplore(['oracle/explore/workloads/rotation.json', '--json', '--max-states', '30', '--seed', '3'], io)).toBe(0);
    expect((JSON.parse(io.out()) as { exhaustive: boolean }).exhaustive).toBe(false);
  });

  it('a bad workload is one line naming the field, with exit code 2', async () => {
    const io = bufferedIo();
    const path = tempWorkload('{"steps":[{"tx":["a", 7]}]}');
    expect(await runExplore([path], io)).toBe(2);
    expect(io.err()).toBe(`walref explore: ${path}: steps[0].tx[1]: Invalid input: expected string, received number\n`);
  });

  it('an unknown step kind names the keys it expected', async () => {
    const io = bufferedIo();
    expect(await runExplore([tempWorkload('{"steps":[{"commit":true}]}')], io)).toBe(2);
    expect(io.err()).toMatch(/steps\[0\]: expected one of the keys tx, readOnly, flush/);
  });

  it('a planted bug (fdatasync that does nothing) exits 1 and prints counterexamples', async () => {
    planted.lyingFsync = true;
    const io = bufferedIo();
    try {
      expect(await runExplore(['oracle/explore/workloads/basic.json'], io)).toBe(1);
    } finally {
      planted.lyingFsync = false;
    }
    expect(io.out()).toMatch(/DurabilityInv violated \(crash after op \d+\)/);
    expect(io.out()).toContain('unsynced sector writes:');
  });

  it('--html writes the report through cli/html-report.ts', async () => {
    const io = bufferedIo();
    const out = join(tempDir('walref-html-'), 'r.html');
    const code = await runExplore(['oracle/explore/workloads/basic.json', '--html', out], io);
    expect(code).toBe(0);
    expect(readFileSync(out, 'utf8').length).toBeGreaterThan(0);
  });
});
