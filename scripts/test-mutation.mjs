// npm run test:mutation [-- --folder src/core --folder model ...] [-- --concurrency N] [-- --runs N]
//                       [-- --folder F --files <glob> ... [--tests <glob> ...]] [-- --minutes N]
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

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { FOLDERS } from './mutation-folders.mjs';

const root = join(import.meta.dirname, '..');
const work = join(root, '.stryker-tmp');

function usage(message) {
  console.error(`test:mutation: ${message}\nusage: npm run test:mutation [-- --folder <${Object.keys(FOLDERS).join('|')}> ...] [-- --concurrency N] [-- --runs N] [-- --minutes N] [-- --files <glob> ... [--tests <glob> ...]]`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({ options: { folder: { type: 'string', multiple: true }, concurrency: { type: 'string' }, runs: { type: 'string' }, minutes: { type: 'string' }, files: { type: 'string', multiple: true }, tests: { type: 'string', multiple: true } }, strict: true }));
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
// --files <glob> ...: mutate only these files of the one folder named (a run in parts); the
// results file keeps every file's last counts, so the parts add up to the folder's score.
if (values.files !== undefined && folders.length !== 1) usage('--files wants exactly one --folder');
// --tests <glob> ...: with --files, run the mutants against these suites instead of the folder's
// (a part whose own suites are quick, e.g. crash-test's parser without the explore suites, whose
// dry run and coverage dominate a run). A mutant only those other suites would kill then counts
// as survived, so a narrowed part's score is a lower bound; the run records the suites it used.
if (values.tests !== undefined && values.files === undefined) usage('--tests wants --files');
// --minutes N: stop Stryker after N minutes and count the mutants it has tested so far (from its
// event-recorder files); the results then say partial, with the number of mutants planned.
const limitMinutes = values.minutes === undefined ? null : Number(values.minutes);
if (limitMinutes !== null && !(limitMinutes > 0)) usage('--minutes wants a positive number');
const load = () => loadavg().map((l) => Math.round(l * 10) / 10);

const STATUS = { Killed: 'killed', Timeout: 'timeout', Survived: 'survived', NoCoverage: 'noCoverage', Ignored: 'ignored', CompileError: 'compileError', RuntimeError: 'runtimeError' };

/** The counts of each mutant status, file by file, in a Stryker JSON report. */
function fileCounts(report) {
  const files = {};
  for (const [path, file] of Object.entries(report.files)) {
    const counts = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, ignored: 0, compileError: 0, runtimeError: 0 };
    for (const mutant of file.mutants) if (STATUS[mutant.status] !== undefined) counts[STATUS[mutant.status]] += 1;
    files[path] = counts;
  }
  return files;
}

/**
 * The same counts from the event-recorder files of a run (complete or stopped), the number of
 * mutants it planned, and the files whose every planned mutant it tested.
 */
function eventCounts(dir) {
  const report = { files: {} };
  let planned = null;
  const plannedByFile = {};
  for (const name of existsSync(dir) ? readdirSync(dir).sort() : []) {
    if (name.endsWith('-onMutationTestingPlanReady.json')) {
      const plans = JSON.parse(readFileSync(join(dir, name), 'utf8')).mutantPlans;
      planned = plans.length;
      for (const { mutant } of plans) {
        const path = relative(root, mutant.fileName);
        plannedByFile[path] = (plannedByFile[path] ?? 0) + 1;
      }
    }
    if (!name.endsWith('-onMutantTested.json')) continue;
    const mutant = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    (report.files[relative(root, mutant.fileName)] ??= { mutants: [] }).mutants.push(mutant);
  }
  const finished = new Set(Object.entries(report.files).filter(([path, file]) => file.mutants.length >= (plannedByFile[path] ?? 0)).map(([path]) => path));
  return { files: fileCounts(report), planned, finished };
}

/** Runs Stryker, niced, in a process group of its own, stopped after `limit` minutes (null: never); resolves to its exit code, or 'stopped'. */
function runStryker(configPath, env, limit) {
  // Niced: the machine is shared, and a mutation run is the least urgent thing on it.
  const child = spawn('nice', ['-n', '10', 'npx', 'stryker', 'run', configPath], { cwd: root, stdio: 'inherit', env, detached: true });
  let stopped = false;
  const timer = limit === null ? null : setTimeout(() => {
    stopped = true;
    process.kill(-child.pid, 'SIGTERM');
  }, limit * 60_000);
  return new Promise((resolve) => child.on('exit', (code) => {
    if (timer !== null) clearTimeout(timer);
    resolve(stopped ? 'stopped' : code);
  }));
}

/** Stryker's mutation score over some files: detected (killed or timed out) over every valid mutant, survivors and uncovered included. */
function score(files) {
  const total = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, ignored: 0, compileError: 0, runtimeError: 0 };
  for (const counts of Object.values(files)) for (const key of Object.keys(total)) total[key] += counts[key];
  const detected = total.killed + total.timeout;
  const valid = detected + total.survived + total.noCoverage;
  return { mutants: valid, ...total, scorePercent: valid === 0 ? null : Math.round((1000 * detected) / valid) / 10 };
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
  const spec = { ...FOLDERS[folder], ...(values.tests === undefined ? {} : { tests: values.tests }) };
  const slug = folder.replace(/\//g, '-');
  const name = `${slug}${values.files === undefined ? '' : `-part-${Date.now()}`}`;
  const reportPath = join(root, 'reports', 'mutation', `${name}.json`);
  const eventsDir = join(root, 'reports', 'mutation', `${name}-events`);
  const config = {
    testRunner: 'vitest',
    plugins: ['@stryker-mutator/vitest-runner', '@stryker-mutator/typescript-checker'],
    checkers: ['typescript'],
    // The checker type-checks the mutated folder and what it imports, not the whole project (375
    // files): a tenth of the work a mutant.
    tsconfigFile: `test/setup/mutation-tsconfig/${slug}.json`,
    mutate: values.files ?? spec.mutate,
    coverageAnalysis: 'perTest',
    vitest: { configFile: 'test/setup/vitest-mutation.config.ts', related: false },
    reporters: ['json', 'clear-text', 'progress-append-only', 'event-recorder'],
    jsonReporter: { fileName: reportPath },
    eventReporter: { baseDir: eventsDir },
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
  console.log(`test:mutation: ${folder} (${(values.files ?? spec.mutate).join(', ')}) against ${spec.tests.join(', ')}, at most ${runs} runs a property`);
  // The tests' temporary files go under .stryker-tmp, removed at the end, whatever a mutant leaves.
  const tmp = join(work, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const env = { ...process.env, WALREF_MUTATION_RUNS: String(runs), WALREF_MUTATION_TESTS: JSON.stringify(spec.tests), TMPDIR: tmp };
  const status = await runStryker(configPath, env, limitMinutes);
  if (status !== 0 && status !== 'stopped') {
    console.error(`test:mutation: Stryker failed on ${folder} (exit ${status})`);
    process.exit(1);
  }
  const tested = eventCounts(eventsDir);
  const minutes = Math.round((Date.now() - started) / 6000) / 10;
  const before = results[folder] ?? { files: {}, runs: [] };
  // A stopped run replaces a file's earlier counts only where it tested all of that file's mutants
  // (a file it only began, say its compile errors, keeps what an earlier run scored).
  const kept = Object.fromEntries(Object.entries(tested.files).filter(([path]) => tested.finished.has(path) || before.files[path] === undefined));
  const files = { ...(values.files === undefined ? {} : before.files), ...kept };
  const partial = status === 'stopped' ? { partial: true, mutantsPlanned: tested.planned } : {};
  const thisRun = { mutate: values.files ?? spec.mutate, ...(values.tests === undefined ? {} : { tests: values.tests }), ...score(tested.files), ...partial, minutes, concurrency, propertyRuns: runs, loadBefore, loadAfter: load(), date: new Date().toISOString().slice(0, 16) };
  const runsSoFar = values.files === undefined ? [thisRun] : [...before.runs, thisRun];
  results[folder] = { ...score(files), minutes: Math.round(runsSoFar.reduce((sum, r) => sum + r.minutes, 0) * 10) / 10, runs: runsSoFar, files };
  writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
  const { files: _files, runs: _runs, ...summary } = results[folder];
  console.log(`test:mutation: ${folder}: this run ${JSON.stringify(thisRun)}; the folder so far ${JSON.stringify(summary)}`);
}
rmSync(work, { recursive: true, force: true });
