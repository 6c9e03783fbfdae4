// The shell's modules import each other without a circle: in particular the Recorder sees the Wal
// only through RecorderHost (src/recorder.ts), so src/recorder.ts never imports src/wal.ts, not
// even for a type. Every relative import of a module under src/ (type-only imports included) is an
// edge.
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSpecifiers, root, sourceFiles } from './source-files.js';

const srcDir = join(root, 'src');

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(srcDir).filter((f) => f.endsWith('.ts'))) {
    const targets = importSpecifiers(readFileSync(file, 'utf8'))
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => resolve(dirname(file), specifier).replace(/\.js$/, '.ts'))
      .filter((target) => target.startsWith(srcDir));
    graph.set(relative(root, file), targets.map((target) => relative(root, target)));
  }
  return graph;
}

/** One circle of imports, as a list of files, or null when the graph has none. */
function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | null {
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | null => {
    if (state.get(node) === 'done') return null;
    if (state.get(node) === 'visiting') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'visiting');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle !== null) return cycle;
    }
    path.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle !== null) return cycle;
  }
  return null;
}

describe('import circles in src/', () => {
  it('src/recorder.ts does not import src/wal.ts', () => {
    expect(importGraph().get(join('src', 'recorder.ts'))).not.toContain(join('src', 'wal.ts'));
  });

  it('no module under src/ reaches itself through its imports', () => {
    expect(findCycle(importGraph())).toBeNull();
  });

  it('the circle finder finds a planted circle', () => {
    const planted = new Map([
      ['src/wal.ts', ['src/recorder.ts']],
      ['src/recorder.ts', ['src/wal.ts']],
    ]);
    expect(findCycle(planted)).toEqual(['src/wal.ts', 'src/recorder.ts', 'src/wal.ts']);
  });
});
