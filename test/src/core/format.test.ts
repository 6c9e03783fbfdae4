// The file names of src/core/format.ts: a segment's or a free file's number round-trips through its
// name, and nothing else in a directory parses as one (a host's own files live beside the log).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { freeFileName, isReadableVersion, parseFreeFileName, parseSegmentFileName, segmentFileName } from '../../../src/core/format.js';

const id = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });

describe('segment and free file names', () => {
  it('a number round-trips through its name, 20 digits then the suffix', () => {
    fc.assert(
      fc.property(id, (n) => {
        expect(segmentFileName(n)).toMatch(/^\d{20}\.wal$/);
        expect(freeFileName(n)).toMatch(/^\d{20}\.free$/);
        expect(parseSegmentFileName(segmentFileName(n))).toBe(n);
        expect(parseFreeFileName(freeFileName(n))).toBe(n);
        expect(parseSegmentFileName(freeFileName(n))).toBeNull();
        expect(parseFreeFileName(segmentFileName(n))).toBeNull();
      }),
    );
  });

  it('a name with anything before or after it, another digit count, number 0 or one past 2^53 - 1 is no segment and no free file', () => {
    const one = '00000000000000000001';
    for (const name of [`x${one}.wal`, `${one}.wal.tmp`, `${one}.walx`, `0${one}.wal`, `${one.slice(1)}.wal`, '00000000000000000000.wal', `${String(2 ** 53).padStart(20, '0')}.wal`, `${one}.WAL`, ' 0000000000000000001.wal']) {
      expect(parseSegmentFileName(name), name).toBeNull();
      expect(parseFreeFileName(name.replace('.wal', '.free').replace('.WAL', '.FREE')), name).toBeNull();
    }
  });

  it('reads format versions 1 and 2, and no other', () => {
    expect([0, 1, 2, 3, 0xffff_ffff].filter(isReadableVersion)).toEqual([1, 2]);
  });
});
