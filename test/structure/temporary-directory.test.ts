// The run's temporary directory (test/setup/temporary-directory.ts, vitest's globalSetup) is where
// every test and every process a test starts makes its temporary files; it is empty at the end of
// `npm test`, or the run fails naming what was left.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leftoverProblem } from '../setup/temporary-directory.js';

describe('nothing left in the temporary directory', () => {
  it('this test runs with the run\'s own temporary directory, not the system\'s', () => {
    expect(tmpdir()).toMatch(/walref-test-run-[^/]+$/);
  });

  it('the check names what was left (a known cache aside), and accepts an empty directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'walref-leftover-check-'));
    try {
      expect(leftoverProblem(dir)).toBeNull();
      mkdirSync(join(dir, 'walref-redis-x1'));
      writeFileSync(join(dir, 'walref-redis-x1', 'redis.sock'), '');
      writeFileSync(join(dir, 'stray'), '');
      mkdirSync(join(dir, 'tsx-0'));
      expect(leftoverProblem(dir)).toBe('npm test left 2 entries in its temporary directory: stray; walref-redis-x1 (redis.sock)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
