// `npm run bench [-- --quick] [-- --only=id,id] [-- --rounds=N] [-- --profile]`
//
// Runs every case of plan.ts in its own child process (`node --import tsx bench/cases/<x>.ts`),
// one after another, on the disk that holds the repository (bench/data/, never tmpfs), then prints
// one table of medians with each walref figure as a ratio to the raw limit and to the best peer,
// and writes bench/results/latest.json. --profile adds `--cpu-prof` to every child and leaves the
// profiles in bench/results/profiles/<case>/ (read them with bench/profile-top.ts, or open them in Chrome DevTools or speedscope).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { caseOutputSchema, type CaseOutput, type CaseResult } from './lib/case-io.js';
import { median } from './lib/stats.js';
import { describeMachine, fileSystemType } from './machine.js';
import { measuredCases, runSettings, setupCases, type CaseSpec, type RunSettings } from './plan.js';
import { buildReport, type CaseSummary } from './report.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = join(repoRoot, 'bench', 'data');
const resultsDir = join(repoRoot, 'bench', 'results');
/** A case that has not finished after this long is stuck, not slow. */
const CASE_TIMEOUT_MS = 5 * 60 * 1000;

interface Cli {
  readonly quick: boolean;
  readonly only: ReadonlySet<string> | null;
  readonly rounds: number | null;
  readonly profile: boolean;
}

function parseCli(argv: readonly string[]): Cli {
  let quick = false;
  let only: Set<string> | null = null;
  let rounds: number | null = null;
  let profile = false;
  for (const arg of argv) {
    if (arg === '--quick') quick = true;
    else if (arg === '--profile') profile = true;
    else if (arg.startsWith('--only=')) only = new Set(arg.slice('--only='.length).split(',').filter(Boolean));
    else if (arg.startsWith('--rounds=')) {
      rounds = Number(arg.slice('--rounds='.length));
      if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds wants a positive integer, got ${arg}`);
    } else throw new Error(`unknown argument ${arg}; known: --quick --only=id,id --rounds=N --profile`);
  }
  return { quick, only, rounds, profile };
}

/** Runs one case in a fresh process and returns what it printed, or why it printed nothing useful. */
function runCase(spec: CaseSpec, settings: RunSettings, cli: Cli): CaseOutput {
  if (!existsSync(join(repoRoot, spec.script))) return { case: spec.id, unavailable: `${spec.script} does not exist` };
  const params = {
    dataDir,
    durationMs: settings.durationMs,
    warmupOps: settings.warmupOps,
    ...spec.params,
  };
  // One directory per case: Node writes one profile per thread (tsx's loader runs in a worker, so
  // the main thread's profile is the one whose name has thread id 0).
  const profileArgs = cli.profile ? ['--cpu-prof', '--cpu-prof-dir', join(resultsDir, 'profiles', spec.id)] : [];
  const child = spawnSync(
    process.execPath,
    [...profileArgs, '--import', 'tsx', join(repoRoot, spec.script), JSON.stringify(params)],
    { cwd: repoRoot, encoding: 'utf8', timeout: CASE_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 },
  );
  const lastLine = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status === 0 && lastLine !== '') {
    try {
      return caseOutputSchema.parse(JSON.parse(lastLine));
    } catch (error) {
      return { case: spec.id, unavailable: `unreadable output: ${String(error).slice(0, 200)}` };
    }
  }
  // Node prints the stack first and its version last; the line naming the error says the most.
  const stderrLines = child.stderr.split('\n').filter((line) => line.trim() !== '');
  const errorLine = stderrLines.find((line) => /Error|error:/.test(line)) ?? stderrLines.at(-1) ?? '';
  const why = child.error?.message ?? errorLine.trim();
  return { case: spec.id, unavailable: `failed (exit ${child.status ?? child.signal}): ${why.slice(0, 300)}` };
}

/** The commit measured, with "+dirty" when the working tree differs from it (as it may mid-work). */
function measuredCommit(): string {
  const git = (args: string[]): string | null => {
    const out = spawnSync('git', args, { cwd: repoRoot, encoding: 'utf8' });
    return out.status === 0 ? out.stdout.trim() : null;
  };
  const head = git(['rev-parse', '--short', 'HEAD']);
  if (head === null) return 'unknown';
  const dirty = git(['status', '--porcelain', '--', 'src', 'crash-sim', 'bench']);
  return dirty === null || dirty === '' ? head : `${head}+dirty`;
}

function describeOutput(output: CaseOutput): string {
  if ('unavailable' in output) return `— ${output.unavailable}`;
  const value = output.value >= 100 ? Math.round(output.value).toLocaleString('en-US') : output.value.toPrecision(3);
  return `${value} ${output.unit}`;
}

function summarize(spec: CaseSpec, outputs: readonly CaseOutput[]): CaseSummary {
  const results = outputs.filter((output): output is CaseResult => !('unavailable' in output));
  const first = results[0];
  if (first === undefined) {
    const reason = outputs.find((output) => 'unavailable' in output);
    return {
      id: spec.id,
      label: spec.label,
      role: spec.role,
      unit: null,
      median: null,
      values: [],
      details: {},
      missing: reason !== undefined && 'unavailable' in reason ? reason.unavailable : 'not run',
    };
  }
  const details: CaseResult['details'] = {};
  for (const [key, value] of Object.entries(first.details)) {
    details[key] =
      typeof value === 'number'
        ? median(results.map((result) => result.details[key]).filter((v): v is number => typeof v === 'number'))
        : value;
  }
  return {
    id: spec.id,
    label: spec.label,
    role: spec.role,
    unit: first.unit,
    median: median(results.map((result) => result.value)),
    values: results.map((result) => result.value),
    details,
    missing: null,
  };
}

function main(): void {
  const cli = parseCli(process.argv.slice(2));
  const base = runSettings(cli.quick);
  const settings: RunSettings = { ...base, rounds: cli.rounds ?? base.rounds };
  mkdirSync(dataDir, { recursive: true });
  const fsType = fileSystemType(dataDir);
  if (fsType === 'tmpfs' || fsType === 'ramfs') {
    throw new Error(`${dataDir} is on ${fsType}: fsync is free there, so nothing measured would mean anything`);
  }
  const machine = describeMachine(dataDir);
  const loadStart = loadavg()[0] ?? Number.NaN;
  const selected = (spec: CaseSpec): boolean => cli.only === null || cli.only.has(spec.id);
  const measured = measuredCases(settings, dataDir).filter(selected);
  const needsLogs = measured.some((spec) => spec.id.startsWith('replay-'));
  const setup = needsLogs ? setupCases(settings, dataDir) : [];
  const started = performance.now();
  process.stderr.write(
    `walref bench (${settings.quick ? 'quick' : 'full'}): ${measured.length} cases × ${settings.rounds} rounds, ` +
      `data in ${relative(repoRoot, dataDir)} (${machine.fileSystem}), load ${loadStart.toFixed(2)}\n`,
  );

  const setupOutputs = setup.map((spec) => {
    const output = runCase(spec, settings, cli);
    process.stderr.write(`[setup] ${spec.id}: ${describeOutput(output)}\n`);
    return { spec, output };
  });
  const outputs = new Map<string, CaseOutput[]>(measured.map((spec) => [spec.id, []]));
  for (let round = 1; round <= settings.rounds; round += 1) {
    for (const spec of measured) {
      const output = runCase(spec, settings, cli);
      outputs.get(spec.id)?.push(output);
      process.stderr.write(`[round ${round}/${settings.rounds}] ${spec.id}: ${describeOutput(output)}\n`);
    }
  }
  for (const spec of setup) rmSync(String(spec.params['logDir']), { recursive: true, force: true });

  const loadEnd = loadavg()[0] ?? Number.NaN;
  const summaries = measured.map((spec) => summarize(spec, outputs.get(spec.id) ?? []));
  const report = buildReport(summaries);
  const elapsedS = (performance.now() - started) / 1000;
  const lines = [
    '',
    report.table,
    '',
    'targets (same run):',
    ...report.targets.map(
      (t) =>
        `  ${t.pass === null ? '? n/a ' : t.pass ? '✓ pass' : '✗ MISS'}  ${t.row} vs ${t.against}: ` +
        `${t.ratio === null ? 'n/a' : t.ratio.toFixed(2) + (t.unit === undefined ? '×' : ` ${t.unit}`)} (target ${t.target})`,
    ),
    '',
    `machine: ${machine.cpuModel}, ${machine.nproc} CPUs, ${machine.memoryGiB} GiB, node ${machine.node}, ` +
      `kernel ${machine.kernel}; data dir on ${machine.fileSystem}; disk ${machine.disk}`,
    `load average (1 min): ${loadStart.toFixed(2)} at start, ${loadEnd.toFixed(2)} at end; ${elapsedS.toFixed(0)} s`,
    '',
  ];
  process.stdout.write(lines.join('\n'));

  mkdirSync(resultsDir, { recursive: true });
  const resultsPath = join(resultsDir, 'latest.json');
  const document = {
    generatedAt: new Date().toISOString(),
    commit: measuredCommit(),
    settings,
    only: cli.only === null ? null : [...cli.only],
    machine,
    loadAverage1m: { start: loadStart, end: loadEnd },
    elapsedS,
    setup: setupOutputs.map(({ spec, output }) => ({ id: spec.id, output })),
    cases: summaries.map((summary) => ({ ...summary, rounds: outputs.get(summary.id) ?? [] })),
    targets: report.targets,
    table: report.table,
  };
  writeFileSync(resultsPath, JSON.stringify(document, null, 2) + '\n');
  process.stdout.write(`wrote ${relative(repoRoot, resultsPath)}${existsSync(resultsPath) ? '' : ' (failed)'}\n`);
}

main();
