// npm run test:mutation:retest -- --folder <folder> --base <commit> [--tests <glob> ...]
//
// A mutation run caps every fast-check property (WALREF_MUTATION_RUNS) and runs only the suites
// that report per-test coverage, so some of its survivors are mutants that npm test's own budgets
// would kill, and tests written after the run may kill others. This script takes the survivors of
// the last run of one folder (Stryker's event files in reports/mutation/<folder>-events/), finds
// each mutated span in the source as it is now (by the text of the mutated line at the commit the
// run started from, `--base`), applies the mutant, runs the folder's suites at their full budgets
// (the fast ones first; the model-based suite only when they all pass), restores the file, and
// prints how many are still alive, with each one's place. A mutant whose line has changed since
// the run is reported as moved, never counted as killed.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { FOLDERS } from './mutation-folders.mjs';

const root = join(import.meta.dirname, '..');
const { values } = parseArgs({ options: { folder: { type: 'string' }, base: { type: 'string' }, tests: { type: 'string', multiple: true } }, strict: true });
const folder = values.folder;
if (folder === undefined || !(folder in FOLDERS)) {
  console.error(`mutation-retest: --folder wants one of ${Object.keys(FOLDERS).join(', ')}`);
  process.exit(2);
}
if (values.base === undefined) {
  console.error('mutation-retest: --base wants the commit the mutation run started from');
  process.exit(2);
}
const events = join(root, 'reports/mutation', `${folder.replace('/', '-')}-events`);
if (!existsSync(events)) {
  console.error(`mutation-retest: no events of a run of ${folder} in ${relative(root, events)}`);
  process.exit(2);
}

const survivors = readdirSync(events)
  .filter((name) => name.endsWith('-onMutantTested.json'))
  .sort()
  .map((name) => JSON.parse(readFileSync(join(events, name), 'utf8')))
  .map((event) => event.result ?? event)
  .filter((mutant) => mutant.status === 'Survived' || mutant.status === 'NoCoverage');

/**
 * vitest takes file filters, not globs: each pattern becomes the filters that select its files
 * (braces expanded, everything from the first wildcard on cut back to its folder).
 */
function filtersOf(pattern) {
  const brace = pattern.match(/\{([^}]*)\}/);
  if (brace !== null) return brace[1].split(',').flatMap((choice) => filtersOf(pattern.replace(brace[0], choice)));
  const wild = pattern.indexOf('*');
  return [wild === -1 ? pattern : pattern.slice(0, pattern.lastIndexOf('/', wild) + 1)];
}

const patterns = values.tests ?? FOLDERS[folder].tests;
// A `!` pattern leaves its files out (scripts/mutation-folders.mjs): vitest's --exclude.
const excluded = patterns.filter((p) => p.startsWith('!')).flatMap((p) => ['--exclude', p.slice(1)]);
const all = patterns.filter((p) => !p.startsWith('!')).flatMap(filtersOf);
const slow = all.filter((t) => t.includes('model-based/sim.test'));
const fast = all.filter((t) => !slow.includes(t));

/** The text of `file` at the base commit, split in lines. */
const baseLines = new Map();
function linesAtBase(file) {
  if (!baseLines.has(file)) {
    const shown = spawnSync('git', ['show', `${values.base}:${file}`], { cwd: root, encoding: 'utf8' });
    baseLines.set(file, shown.status === 0 ? shown.stdout.split('\n') : null);
  }
  return baseLines.get(file);
}

/** A mutant's file relative to the repository (the run may have been made from another checkout). */
function fileOf(mutant) {
  const at = mutant.fileName.indexOf(`/${folder}/`);
  return at === -1 ? relative(root, mutant.fileName) : mutant.fileName.slice(at + 1);
}

/** The mutated source now, or null when the mutated lines cannot be found unchanged. */
function mutatedNow(mutant) {
  const file = fileOf(mutant);
  const then = linesAtBase(file);
  if (then === null) return null;
  const { start, end } = mutant.location;
  const span = then.slice(start.line - 1, end.line);
  const now = readFileSync(join(root, file), 'utf8').split('\n');
  const at = now.map((_, i) => i).filter((i) => span.every((line, k) => now[i + k] === line));
  if (at.length !== 1) return null;
  const first = at[0];
  const before = now.slice(first, first + span.length).join('\n');
  const startOffset = start.column - 1;
  const endOffset = before.length - (span[span.length - 1].length - (end.column - 1));
  const mutated = before.slice(0, startOffset) + mutant.replacement + before.slice(endOffset);
  return { file, text: [...now.slice(0, first), ...mutated.split('\n'), ...now.slice(first + span.length)].join('\n') };
}

/**
 * A mutant that makes a loop endless would hang the suites for ever: each run is stopped after
 * this long (coreutils `timeout` signals the whole process group, vitest's workers included) and
 * the mutant counted as detected, as Stryker counts its timeouts.
 */
const SUITE_LIMIT_SECONDS = 600;
let timedOut = 0;

/** Whether the suites pass; a run that finds no test file is an error, never a pass. */
function vitest(suites) {
  const run = spawnSync('timeout', ['-k', '10', String(SUITE_LIMIT_SECONDS), 'npx', 'vitest', 'run', '--bail', '1', ...excluded, ...suites], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  if (/No test files found/.test(`${run.stdout}${run.stderr}`)) throw new Error(`mutation-retest: no test file matches ${suites.join(' ')}`);
  if (run.status === 124 || run.status === 137) timedOut += 1;
  return run.status === 0;
}

const alive = [];
const moved = [];
let killed = 0;
for (const [i, mutant] of survivors.entries()) {
  const where = `${fileOf(mutant)}:${mutant.location.start.line}:${mutant.location.start.column} ${mutant.mutatorName} -> ${JSON.stringify(mutant.replacement).slice(0, 80)}`;
  const mutated = mutatedNow(mutant);
  if (mutated === null) {
    moved.push(where);
    continue;
  }
  const path = join(root, mutated.file);
  const original = readFileSync(path, 'utf8');
  writeFileSync(path, mutated.text);
  let survived;
  try {
    survived = vitest(fast) && (slow.length === 0 || vitest(slow));
  } finally {
    writeFileSync(path, original);
  }
  if (survived) alive.push(where);
  else killed += 1;
  process.stdout.write(`mutation-retest: ${i + 1}/${survivors.length} ${survived ? 'ALIVE ' : 'killed'} ${where}\n`);
}
console.log(`\nmutation-retest: ${folder}: ${survivors.length} survivors of the run; ${killed} killed at npm test's budgets (${timedOut} of them by hanging the suites past ${SUITE_LIMIT_SECONDS} s), ${alive.length} still alive, ${moved.length} on lines changed since ${values.base}`);
for (const where of alive) console.log(`  alive: ${where}`);
for (const where of moved) console.log(`  moved: ${where}`);
