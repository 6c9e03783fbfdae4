// npm run test:mutation [-- --folder src/core --folder model ...] [-- --concurrency N] [-- --runs N]
//
// Mutation testing with Stryker (its vitest runner and TypeScript checker) on src/core, the shell
// (src/ outside core and fs), crash-sim/, oracle/ and model/: every mutant Stryker makes in a
// folder is run against the tests that cover it (perTest coverage), and it must make one of them
// fail. For each folder this runs one Stryker process with a vitest config limited to the suites
// that check that folder (the process-spawning suites that cannot report coverage stay out), then
// writes the scores to docs/mutation-results.json and prints them.
//
// A mutant that survives is either killed by a new test or marked equivalent in the source with
// `// Stryker disable next-line <mutator>: <why it changes nothing observable>`; docs/mutation.md
// lists the scores, the time a run takes on 2 cores, and the equivalent mutants by reason.
// Not part of npm test: a full run takes hours on 2 cores.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const root = join(import.meta.dirname, '..');
const work = join(root, '.stryker-tmp');

/**
 * Each folder: what Stryker mutates, and the suites that check it. Left out of every folder's
 * suites: the process-spawning and real-disk suites (test/real-disk, test/cli, test/examples,
 * crash-test's strace and worker runs), which cannot report per-test coverage and cost seconds a
 * run; the exhaustive explorations of test/crash-recovery (example-workloads, scenarios,
 * acknowledgement-per-session: 37 s a run on a quiet machine, uncapped by WALREF_MUTATION_RUNS);
 * the planted-bug suites, whose fast-check searches (fc.check) need their full budgets.
 * docs/mutation.md says what each folder's selection leaves out and why.
 */
export const FOLDERS = {
  'src/core': {
    mutate: ['src/core/**/*.ts'],
    tests: [
      'test/src/core/**/*.test.ts',
      'test/src/wal.test.ts',
      'test/src/recorder.test.ts',
      'test/model-based/sim.test.ts',
      'test/model-based/regressions.test.ts',
      'test/crash-recovery/generated-workloads.test.ts',
    ],
  },
  model: {
    mutate: ['model/**/*.ts'],
    tests: ['test/model/**/*.test.ts', 'test/model-based/sim.test.ts', 'test/model-based/regressions.test.ts', 'test/oracle/check-trace/check-trace.test.ts'],
  },
  'crash-sim': {
    mutate: ['crash-sim/**/*.ts'],
    tests: ['test/crash-sim/**/*.test.ts', 'test/model-based/sim.test.ts', 'test/crash-recovery/generated-workloads.test.ts', 'test/oracle/explore/survivors.test.ts', 'test/oracle/explore/workload.test.ts'],
  },
  oracle: {
    // The pure parts: explore and check-trace whole, and crash-test's parsing, history, checking
    // and report modules. Left out: the modules that run strace, spawn workers or write capture
    // and scratch files (capture*, check-workers, run, scratch, crash-test, checker, index).
    mutate: [
      'oracle/explore/**/*.ts',
      'oracle/check-trace/**/*.ts',
      'oracle/crash-test/{strace-parse,syscall-history,file-calls,path-calls,process-table,call-context,describe,disk,violations,report,merge,shard,check,state-dirs,errors}.ts',
    ],
    tests: [
      'test/oracle/explore/survivors.test.ts',
      'test/oracle/explore/workload.test.ts',
      'test/oracle/check-trace/check-trace.test.ts',
      'test/oracle/crash-test/{strace-parse,syscall-history,describe,merge,shard,checker}.test.ts',
      'test/crash-recovery/generated-workloads.test.ts',
    ],
  },
  src: {
    mutate: ['src/*.ts', 'src/fs/**/*.ts'],
    tests: ['test/src/*.test.ts', 'test/concurrency/**/*.test.ts', 'test/model-based/sim.test.ts', 'test/model-based/regressions.test.ts'],
  },
};

function usage(message) {
  console.error(`test:mutation: ${message}\nusage: npm run test:mutation [-- --folder <${Object.keys(FOLDERS).join('|')}> ...] [-- --concurrency N] [-- --runs N]`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({ options: { folder: { type: 'string', multiple: true }, concurrency: { type: 'string' }, runs: { type: 'string' } }, strict: true }));
} catch (error) {
  usage(error instanceof Error ? error.message : String(error));
}
const folders = values.folder ?? Object.keys(FOLDERS);
for (const folder of folders) if (!(folder in FOLDERS)) usage(`unknown folder ${JSON.stringify(folder)}`);
const concurrency = Number(values.concurrency ?? '2');
if (!Number.isInteger(concurrency) || concurrency < 1) usage('--concurrency wants a positive integer');
// The most runs a fast-check property makes in a mutation run (test/setup/fast-check-capped.ts).
const runs = Number(values.runs ?? '10');
if (!Number.isInteger(runs) || runs < 1) usage('--runs wants a positive integer');
const load = () => loadavg().map((l) => Math.round(l * 10) / 10);

/** Stryker's mutation score: detected (killed or timed out) over every valid mutant, survivors and uncovered included. */
function score(report) {
  const counts = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, ignored: 0, compileError: 0, runtimeError: 0 };
  for (const file of Object.values(report.files)) {
    for (const mutant of file.mutants) {
      const key = { Killed: 'killed', Timeout: 'timeout', Survived: 'survived', NoCoverage: 'noCoverage', Ignored: 'ignored', CompileError: 'compileError', RuntimeError: 'runtimeError' }[mutant.status];
      if (key !== undefined) counts[key] += 1;
    }
  }
  const detected = counts.killed + counts.timeout;
  const valid = detected + counts.survived + counts.noCoverage;
  return { ...counts, scorePercent: valid === 0 ? null : Math.round((1000 * detected) / valid) / 10 };
}

mkdirSync(work, { recursive: true });
const resultsPath = join(root, 'docs', 'mutation-results.json');
let results = {};
try {
  results = JSON.parse(readFileSync(resultsPath, 'utf8'));
} catch {
  results = {};
}
for (const folder of folders) {
  const spec = FOLDERS[folder];
  const slug = folder.replace(/\//g, '-');
  const reportPath = join(root, 'reports', 'mutation', `${slug}.json`);
  const config = {
    testRunner: 'vitest',
    plugins: ['@stryker-mutator/vitest-runner', '@stryker-mutator/typescript-checker'],
    checkers: ['typescript'],
    tsconfigFile: 'tsconfig.json',
    mutate: spec.mutate,
    coverageAnalysis: 'perTest',
    vitest: { configFile: 'test/setup/vitest-mutation.config.ts', related: false },
    reporters: ['json', 'clear-text', 'progress-append-only'],
    jsonReporter: { fileName: reportPath },
    concurrency,
    tempDirName: '.stryker-tmp',
    cleanTempDir: 'always',
    // Static mutants (module-level constants) would rerun every test of the folder each: left out,
    // and counted as ignored.
    ignoreStatic: true,
    timeoutMS: 10000,
    dryRunTimeoutMinutes: 30,
    thresholds: { high: 90, low: 80, break: null },
  };
  const configPath = join(work, `stryker.${slug}.json`);
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const started = Date.now();
  const loadBefore = load();
  console.log(`test:mutation: ${folder} (${spec.mutate.join(', ')}) against ${spec.tests.join(', ')}, at most ${runs} runs a property`);
  // The tests' temporary files go under .stryker-tmp, removed at the end, whatever a mutant leaves.
  const tmp = join(work, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const env = { ...process.env, WALREF_MUTATION_RUNS: String(runs), WALREF_MUTATION_TESTS: JSON.stringify(spec.tests), TMPDIR: tmp };
  // Niced: the machine is shared, and a mutation run is the least urgent thing on it.
  const run = spawnSync('nice', ['-n', '10', 'npx', 'stryker', 'run', configPath], { cwd: root, stdio: 'inherit', env });
  if (run.status !== 0) {
    console.error(`test:mutation: Stryker failed on ${folder} (exit ${run.status})`);
    process.exit(1);
  }
  const minutes = Math.round((Date.now() - started) / 6000) / 10;
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  results[folder] = { ...score(report), minutes, concurrency, propertyRuns: runs, loadBefore, loadAfter: load(), date: new Date().toISOString().slice(0, 10) };
  writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`test:mutation: ${folder}: ${JSON.stringify(results[folder])}`);
}
rmSync(work, { recursive: true, force: true });
