// docs/oracle.md's table "crash-test's planted targets": every class of bug crash-test claims to
// find has a planted program and a test that shows it found. Both sides are listed here: the
// claims the page makes elsewhere (its `[planted: <claim>](#crash-tests-planted-targets)` links)
// and the flags of `walref crash-test` that change what a crash may do (every flag of the usage
// text that is not plumbing), against the table's rows, whose programs and tests must exist.
// The library crashTest() takes the same flags as options (`knobs`, `failFsync`).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CRASH_TEST_USAGE } from '../../../cli/crash-test-args.js';
import { crashTest } from '../../../oracle/crash-test/crash-test.js';

const root = join(import.meta.dirname, '..', '..', '..');
const doc = readFileSync(join(root, 'docs', 'oracle.md'), 'utf8');
const HEADING = "## crash-test's planted targets";

/** Flags that say where the program runs and from what, what is printed, how many states are checked: they claim to find nothing. */
const PLUMBING = ['--dir', '--workload', '--init', '--from-capture', '--save-capture', '--check', '--max-states', '--seed', '--timeout-ms', '--jobs', '--shard', '--quiet', '--json', '--html'];

interface Row {
  readonly claim: string;
  readonly flags: readonly string[];
  readonly program: string;
  readonly tests: readonly { readonly file: string; readonly title: string }[];
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading.replace(/^#+\s*/, '').toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');
}

const ANCHOR = `#${slug(HEADING)}`;

function section(): string {
  const start = doc.indexOf(HEADING);
  expect(start, `docs/oracle.md has a section "${HEADING}"`).toBeGreaterThan(-1);
  const end = doc.indexOf('\n## ', start + HEADING.length);
  return doc.slice(start, end === -1 ? doc.length : end);
}

/** `path` › title; title; `other path` › title: a test without a path is in the file before it. */
function testsOf(cell: string): Row['tests'] {
  let file = '';
  return cell.split('; ').map((entry) => {
    const m = /^`([^`]+)` › (.*)$/.exec(entry.trim());
    if (m !== null) file = m[1] ?? '';
    return { file, title: (m === null ? entry : (m[2] ?? '')).trim() };
  });
}

function rows(): Row[] {
  const lines = section().split('\n').filter((line) => line.startsWith('| '));
  expect(lines[0]).toBe('| claim | flag | planted program (`examples/crash-test/…`) | test that shows it found |');
  return lines.slice(2).map((line) => {
    const cells = line.slice(2, -2).split(' | ');
    expect(cells, line).toHaveLength(4);
    const [claim = '', flag = '', program = '', tests = ''] = cells;
    return { claim, flags: flag === '—' ? [] : [...flag.matchAll(/`(--[a-z-]+)`/g)].map((m) => m[1] ?? ''), program, tests: testsOf(tests) };
  });
}

/** The claims the rest of the page makes: `[planted: <claim>](#anchor)`, line breaks inside read as spaces. */
function claimsElsewhere(): string[] {
  const rest = doc.replace(section(), '');
  return [...rest.matchAll(/\[planted: ([^\]]+)\]\(([^)]*)\)/g)].map((m) => {
    expect(m[2], `the link of "${m[1] ?? ''}"`).toBe(ANCHOR);
    return (m[1] ?? '').replace(/\s+/g, ' ');
  });
}

/** The flags of `walref crash-test`, a pair like `[--ordered | --unordered]` as one group. */
function flagGroups(): string[][] {
  const groups = [...CRASH_TEST_USAGE.matchAll(/\[(--[a-z-]+)(?: [^|\]]*)?\s*\|\s*(--[a-z-]+)[^\]]*\]/g)].map((m) => [m[1] ?? '', m[2] ?? '']);
  const paired = new Set(groups.flat());
  const singles = [...new Set([...CRASH_TEST_USAGE.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]))].filter((flag) => !paired.has(flag));
  return [...groups, ...singles.map((flag) => [flag])];
}

describe("docs/oracle.md: crash-test's planted targets", () => {
  it('lists claims, each once', () => {
    const claims = rows().map((r) => r.claim);
    expect(claims.length).toBeGreaterThanOrEqual(20);
    expect(new Set(claims).size).toBe(claims.length);
  });

  it('every claim the page makes elsewhere is a row, and every row is claimed somewhere on the page', () => {
    const claims = new Set(rows().map((r) => r.claim));
    const elsewhere = claimsElsewhere();
    expect(elsewhere.filter((claim) => !claims.has(claim))).toEqual([]);
    expect([...claims].filter((claim) => !elsewhere.includes(claim))).toEqual([]);
  });

  it('every flag of walref crash-test is plumbing or the flag of a claim', () => {
    const claimed = new Set(rows().flatMap((r) => r.flags));
    const groups = flagGroups();
    expect(groups.flat()).toEqual(expect.arrayContaining(['--fail-fsync', '--unordered', '--mkdir-sync', '--sector-bytes']));
    const unclaimed = groups.filter((group) => !group.some((flag) => PLUMBING.includes(flag) || claimed.has(flag)));
    expect(unclaimed).toEqual([]);
    // And a claim's flag is a flag there is.
    expect([...claimed].filter((flag) => !groups.flat().includes(flag))).toEqual([]);
  });

  it('the library takes the flags of the claims as options, checked before anything runs', async () => {
    const base = { dir: '/nonexistent/walref-planted', workload: 'true', check: 'true' };
    await expect(crashTest({ ...base, failFsync: 0 })).rejects.toThrow('crashTest: option "failFsync" must be positive');
    await expect(crashTest({ ...base, knobs: { sectorBytes: 0 } })).rejects.toThrow('crashTest: option "knobs.sectorBytes" must be positive');
    await expect(crashTest({ dir: base.dir, fromCapture: 'run.capture', check: 'true', failFsync: 2 })).rejects.toThrow(/option "failFsync" needs option "workload"/);
  });

  it("every planted program's file exists", () => {
    for (const row of rows()) {
      if (row.program.startsWith('—')) continue;
      const file = /^`([^` ]+)/.exec(row.program)?.[1] ?? '';
      expect(existsSync(join(root, 'examples', 'crash-test', file)), `${row.claim}: examples/crash-test/${file}`).toBe(true);
    }
  });

  it("every test's file holds a test with that title", () => {
    for (const row of rows()) {
      expect(row.tests.length, row.claim).toBeGreaterThan(0);
      for (const test of row.tests) {
        expect(existsSync(join(root, test.file)), `${row.claim}: ${test.file}`).toBe(true);
        const source = readFileSync(join(root, test.file), 'utf8');
        const quoted = [`'${test.title.replaceAll("'", "\\'")}'`, `"${test.title}"`, `\`${test.title}\``];
        expect(quoted.some((q) => source.includes(`it(${q}`)), `${row.claim}: ${test.file} › ${test.title}`).toBe(true);
      }
    }
  });

  it("keeps check-trace's planted traces the page's last section (its test reads to the end of the file)", () => {
    expect(doc.indexOf("## check-trace's planted traces")).toBeGreaterThan(doc.indexOf(HEADING));
    expect(doc.slice(doc.indexOf("## check-trace's planted traces") + 3)).not.toMatch(/\n## /);
  });
});
