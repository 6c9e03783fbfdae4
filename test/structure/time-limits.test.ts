// Every time-limited property goes through assertTimeLimited (test/model-based/run-config.ts),
// which fails when fewer than a stated minimum of runs were made and prints how many were: a
// fast-check call that sets interruptAfterTimeLimit itself could pass after a single run.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './source-files.js';

const HELPER = join('test', 'model-based', 'run-config.ts');

/** Whether `text` sets a time limit on a property without the helper. */
export function setsItsOwnTimeLimit(text: string): boolean {
  return /interruptAfterTimeLimit\s*:/.test(text);
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return tsFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

describe('time-limited properties', () => {
  it('only assertTimeLimited sets interruptAfterTimeLimit, so every time-limited property asserts its minimum number of runs', () => {
    const offenders = tsFiles(join(root, 'test'))
      .map((file) => relative(root, file))
      .filter((file) => file !== HELPER && !file.endsWith('time-limits.test.ts'))
      .filter((file) => setsItsOwnTimeLimit(readFileSync(join(root, file), 'utf8')));
    expect(offenders).toEqual([]);
    expect(setsItsOwnTimeLimit(readFileSync(join(root, HELPER), 'utf8'))).toBe(true);
  });

  it('the check sees a planted time limit', () => {
    expect(setsItsOwnTimeLimit('fc.assert(p, { numRuns: 5, interruptAfterTimeLimit: 1000 })')).toBe(true);
    expect(setsItsOwnTimeLimit('assertTimeLimited("x", p, { numRuns: 5, minRuns: 2 })')).toBe(false);
  });
});
