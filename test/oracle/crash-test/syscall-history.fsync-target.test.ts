// Which file an fsync makes durable: the one its descriptor has open, whatever name it has now.
// Random programs write files through their descriptors, rename them, create new files under the
// names they left, and fsync or fdatasync some descriptors (entry changes durable at once:
// --no-dir-sync, so only file data is in question). After the last call, a file whose every write
// came before an fsync of its descriptor reads exactly what was written in every crash state, and a
// file with a write after its last fsync may read otherwise in some crash state.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stateAfter } from '../../../crash-sim/apply-op.js';
import { crashSpace, enumerateCrashStates } from '../../../crash-sim/crash-states.js';
import { resolveKnobs } from '../../../crash-sim/knobs.js';
import { buildSyscallHistory } from '../../../oracle/crash-test/syscall-history.js';
import { parseTrace } from '../../../oracle/crash-test/strace-parse.js';

const knobs = resolveKnobs({ dirSync: false });

type Cmd =
  | { readonly k: 'write'; readonly fd: number; readonly len: number }
  | { readonly k: 'fsync' | 'fdatasync' | 'rename'; readonly fd: number }
  | { readonly k: 'create'; readonly name: number }
  | { readonly k: 'dup'; readonly fd: number };

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ k: fc.constant('write' as const), fd: fc.nat(20), len: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constantFrom('fsync' as const, 'fdatasync' as const, 'rename' as const), fd: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('create' as const), name: fc.nat(1) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('dup' as const), fd: fc.nat(20) }) },
);

interface File {
  name: string;
  content: string;
  dirty: boolean;
}

/** Runs the program on a model of the files; returns its strace lines and each file's expected fate. */
function run(program: readonly Cmd[]): { lines: string[]; files: File[] } {
  const lines: string[] = [];
  const files: File[] = [];
  const fds = new Map<number, File>();
  let next = 3;
  let renames = 0;
  let letter = 0;
  const create = (name: string): void => {
    const file = { name, content: '', dirty: false };
    files.push(file);
    fds.set(next, file);
    lines.push(`1  openat(AT_FDCWD</w>, "/d/${name}", O_WRONLY|O_CREAT|O_TRUNC, 0644) = ${next++}</d/${name}>`);
  };
  ['f0', 'f1'].forEach(create);
  for (const c of program) {
    if (c.k === 'create') {
      const name = `f${c.name}`;
      if (!files.some((f) => f.name === name)) create(name);
      continue;
    }
    const open = [...fds.keys()];
    const fd = open[c.fd % open.length] as number;
    const file = fds.get(fd) as File;
    const arg = `${fd}</d/${file.name}>`;
    if (c.k === 'write') {
      const data = Array.from({ length: c.len }, () => String.fromCharCode(0x41 + (letter++ % 26))).join('');
      file.content += data;
      file.dirty = true;
      lines.push(`1  write(${arg}, "${data}", ${c.len}) = ${c.len}`);
    } else if (c.k === 'rename') {
      const to = `r${renames++}`;
      lines.push(`1  rename("/d/${file.name}", "/d/${to}") = 0`);
      file.name = to;
    } else if (c.k === 'dup') {
      fds.set(next, file);
      lines.push(`1  dup(${arg}) = ${next++}</d/${file.name}>`);
    } else {
      file.dirty = false;
      lines.push(`1  ${c.k}(${arg}) = 0`);
    }
  }
  return { lines, files };
}

function expectFsyncedFilesDurable(program: readonly Cmd[]): void {
  const { lines, files } = run(program);
  const { calls } = parseTrace(lines.join('\n'), { stdoutPath: '/t/out' });
  const h = buildSyscallHistory(calls, { dataDir: '/d', stdoutPath: '/t/out', cwd: '/w', knobs, initial: { files: new Map(), dirs: [] } });
  expect(h.unmodelled).toEqual([]);
  const result = enumerateCrashStates(crashSpace(stateAfter(knobs, h.ops, h.ops.length)), { maxStates: 50_000, seed: 1 });
  expect(result.exhaustive).toBe(true);
  for (const file of files) {
    const seen = new Set(result.states.map((s) => new TextDecoder().decode(s.files.get(`/${file.name}`)?.bytes ?? new Uint8Array())));
    const trace = lines.join('\n');
    if (file.dirty) expect([...seen].some((c) => c !== file.content), `${file.name} has an unsynced write:\n${trace}`).toBe(true);
    else expect([...seen], `${file.name} was fsynced after its last write:\n${trace}`).toEqual([file.content]);
  }
}

describe('an fsync makes durable the file its descriptor has open, and no other', () => {
  it('for any program of writes, renames, new files under old names, dups and fsyncs', () => {
    fc.assert(
      fc.property(fc.array(cmd, { maxLength: 16 }), (program) => expectFsyncedFilesDurable(program)),
      { numRuns: 500 },
    );
  });

  it.each<[string, Cmd[]]>([
    ['a file renamed, then fsynced', [{ k: 'write', fd: 0, len: 2 }, { k: 'rename', fd: 0 }, { k: 'fsync', fd: 0 }]],
    ['a file renamed, a new one made under its old name, the old descriptor fsynced', [{ k: 'write', fd: 0, len: 2 }, { k: 'rename', fd: 0 }, { k: 'create', name: 0 }, { k: 'write', fd: 2, len: 2 }, { k: 'fdatasync', fd: 0 }]],
    ['one of two files fsynced', [{ k: 'write', fd: 0, len: 2 }, { k: 'write', fd: 1, len: 2 }, { k: 'fsync', fd: 1 }]],
    ['a file fsynced through a dup', [{ k: 'write', fd: 0, len: 2 }, { k: 'dup', fd: 0 }, { k: 'fsync', fd: 2 }]],
  ])('%s', (_name, program) => expectFsyncedFilesDurable(program));
});
