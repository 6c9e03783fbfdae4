// The import-direction rules of DESIGN.md, read from the import lines of every source file:
//   src/core   imports only src/core (no node:*, no packages): the pure core;
//   src/fs     imports src/core, src/fs and node:* — the only place that touches the disk;
//   src/       (the shell, the CLI) imports src/, crash-sim/ (the CLI only) and packages, never node:fs;
//   crash-sim  imports src/fs/port.ts, src/core and packages, never node:*;
//   model      imports only model/ (an oracle that shares code with what it checks checks nothing);
//   oracle     (crash-test, check-trace: checking programs walref did not write) imports crash-sim,
//              model, node:* and packages, never src/ (it checks other code, so it shares none);
//   src/cli    may import oracle/ as well as crash-sim/;
//   test, bench import anything.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

export interface ImportViolation {
  readonly file: string;
  readonly specifier: string;
  readonly rule: string;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** Every module specifier in static imports, re-exports, side-effect imports and dynamic imports. */
export function importSpecifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [/\bfrom\s+['"]([^'"]+)['"]/g, /\bimport\s+['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) if (m[1] !== undefined) found.push(m[1]);
  return found;
}

const area = (rel: string): string => {
  if (rel.startsWith(`src${sep}core${sep}`)) return 'src/core';
  if (rel.startsWith(`src${sep}fs${sep}`)) return 'src/fs';
  if (rel.startsWith(`src${sep}cli${sep}`)) return 'src/cli';
  if (rel.startsWith(`src${sep}`)) return 'src';
  if (rel.startsWith(`crash-sim${sep}`)) return 'crash-sim';
  if (rel.startsWith(`model${sep}`)) return 'model';
  if (rel.startsWith(`oracle${sep}`)) return 'oracle';
  return 'other';
};

/** The violations of one file (path relative to the repository root) with the given imports. */
export function checkImports(relFile: string, specifiers: readonly string[]): ImportViolation[] {
  const from = area(relFile);
  const violations: ImportViolation[] = [];
  for (const specifier of specifiers) {
    const relative_ = specifier.startsWith('.');
    const target = relative_ ? area(relative(root, resolve(root, dirname(relFile), specifier))) : null;
    const targetRel = relative_ ? relative(root, resolve(root, dirname(relFile), specifier)) : null;
    const isNode = specifier.startsWith('node:');
    const isNodeFs = /^node:fs(\/|$)/.test(specifier);
    const fail = (rule: string) => violations.push({ file: relFile, specifier, rule });
    switch (from) {
      case 'src/core':
        if (!relative_ || target !== 'src/core') fail('src/core imports only src/core');
        break;
      case 'src/fs':
        if (relative_ && target !== 'src/core' && target !== 'src/fs') fail('src/fs imports only src/core, src/fs and node:*');
        break;
      case 'src':
      case 'src/cli':
        if (isNodeFs) fail('only src/fs imports node:fs');
        if (relative_ && (target === 'crash-sim' || target === 'oracle') && from !== 'src/cli') fail('only the CLI may import crash-sim and oracle');
        if (relative_ && (target === 'model' || target === 'other')) fail('src imports only src (and the CLI crash-sim and oracle)');
        break;
      case 'crash-sim':
        if (isNode) fail('crash-sim is in memory: no node:*');
        if (relative_ && target !== 'crash-sim' && target !== 'src/core' && targetRel !== join('src', 'fs', 'port.js'))
          fail('crash-sim imports only src/fs/port.ts and src/core');
        break;
      case 'model':
        if (!relative_ || target !== 'model') fail('model imports nothing outside model/');
        break;
      case 'oracle':
        if (relative_ && target !== 'oracle' && target !== 'crash-sim' && target !== 'model') fail('oracle imports only oracle, crash-sim, model, node:* and packages');
        break;
      default:
        break;
    }
  }
  return violations;
}

describe('import directions', () => {
  it('every import line in src/, crash-sim/, model/ and oracle/ follows the rules of DESIGN.md', () => {
    const files = ['src', 'crash-sim', 'model', 'oracle'].flatMap((d) => {
      try {
        return sourceFiles(join(root, d));
      } catch {
        return [];
      }
    });
    expect(files.length).toBeGreaterThan(10);
    const violations = files.flatMap((file) => checkImports(relative(root, file), importSpecifiers(readFileSync(file, 'utf8'))));
    expect(violations).toEqual([]);
  });

  it('the checker reports a planted violation in each area', () => {
    expect(checkImports('src/core/x.ts', ['node:fs'])).toHaveLength(1);
    expect(checkImports('src/core/x.ts', ['zod'])).toHaveLength(1);
    expect(checkImports('src/core/x.ts', ['../wal.js'])).toHaveLength(1);
    expect(checkImports('src/wal.ts', ['node:fs'])).toHaveLength(1);
    expect(checkImports('src/wal.ts', ['../crash-sim/sim-fs.js'])).toHaveLength(1);
    expect(checkImports('crash-sim/x.ts', ['../src/wal.js'])).toHaveLength(1);
    expect(checkImports('crash-sim/x.ts', ['node:path'])).toHaveLength(1);
    expect(checkImports('model/x.ts', ['../src/core/replay.js'])).toHaveLength(1);
    expect(checkImports('src/fs/node-fs.ts', ['../wal.js'])).toHaveLength(1);
    expect(checkImports('oracle/crash-test/x.ts', ['../../src/wal.js'])).toHaveLength(1);
    expect(checkImports('src/wal.ts', ['../oracle/crash-test/run.js'])).toHaveLength(1);
  });

  it('the checker accepts the allowed directions', () => {
    expect(checkImports('src/core/writer.ts', ['./codec.js'])).toEqual([]);
    expect(checkImports('src/fs/node-fs.ts', ['node:fs', '../core/format.js'])).toEqual([]);
    expect(checkImports('src/cli/explore.ts', ['../../crash-sim/index.js', 'zod'])).toEqual([]);
    expect(checkImports('crash-sim/sim-fs.ts', ['../src/fs/port.js', '../src/core/codec.js', 'zod'])).toEqual([]);
    expect(checkImports('oracle/crash-test/run.ts', ['node:fs', '../../crash-sim/crash-points.js', '../../model/index.js'])).toEqual([]);
    expect(checkImports('src/cli/crash-test.ts', ['../../oracle/crash-test/run.js'])).toEqual([]);
  });

  it('reads static, side-effect and dynamic imports', () => {
    expect(importSpecifiers(`import { a } from './a.js';\nimport './b.js';\nconst c = await import('./c.js');\nexport * from "./d.js";`)).toEqual([
      './a.js',
      './d.js',
      './b.js',
      './c.js',
    ]);
  });
});
