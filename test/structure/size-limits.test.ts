// No function over 60 lines and no source file over 300 lines in src/, crash-sim/, oracle/,
// model/ and cli/ (DESIGN.md's budget for a reader). A deliberate exception is named in the file's
// header, on a line of its leading comment:
//   // Size exception: <why this file is longer>            (the file may pass 300 lines)
//   // Long function: <name> (<why>)                        (that function may pass 60 lines)
// Lines are counted with TypeScript's own parser: a function's lines run from its first to its
// last line, nested functions included; a file's lines are all its lines.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { root, SOURCE_FOLDERS, sourceFiles } from './source-files.js';

export const MAX_FILE_LINES = 300;
export const MAX_FUNCTION_LINES = 60;

export interface SizeProblem {
  readonly file: string;
  readonly what: string;
  readonly lines: number;
}

/** The leading comment lines of a file: where its exceptions are named. */
function header(text: string): string[] {
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('//')) break;
    lines.push(line);
  }
  return lines;
}

function functionName(node: ts.Node): string {
  if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node)) && node.name !== undefined) {
    return node.name.getText();
  }
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (parent !== undefined && ts.isVariableDeclaration(parent)) return parent.name.getText();
  if (parent !== undefined && ts.isPropertyAssignment(parent)) return parent.name.getText();
  if (parent !== undefined && ts.isPropertyDeclaration(parent)) return parent.name.getText();
  return '(anonymous)';
}

/** The size problems of one file, given its path (for the report) and text. */
export function sizeProblems(file: string, text: string): SizeProblem[] {
  const problems: SizeProblem[] = [];
  const named = header(text);
  const lineCount = text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
  if (lineCount > MAX_FILE_LINES && !named.some((l) => /^\/\/ Size exception: \S/.test(l))) problems.push({ file, what: 'file', lines: lineCount });
  const allowed = new Set(named.flatMap((l) => /^\/\/ Long function: ([\w$#]+)/.exec(l)?.[1] ?? []));
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      const name = functionName(node);
      if (lines > MAX_FUNCTION_LINES && !allowed.has(name)) problems.push({ file, what: `function ${name}`, lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return problems;
}

describe('size limits', () => {
  it(`no function over ${MAX_FUNCTION_LINES} lines and no source file over ${MAX_FILE_LINES} lines, except those named in their file's header`, () => {
    const files = SOURCE_FOLDERS.flatMap((folder) => sourceFiles(`${root}/${folder}`)).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(100);
    const problems = files.flatMap((file) => sizeProblems(relative(root, file), readFileSync(file, 'utf8')));
    expect(problems).toEqual([]);
  });

  it('the check finds a planted long function, a planted long file, and honours a named exception', () => {
    const body = Array.from({ length: MAX_FUNCTION_LINES }, (_, i) => `  const x${i} = ${i};`).join('\n');
    const longFunction = `export function long(): void {\n${body}\n}\n`;
    expect(sizeProblems('x.ts', longFunction)).toEqual([{ file: 'x.ts', what: 'function long', lines: MAX_FUNCTION_LINES + 2 }]);
    expect(sizeProblems('x.ts', `// Long function: long (a table)\n${longFunction}`)).toEqual([]);
    const longArrow = `const f = () => {\n${body}\n};\n`;
    expect(sizeProblems('x.ts', longArrow).map((p) => p.what)).toEqual(['function f']);
    const method = `class C {\n  m(): void {\n${body}\n  }\n}\n`;
    expect(sizeProblems('x.ts', method).map((p) => p.what)).toEqual(['function m']);
    const longFile = Array.from({ length: MAX_FILE_LINES + 1 }, (_, i) => `export const c${i} = ${i};`).join('\n') + '\n';
    expect(sizeProblems('x.ts', longFile)).toEqual([{ file: 'x.ts', what: 'file', lines: MAX_FILE_LINES + 1 }]);
    expect(sizeProblems('x.ts', `// Size exception: a table\n${longFile}`)).toEqual([]);
    expect(sizeProblems('x.ts', `const s = '{';\nfunction short(): string {\n  return '}}}';\n}\n`)).toEqual([]);
  });
});
