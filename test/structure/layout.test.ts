// test/ mirrors the source tree. A unit test of `<folder>/<name>.ts` is
// `test/<folder>/<name>.test.ts`, or `test/<folder>/<name>.<aspect>.test.ts` when one module has
// several (replay.stream.test.ts), and it imports that module, directly or through its folder's
// index.ts that re-exports it: a test named after a file tests that file. A crash-test target
// `examples/crash-test/<name>/` is tested by `test/examples/crash-test/<name>.test.ts`, which runs it.
// Every other test lives in a suite folder named for what it checks, listed below.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSpecifiers, root } from './source-files.js';

/** The suites that check across modules, by folder: what each one checks. */
export const SUITES: Readonly<Record<string, string>> = {
  'model-based': 'the implementation against model/, command by command (fast-check)',
  concurrency: 'interleavings of overlapping calls under fast-check\'s scheduler',
  'crash-recovery': "the recovery guarantee over every crash state of workloads, with walref explore's oracle",
  'real-disk': 'kill -9 of a child process on the real file system',
  spec: 'spec/: the TLC scripts and the trace verdicts shared with walref check-trace',
  structure: 'the import rules, this layout, the size limits, and the empty temporary directory at the end of a run',
};

/** Folders of test/ that mirror a source folder of the same path. */
const MIRRORS: readonly string[] = ['src', 'crash-sim', 'oracle', 'model', 'cli', 'bench', 'examples'];

export interface Placement {
  readonly test: string;
  readonly problem: string;
}

/** The problems of one test file (path relative to test/), given its text and what exists in the tree. */
export function checkPlacement(testRel: string, text: string, exists: (repoRel: string) => boolean, read: (repoRel: string) => string | null): Placement[] {
  const parts = testRel.split('/');
  const top = parts[0] ?? '';
  const problem = (p: string): Placement[] => [{ test: testRel, problem: p }];
  if (parts.length === 1) return problem('a test at the top of test/ belongs in a mirror folder or a named suite');
  if (top in SUITES) return [];
  if (!MIRRORS.includes(top)) return problem(`test/${top}/ is neither a mirror of a source folder (${MIRRORS.join(', ')}) nor a named suite (${Object.keys(SUITES).join(', ')})`);
  const folder = parts.slice(0, -1).join('/');
  const base = (parts.at(-1) ?? '').split('.')[0] ?? '';
  if (top === 'examples') {
    if (!exists(`${folder}/${base}`)) return problem(`there is no ${folder}/${base}/ for it to test`);
    return text.includes(`example('${base}'`) ? [] : problem(`it never runs ${folder}/${base}/ (example('${base}', ...))`);
  }
  const source = [`${folder}/${base}.ts`, `${folder}/${base}.mjs`].find(exists);
  if (source === undefined) return problem(`there is no ${folder}/${base}.ts for it to test`);
  const module = source.replace(/\.ts$/, '.js');
  const imported = importSpecifiers(text)
    .filter((s) => s.startsWith('.'))
    .map((s) => relative(root, resolve(root, 'test', dirname(testRel), s)));
  if (imported.includes(module)) return [];
  const index = `${folder}/index.js`;
  const indexText = imported.includes(index) ? read(`${folder}/index.ts`) : null;
  if (indexText !== null && importSpecifiers(indexText).includes(`./${base}.js`)) return [];
  return problem(`it is named after ${source} but does not import it`);
}

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return testFiles(full);
    return name.endsWith('.test.ts') ? [full] : [];
  });
}

const exists = (repoRel: string): boolean => existsSync(join(root, repoRel));
const read = (repoRel: string): string | null => (exists(repoRel) ? readFileSync(join(root, repoRel), 'utf8') : null);

describe('test/ mirrors the source tree', () => {
  it('every unit test sits at the mirrored path of the module it is named after, and imports it; every other test is in a named suite', () => {
    const tests = testFiles(join(root, 'test'));
    expect(tests.length).toBeGreaterThan(50);
    const problems = tests.flatMap((file) => checkPlacement(relative(join(root, 'test'), file), readFileSync(file, 'utf8'), exists, read));
    expect(problems).toEqual([]);
  });

  it('every suite folder of test/ exists and is named in SUITES', () => {
    const folders = readdirSync(join(root, 'test')).filter((name) => statSync(join(root, 'test', name)).isDirectory());
    for (const suite of Object.keys(SUITES)) expect(folders).toContain(suite);
    const helpersOnly = ['setup'];
    expect(folders.filter((f) => !MIRRORS.includes(f) && !(f in SUITES) && !helpersOnly.includes(f))).toEqual([]);
  });

  it('the check reports a planted misplacement of each kind', () => {
    const none = (): null => null;
    const all = (): boolean => true;
    expect(checkPlacement('codec.test.ts', '', all, none)).toHaveLength(1);
    expect(checkPlacement('core/codec.test.ts', '', all, none)).toHaveLength(1);
    expect(checkPlacement('src/core/no-such-module.test.ts', '', (p) => !p.includes('no-such-module'), none)).toHaveLength(1);
    expect(checkPlacement('src/core/codec.test.ts', "import { crc32c } from '../../../src/core/crc32c.js';", all, none)).toHaveLength(1);
    expect(checkPlacement('examples/crash-test/leveldb.test.ts', "example('redis', 'check.mjs')", all, none)).toHaveLength(1);
  });

  it('the check accepts a test that imports its module directly, through the folder index, or runs its example', () => {
    const all = (): boolean => true;
    expect(checkPlacement('src/core/codec.test.ts', "import { decodeFrame } from '../../../src/core/codec.js';", all, () => null)).toEqual([]);
    expect(checkPlacement('src/core/replay.stream.test.ts', "import { replay } from '../../../src/core/replay.js';", all, () => null)).toEqual([]);
    expect(checkPlacement('src/wal.test.ts', "import { openWal } from '../../src/index.js';", all, () => "export { Wal } from './wal.js';")).toEqual([]);
    expect(checkPlacement('examples/crash-test/redis.test.ts', "example('redis', 'check.mjs')", all, () => null)).toEqual([]);
    expect(checkPlacement('model-based/sim.test.ts', '', () => false, () => null)).toEqual([]);
  });
});
