// `walref crash-test` and `walref check-trace` through the dispatcher: typed one-line errors for
// bad input, and the text, --json and --html outputs on a small program with a planted bug.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CRASH_TEST_USAGE } from '../../cli/crash-test.js';
import { bufferedIo } from '../../cli/io.js';
import { runCli } from '../../cli/run-cli.js';
import { nodeFileSystem } from '../../src/fs/node-fs.js';
import { hasStrace, NEEDS_STRACE } from '../examples/crash-test/helpers.js';

const work = mkdtempSync(join(tmpdir(), 'walref-ct-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  const io = bufferedIo();
  const code = await runCli(argv, io, nodeFileSystem);
  return { code, out: io.out(), err: io.err() };
}

// A program that replaces `current` by write + fsync + rename, acknowledging each value, with or
// without the directory fsync that makes the rename durable; and its checker.
const program = join(work, 'replace.mjs');
writeFileSync(
  program,
  `import fs from 'node:fs';
const [dir, dirSync] = process.argv.slice(2);
for (let i = 1; i <= 2; i++) {
  const fd = fs.openSync(dir + '/v.tmp', 'w');
  fs.writeSync(fd, 'value ' + i);
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(dir + '/v.tmp', dir + '/current');
  if (dirSync === 'yes') { const d = fs.openSync(dir, 'r'); fs.fsyncSync(d); fs.closeSync(d); }
  fs.writeSync(1, 'ACK ' + i + '\\n');
}
`,
);
const checker = join(work, 'check.mjs');
writeFileSync(
  checker,
  `import fs from 'node:fs';
const [dir, ...ids] = process.argv.slice(2);
const last = ids.length === 0 ? 0 : Number(ids[ids.length - 1]);
let got = 0;
try { got = Number(fs.readFileSync(dir + '/current', 'utf8').split(' ')[1]); } catch {}
if (got < last) { console.log('acknowledged value ' + last + ' lost'); process.exit(1); }
`,
);

describe('walref crash-test: bad input is one line naming what is wrong', () => {
  it('--help prints the usage, every knob flag named, and exits 0', async () => {
    const r = await cli('crash-test', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toBe(CRASH_TEST_USAGE);
    for (const flag of ['--sector-bytes', '--unordered', '--unsafe-append', '--no-dir-sync', '--mkdir-sync']) expect(CRASH_TEST_USAGE).toContain(flag);
  });

  it('a missing --workload', async () => {
    const r = await cli('crash-test', '--dir', work, '--check', 'true');
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe('walref crash-test: --workload is required (or --from-capture)');
  });

  it('contradicting knob flags and a zero budget', async () => {
    expect((await cli('crash-test', '--dir', work, '--workload', 'true', '--check', 'true', '--ordered', '--unordered')).err).toMatch(/^walref crash-test: --unordered and --ordered contradict each other/);
    expect((await cli('crash-test', '--dir', work, '--workload', 'true', '--check', 'true', '--max-states', '0')).err).toMatch(/^walref crash-test: --max-states must be a positive integer/);
  });

  it.skipIf(!hasStrace)(`a --dir that is a file, and a workload that fails (${hasStrace ? 'strace found' : NEEDS_STRACE})`, async () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'x');
    expect((await cli('crash-test', '--dir', file, '--workload', 'true', '--check', 'true')).err).toBe(`walref crash-test: BadDataDir: --dir ${file} is not a directory\n`);
    const failed = await cli('crash-test', '--quiet', '--dir', join(work, 'empty'), '--workload', 'echo nope >&2; exit 3', '--check', 'true');
    expect(failed.code).toBe(2);
    expect(failed.err).toBe('walref crash-test: WorkloadFailed: the workload exited with status 3: nope\n');
  });

  it('strace missing is named with what to install', async () => {
    const path = process.env['PATH'];
    process.env['PATH'] = join(work, 'no-such-bin');
    try {
      const r = await cli('crash-test', '--dir', join(work, 'x'), '--workload', 'true', '--check', 'true');
      expect(r.err).toBe('walref crash-test: StraceMissing: strace is not installed: install it (apt-get install -y strace) to run crash-test\n');
    } finally {
      process.env['PATH'] = path;
    }
  });
});

describe.skipIf(!hasStrace)(`walref crash-test on a small program (${hasStrace ? 'strace found' : NEEDS_STRACE})`, () => {
  it('finds the lost rename without a directory fsync, with a one-line crash state in terms of the calls', async () => {
    const dir = join(work, 'bug');
    const r = await cli('crash-test', '--dir', dir, '--workload', `node ${program} ${dir} no`, '--check', `node ${checker}`);
    expect(r.code).toBe(1);
    expect(r.out).toContain('violations:');
    expect(r.out).toMatch(/e\.g\. crash after \w+#\d+\(.*rename#\d+\(v\.tmp → current\) lost.* → acknowledged value \d lost/);
  }, 120_000);

  it('--json has crashPoints, crashStates, exhaustive and violations grouped by reason; the fixed program has none', async () => {
    const dir = join(work, 'fixed');
    const fixed = await cli('crash-test', '--dir', dir, '--workload', `node ${program} ${dir} yes`, '--check', `node ${checker}`, '--json');
    expect(fixed.code).toBe(0);
    const json = JSON.parse(fixed.out) as { crashPoints: number; crashStates: number; exhaustive: boolean; violations: unknown[] };
    expect(json).toMatchObject({ exhaustive: true, violations: [] });
    expect(json.crashPoints).toBeGreaterThan(5);
    expect(json.crashStates).toBeGreaterThan(5);

    const bugDir = join(work, 'bug-json');
    const bug = JSON.parse((await cli('crash-test', '--dir', bugDir, '--workload', `node ${program} ${bugDir} no`, '--check', `node ${checker}`, '--json')).out) as {
      violations: { reason: string; count: number; example: string }[];
    };
    expect(bug.violations.length).toBeGreaterThan(0);
    for (const v of bug.violations) {
      expect(v.reason).toMatch(/^acknowledged value \d lost$/);
      expect(v.count).toBeGreaterThan(0);
      expect(v.example).toMatch(/^crash after \w+#\d+\(/);
    }
  }, 120_000);

  it('a reason that names the state directory still groups: the path reads <state dir>', async () => {
    const dir = join(work, 'named');
    const r = await cli('crash-test', '--dir', dir, '--workload', `node ${program} ${dir} yes`, '--check', 'sh -c \'echo "nothing good in $0"; exit 1\'', '--json');
    const json = JSON.parse(r.out) as { crashStates: number; violations: { reason: string; count: number }[] };
    expect(json.violations).toEqual([expect.objectContaining({ reason: 'nothing good in <state dir>', count: json.crashStates, example: expect.any(String), ids: expect.any(Array) })]);
  }, 120_000);

  it('--html writes the crash-state page of explore --html, with the checker verdicts', async () => {
    const dir = join(work, 'html');
    const page = join(work, 'report.html');
    await cli('crash-test', '--dir', dir, '--workload', `node ${program} ${dir} no`, '--check', `node ${checker}`, '--html', page);
    const html = readFileSync(page, 'utf8');
    const data = JSON.parse(/<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)?.[1] ?? '{}') as { mode: string; states: { chk: { out: string } }[] };
    expect(data.mode).toBe('crash-test');
    expect(data.states.some((s) => s.chk.out.startsWith('acknowledged value'))).toBe(true);
    // Calls carry their op-log index on the page as in the text: rename#6(v.tmp → current).
    expect((data as unknown as { states: { survival: string }[] }).states.some((s) => /rename#\d+\(v\.tmp → current\) lost/.test(s.survival))).toBe(true);
    expect(html).toMatch(/rename#\d+\(v\.tmp → current\)/);
  }, 120_000);
});

describe.skipIf(!hasStrace)(`walref crash-test: capture once, check in shards, merge (${hasStrace ? 'strace found' : NEEDS_STRACE})`, () => {
  it('a saved capture checked in two shards from a fresh --dir merges into the verdicts of the whole run', async () => {
    const dir = join(work, 'capture-data');
    const capture = join(work, 'replace.capture');
    const whole = await cli('crash-test', '--dir', dir, '--workload', `node ${program} ${dir} no`, '--check', `node ${checker}`, '--save-capture', capture, '--json');
    expect(whole.code).toBe(1);
    const wholeReport = JSON.parse(whole.out) as { captureDigest: string; crashStates: number; violationCount: number; violations: { reason: string; count: number }[] };
    const initial = join(work, 'capture-initial');
    mkdirSync(initial);
    const files: string[] = [];
    for (const k of [1, 2]) {
      const r = await cli('crash-test', '--dir', initial, '--from-capture', capture, '--check', `node ${checker}`, '--shard', `${k}/2`, '--json');
      const report = JSON.parse(r.out) as { shard: unknown; captureDigest: string; exhaustive: boolean; plannedStates: number };
      expect(report).toMatchObject({ shard: { k, n: 2 }, captureDigest: wholeReport.captureDigest, exhaustive: false, plannedStates: wholeReport.crashStates });
      files.push(join(work, `shard-${k}.json`));
      writeFileSync(files.at(-1) ?? '', r.out);
    }
    const merged = await cli('crash-test', 'merge', ...files);
    expect(merged.code).toBe(1);
    expect(merged.out).toContain('shards: 2 of 2 present, each exactly once');
    expect(merged.out).toContain(`crash states: ${wholeReport.crashStates} checked, exhaustive`);
    const mergedJson = JSON.parse((await cli('crash-test', 'merge', '--json', ...files)).out) as typeof wholeReport & { exhaustive: boolean };
    expect(mergedJson.exhaustive).toBe(true);
    expect(mergedJson.violations.map((v) => [v.reason, v.count])).toEqual(wholeReport.violations.map((v) => [v.reason, v.count]));

    const half = await cli('crash-test', 'merge', files[0] ?? '');
    expect(half.out).toContain('shards: 1 of 2 present; missing 2/2');
    expect(half.out).toContain('not exhaustive: shards missing');
  }, 240_000);

  it('a --dir that is not the captured initial directory, shards of different runs, and files that are no reports are named', async () => {
    const dir = join(work, 'mismatch-data');
    const capture = join(work, 'mismatch.capture');
    expect((await cli('crash-test', '--dir', dir, '--workload', `node ${program} ${dir} yes`, '--check', 'true', '--save-capture', capture)).code).toBe(0);
    const mismatch = await cli('crash-test', '--dir', dir, '--from-capture', capture, '--check', 'true');
    expect(mismatch.code).toBe(2);
    expect(mismatch.err).toMatch(/^walref crash-test: CaptureMismatch: --dir .* is not the directory .* was captured from: current is in --dir but was not there when the workload was captured\n$/);
    const empty = join(work, 'mismatch-initial');
    mkdirSync(empty);
    const shard1 = join(work, 'other-1.json');
    writeFileSync(shard1, (await cli('crash-test', '--dir', empty, '--from-capture', capture, '--check', 'true', '--shard', '1/2', '--json')).out);
    const other = join(work, 'other-2.json');
    writeFileSync(other, (await cli('crash-test', '--dir', empty, '--from-capture', capture, '--check', 'true', '--shard', '2/2', '--seed', '7', '--json')).out);
    expect(await cli('crash-test', 'merge', shard1, other)).toMatchObject({ code: 2, err: expect.stringMatching(/^walref crash-test merge: ShardMismatch: .*other-2\.json is not a shard of the run .*other-1\.json belongs to: their seed differ/) });
    expect(await cli('crash-test', 'merge', shard1)).toMatchObject({ code: 2, err: expect.stringContaining('IncompleteShards: no report for shard 2/2') });
    expect(await cli('crash-test', 'merge', capture)).toMatchObject({ code: 2, err: expect.stringContaining('BadReport') });
  }, 240_000);

  it('the capture and shard arguments are checked', async () => {
    expect((await cli('crash-test', '--dir', work, '--workload', 'true', '--from-capture', 'x', '--check', 'true')).err).toMatch(/^walref crash-test: --workload and --from-capture contradict each other/);
    expect((await cli('crash-test', '--dir', work, '--from-capture', 'x', '--save-capture', 'y', '--check', 'true')).err).toMatch(/^walref crash-test: --save-capture and --from-capture contradict each other/);
    expect((await cli('crash-test', '--dir', work, '--workload', 'true', '--check', 'true', '--shard', '3/2')).err).toMatch(/^walref crash-test: --shard must be k\/n with 1 ≤ k ≤ n \(like 2\/8\), got "3\/2"/);
    expect((await cli('crash-test', 'merge')).err).toMatch(/^walref crash-test merge: merge needs at least one report file/);
    expect((await cli('crash-test', '--dir', work, '--from-capture', join(work, 'no-such.capture'), '--check', 'true')).err).toMatch(/^walref crash-test: BadCapture: cannot read /);
  });
});

describe('walref check-trace', () => {
  it('accepts spec/traces/good.ndjson and rejects bad.ndjson naming the line and the property', async () => {
    const traces = join(import.meta.dirname, '..', '..', 'spec', 'traces');
    expect(await cli('check-trace', join(traces, 'good.ndjson'))).toMatchObject({ code: 0 });
    const bad = await cli('check-trace', join(traces, 'bad.ndjson'));
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/^rejected: .*bad\.ndjson:26: .*DurabilityInv/);
    expect(await cli('check-trace', join(work, 'missing.ndjson'))).toMatchObject({ code: 2 });
  });
});
