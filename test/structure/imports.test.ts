// The import-direction rules of DESIGN.md, read from the import lines of every source file. There
// are no exceptions:
//   src/core   imports only src/core (no node:*, no packages): the pure core;
//   src/fs     imports src/core, src/fs and node:* — the only place that touches the disk;
//   src/       (the shell) imports only src/ and packages, never node:fs;
//   crash-sim  (the persistence model alone) imports crash-sim/, packages, and from src only the
//              FileSystem port (src/fs/port.ts) and the format's constants (src/core/format.ts);
//              never node:*, oracle/, model/ or cli/;
//   oracle     (the three checkers over that model: explore, crash-test, check-trace) imports
//              oracle/, crash-sim/, model/, node:* and packages, and from src only the port and the
//              format's constants: never src/core's codec or replay, never the shell (explore is
//              handed `openWal`, typed structurally in oracle/explore/wal-api.ts), never cli/. An
//              oracle that decodes with the code it checks is not independent;
//   cli        imports src/, crash-sim/, oracle/, cli/, packages and node:* except node:fs; never model/;
//   model      imports only model/ (an oracle that shares code with what it checks checks nothing);
//   test, bench import anything.
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSpecifiers, root, SOURCE_FOLDERS, sourceFiles } from './source-files.js';

export interface ImportViolation {
  readonly file: string;
  readonly specifier: string;
  readonly rule: string;
}

const area = (rel: string): string => {
  if (rel.startsWith(`src${sep}core${sep}`)) return 'src/core';
  if (rel.startsWith(`src${sep}fs${sep}`)) return 'src/fs';
  if (rel.startsWith(`src${sep}`)) return 'src';
  if (rel.startsWith(`crash-sim${sep}`)) return 'crash-sim';
  if (rel.startsWith(`model${sep}`)) return 'model';
  if (rel.startsWith(`cli${sep}`)) return 'cli';
  if (rel.startsWith(`oracle${sep}`)) return 'oracle';
  return 'other';
};

/** The only files of src/ that crash-sim and oracle/ may import: the port's types and the format's constants. */
const SRC_FILES_CHECKERS_MAY_IMPORT: readonly string[] = [join('src', 'fs', 'port.js'), join('src', 'core', 'format.js')];
const isSrc = (area_: string | null): boolean => area_ === 'src' || area_ === 'src/core' || area_ === 'src/fs';

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
        if (isNodeFs) fail('only src/fs imports node:fs');
        if (relative_ && target !== 'src' && target !== 'src/core' && target !== 'src/fs') fail('src imports only src');
        break;
      case 'crash-sim':
        if (isNode) fail('crash-sim is in memory: no node:*');
        if (relative_ && isSrc(target) && !SRC_FILES_CHECKERS_MAY_IMPORT.includes(targetRel ?? ''))
          fail('crash-sim imports from src only the FileSystem port and the format constants');
        if (relative_ && !isSrc(target) && target !== 'crash-sim') fail('crash-sim is the persistence model alone: it imports no checker, model or CLI');
        break;
      case 'cli':
        if (isNodeFs) fail('the CLI reads files through the FileSystem port, not node:fs');
        if (relative_ && (target === 'model' || target === 'other')) fail('the CLI imports src, crash-sim, oracle and cli, never model');
        break;
      case 'model':
        if (!relative_ || target !== 'model') fail('model imports nothing outside model/');
        break;
      case 'oracle':
        if (relative_ && isSrc(target) && !SRC_FILES_CHECKERS_MAY_IMPORT.includes(targetRel ?? ''))
          fail('oracle imports from src only the FileSystem port and the format constants');
        if (relative_ && !isSrc(target) && target !== 'oracle' && target !== 'crash-sim' && target !== 'model')
          fail('oracle imports only oracle, crash-sim, model, node:* and packages');
        break;
      default:
        break;
    }
  }
  return violations;
}

describe('import directions', () => {
  it('every import line in src/, crash-sim/, model/, oracle/ and cli/ follows the rules of DESIGN.md', () => {
    const files = SOURCE_FOLDERS.flatMap((d) => {
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
    expect(checkImports('src/wal.ts', ['../cli/run-cli.js'])).toHaveLength(1);
    expect(checkImports('crash-sim/x.ts', ['../src/core/codec.js'])).toHaveLength(1);
    expect(checkImports('cli/x.ts', ['../model/index.js'])).toHaveLength(1);
    expect(checkImports('cli/x.ts', ['node:fs'])).toHaveLength(1);
    expect(checkImports('oracle/crash-test/x.ts', ['../../src/wal.js'])).toHaveLength(1);
    expect(checkImports('oracle/crash-test/x.ts', ['../../cli/io.js'])).toHaveLength(1);
    expect(checkImports('src/wal.ts', ['../oracle/crash-test/run.js'])).toHaveLength(1);
    expect(checkImports('crash-sim/x.ts', ['../oracle/explore/explore.js'])).toHaveLength(1);
    expect(checkImports('crash-sim/x.ts', ['../model/index.js'])).toHaveLength(1);
    expect(checkImports('crash-sim/x.ts', ['../cli/io.js'])).toHaveLength(1);
    expect(checkImports('oracle/explore/x.ts', ['../../src/core/codec.js'])).toHaveLength(1);
    expect(checkImports('oracle/explore/x.ts', ['../../src/core/replay.js'])).toHaveLength(1);
    expect(checkImports('oracle/explore/x.ts', ['../../src/open-wal.js'])).toHaveLength(1);
    expect(checkImports('oracle/check-trace/x.ts', ['../../cli/io.js'])).toHaveLength(1);
    expect(checkImports('model/x.ts', ['../crash-sim/sim-fs.js'])).toHaveLength(1);
    expect(checkImports('model/x.ts', ['../oracle/explore/explore.js'])).toHaveLength(1);
  });

  it('the checker accepts the allowed directions', () => {
    expect(checkImports('src/core/writer.ts', ['./codec.js'])).toEqual([]);
    expect(checkImports('src/fs/node-fs.ts', ['node:fs', '../core/format.js'])).toEqual([]);
    expect(checkImports('cli/explore.ts', ['../crash-sim/index.js', '../src/open-wal.js', './io.js', 'node:util', 'zod'])).toEqual([]);
    expect(checkImports('crash-sim/sim-fs.ts', ['../src/fs/port.js', '../src/core/format.js', 'zod'])).toEqual([]);
    expect(checkImports('oracle/crash-test/run.ts', ['node:fs', '../../crash-sim/crash-points.js', '../../model/index.js'])).toEqual([]);
    expect(checkImports('cli/crash-test.ts', ['../oracle/crash-test/run.js'])).toEqual([]);
    expect(checkImports('oracle/explore/wal-api.ts', ['../../src/fs/port.js', '../../crash-sim/sim-fs.js', 'zod'])).toEqual([]);
    expect(checkImports('oracle/explore/disk-format.ts', ['../../src/core/format.js', '../explore/layout.js'])).toEqual([]);
    expect(checkImports('oracle/check-trace/check-trace.ts', ['../../model/index.js', 'ts-pattern'])).toEqual([]);
    expect(checkImports('cli/explore.ts', ['../oracle/explore/index.js'])).toEqual([]);
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
