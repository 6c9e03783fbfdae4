// Every invariant the TLA+ spec states has the same name in model/ (an exported function or
// constant), in spec/README.md's mapping table, and in the title of at least one test: a new
// invariant in spec/ without its model function, its row or its test fails here.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith(suffix))
    .map((name) => join(root, dir, name));
}

const specInvariants = [
  ...new Set(filesUnder('spec', '.tla').flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/^([A-Z][A-Za-z]*Inv) ==/gm)].map((m) => m[1]!))),
].sort();

const modelSource = filesUnder('model', '.ts')
  .map((file) => readFileSync(file, 'utf8'))
  .join('\n');
const specReadme = readFileSync(join(root, 'spec', 'README.md'), 'utf8');
/** The titles of every test and describe block under test/. */
const testTitles = filesUnder('test', '.ts').flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(/\b(?:it|describe|test)(?:\.\w+)?\(\s*(['"`])((?:\\.|(?!\1).)*)\1/g)].map((m) => m[2]!),
);

describe('invariant names: spec/, model/, spec/README.md and test titles agree', () => {
  it('the spec states invariants to check (the parse found them)', () => {
    expect(specInvariants).toEqual(expect.arrayContaining(['DurabilityInv', 'NoResurrectionInv', 'OneEpochInv', 'StaleNeverReplayedInv']));
  });

  for (const name of specInvariants) {
    it(`${name}: exported by model/ under the same name, mapped in spec/README.md, and named in a test title`, () => {
      expect(new RegExp(`export (?:function|const) ${name}\\b`).test(modelSource), `model/ exports no ${name}`).toBe(true);
      expect(new RegExp(`^\\| \`${name}\` \\|`, 'm').test(specReadme), `spec/README.md has no row for ${name}`).toBe(true);
      expect(
        testTitles.some((title) => new RegExp(`\\b${name}\\b`).test(title)),
        `no test title names ${name}`,
      ).toBe(true);
    });
  }
});
