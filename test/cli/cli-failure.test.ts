// cli/cli-failure.ts: a failure is one line, and its exit code says whose problem it is.
import { describe, expect, it } from 'vitest';
import { describeFailure, exitCodeOf } from '../../cli/cli-failure.js';

describe('failures', () => {
  it('a corruption error is one line naming code, segment, offset and LSN, and maps to exit code 1', () => {
    const failure = {
      kind: 'log',
      error: { code: 'Corruption', segment: '00000000000000000001.wal', offsetBytes: 123, lsn: 7, cause: 'bad-checksum' },
    } as const;
    const line = describeFailure(failure);
    expect(line).not.toContain('\n');
    expect(line).toContain('Corruption');
    expect(line).toContain('00000000000000000001.wal');
    expect(line).toContain('offset 123');
    expect(line).toContain('LSN 7');
    expect(exitCodeOf(failure)).toBe(1);
  });

  it('a directory without segments is a log problem, an unreadable path an I/O problem', () => {
    expect(exitCodeOf({ kind: 'no-segments', dir: '/x' })).toBe(1);
    expect(exitCodeOf({ kind: 'io', message: 'no such directory: /x' })).toBe(2);
  });
});
