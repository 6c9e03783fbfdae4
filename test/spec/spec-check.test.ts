// The scripts that run TLC on spec/: their skip path and trace validation always run; the TLC
// runs need TLA2TOOLS_JAR (see DEVELOPERS.md) and stay quick (the planted-bug model and the two
// committed traces). `npm run spec:check` runs every model, MCWal included.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const jar = process.env['TLA2TOOLS_JAR'];

/** Runs a script with TLA2TOOLS_JAR as given; without it, Docker is turned off too. */
function runScript(script: string, args: readonly string[], tlaJar: string | undefined): { code: number | null; out: string } {
  const env: NodeJS.ProcessEnv = { PATH: dirname(process.execPath), HOME: process.env['HOME'] ?? tmpdir(), WALREF_TLA_DOCKER: '0' };
  if (tlaJar !== undefined) {
    env['TLA2TOOLS_JAR'] = tlaJar;
    env['PATH'] = process.env['PATH'];
  }
  const run = spawnSync(process.execPath, [join(root, 'scripts', script), ...args], { cwd: root, env, encoding: 'utf8' });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
}

describe('spec scripts without TLC', () => {
  it('spec:check says plainly that it skipped and exits 0 when there is no jar and no Docker engine', () => {
    const run = runScript('spec-check.mjs', [], undefined);
    expect(run.out.trim()).toBe('spec:check skipped: no TLA2TOOLS_JAR and no Docker engine');
    expect(run.code).toBe(0);
  });

  it('spec:trace says it skipped and exits 2 (nothing checked) when there is no jar and no Docker engine', () => {
    const run = runScript('spec-trace.mjs', [join(root, 'spec', 'traces', 'good.ndjson')], undefined);
    expect(run.out.trim()).toBe('spec:trace skipped: no TLA2TOOLS_JAR and no Docker engine');
    expect(run.code).toBe(2);
  });

  it('spec:trace rejects a line that is not a trace event with its line number, before looking for TLC', () => {
    const dir = mkdtempSync(join(tmpdir(), 'walref-trace-test-'));
    const file = join(dir, 'broken.ndjson');
    writeFileSync(file, '{"action":"Open","nextLsn":1,"durableLsn":0,"transactions":[]}\n{"action":"Commit","beginLsn":1}\n');
    const run = runScript('spec-trace.mjs', [file], undefined);
    rmSync(dir, { recursive: true, force: true });
    expect(run.code).toBe(1);
    expect(run.out).toContain('broken.ndjson:2: not a trace event');
  });
});

describe.skipIf(jar === undefined || jar === '')(`spec models with TLC (skipped unless TLA2TOOLS_JAR is set)`, () => {
  it('TraceWal accepts the trace recorded from the real WAL', () => {
    const run = runScript('spec-trace.mjs', [join(root, 'spec', 'traces', 'good.ndjson')], jar);
    expect(run.out).toMatch(/^accepted: /);
    expect(run.code).toBe(0);
  });

  it('TraceWal rejects the trace whose recovery drops a transaction acknowledged durable', () => {
    const run = runScript('spec-trace.mjs', [join(root, 'spec', 'traces', 'bad.ndjson')], jar);
    expect(run.out).toMatch(/Postcondition TraceAccepted .* is false/);
    expect(run.code).toBe(1);
  });

  it('MCWalAckBeforeFsync fails with a DurabilityInv counterexample, as spec:check requires', () => {
    const run = runScript('spec-check.mjs', ['MCWalAckBeforeFsync'], jar);
    expect(run.out).toContain('Error: Invariant DurabilityInv is violated.');
    expect(run.out).toContain('ok   MCWalAckBeforeFsync: failed (exit 12), must fail');
    expect(run.code).toBe(0);
  });

  it('MCWalRepairTruncates fails with a DurabilityInv counterexample through CrashDuringRecover', () => {
    const run = runScript('spec-check.mjs', ['MCWalRepairTruncates'], jar);
    expect(run.out).toContain('Error: Invariant DurabilityInv is violated.');
    expect(run.out).toContain('ok   MCWalRepairTruncates: failed (exit 12), must fail');
    expect(run.code).toBe(0);
  });

  it('MCManifestDeleteBeforeCommit fails with a OneEpochInv counterexample: removing before the rename loses the old epoch', () => {
    const run = runScript('spec-check.mjs', ['MCManifestDeleteBeforeCommit'], jar);
    expect(run.out).toContain('Error: Invariant OneEpochInv is violated.');
    expect(run.out).toContain('ok   MCManifestDeleteBeforeCommit: failed (exit 12), must fail');
    expect(run.code).toBe(0);
  });
});
