// The CLI's helpers for files that are not the log (src/fs/host-files.ts), checked directly on a
// temporary directory: the CLI suites that use them do not run in a mutation run of src/, so this
// file is what pins their behaviour down. Every directory a test makes is removed by the test,
// through removeDir itself, and checked gone; afterEach removes it again should a test fail first.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, readTextFile, removeDir, writeTextFile } from '../../../src/fs/host-files.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** makeTempDir, remembered for afterEach. */
function scratch(): string {
  const dir = makeTempDir('walref-host-files-');
  made.push(dir);
  return dir;
}

// Text with characters of two, three and four bytes in UTF-8, so that any other encoding reads
// it back differently.
const sample = 'a log line: é, €, 𝄞\nand a second one\n';

describe('host files', () => {
  it('makeTempDir makes a new empty directory under the OS temporary directory, named with the prefix', () => {
    const first = scratch();
    const second = scratch();
    expect(first).not.toBe(second);
    for (const dir of [first, second]) {
      expect(statSync(dir).isDirectory()).toBe(true);
      expect(readdirSync(dir)).toEqual([]);
      expect(dirname(dir)).toBe(tmpdir());
      expect(basename(dir).startsWith('walref-host-files-')).toBe(true);
    }
    removeDir(first);
    removeDir(second);
    expect(existsSync(first)).toBe(false);
    expect(existsSync(second)).toBe(false);
  });

  it('writeTextFile writes the text as UTF-8, replacing what the file held', () => {
    const dir = scratch();
    const file = join(dir, 'report.txt');
    writeTextFile(file, 'an older and longer text that must not survive the rewrite\n');
    writeTextFile(file, sample);
    expect(readFileSync(file)).toEqual(Buffer.from(sample, 'utf8'));
    removeDir(dir);
    expect(existsSync(dir)).toBe(false);
  });

  it('readTextFile reads a file back as UTF-8 text', () => {
    const dir = scratch();
    const file = join(dir, 'workload.json');
    writeFileSync(file, Buffer.from(sample, 'utf8'));
    const read = readTextFile(file);
    expect(typeof read).toBe('string');
    expect(read).toBe(sample);
    expect(readTextFile(file)).toBe(sample);
    writeTextFile(join(dir, 'copy.txt'), read);
    expect(readTextFile(join(dir, 'copy.txt'))).toBe(sample);
    removeDir(dir);
    expect(existsSync(dir)).toBe(false);
  });

  it('removeDir removes a directory with files and subdirectories in it', () => {
    const dir = scratch();
    mkdirSync(join(dir, 'wal', 'nested'), { recursive: true });
    writeFileSync(join(dir, 'top.txt'), 'top');
    writeFileSync(join(dir, 'wal', 'nested', 'deep.txt'), 'deep');
    removeDir(dir);
    expect(existsSync(dir)).toBe(false);
  });

  it('removeDir of a directory that is already gone does nothing', () => {
    const dir = scratch();
    removeDir(dir);
    expect(() => removeDir(dir)).not.toThrow();
    expect(() => removeDir(join(dir, 'never-made'))).not.toThrow();
    expect(existsSync(dir)).toBe(false);
  });
});
