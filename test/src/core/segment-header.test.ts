import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSegmentHeader, encodeSegmentHeader } from '../../../src/core/segment-header.js';
import { LSN_MAX } from '../../../src/core/format.js';

describe('segment header codec', () => {
  it('a header round-trips for any segment id and base LSN', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 1, max: LSN_MAX }), (segmentId, baseLsn) => {
        const bytes = encodeSegmentHeader({ segmentId, baseLsn });
        expect(bytes.length).toBe(32);
        expect(decodeSegmentHeader(bytes, segmentId)).toEqual({ ok: true, header: { version: 1, segmentId, baseLsn } });
      }),
    );
  });

  it('the header starts with the ASCII magic WALREFSG and version 1 little-endian', () => {
    const bytes = encodeSegmentHeader({ segmentId: 1, baseLsn: 1 });
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe('WALREFSG');
    expect([...bytes.subarray(8, 12)]).toEqual([1, 0, 0, 0]);
  });

  it('a header shorter than 32 bytes is truncated-header, and zeroed bytes are bad-magic', () => {
    const bytes = encodeSegmentHeader({ segmentId: 3, baseLsn: 9 });
    for (let cut = 0; cut < 32; cut++) expect(decodeSegmentHeader(bytes.subarray(0, cut), 3)).toEqual({ ok: false, cause: 'truncated-header' });
    expect(decodeSegmentHeader(new Uint8Array(32), 3)).toEqual({ ok: false, cause: 'bad-magic' });
  });

  it('a flipped bit anywhere in the header is detected, with the cause naming the field', () => {
    const bytes = encodeSegmentHeader({ segmentId: 3, baseLsn: 9 });
    for (let bit = 0; bit < 256; bit++) {
      const damaged = bytes.slice();
      damaged[bit >> 3]! ^= 1 << (bit & 7);
      const byte = bit >> 3;
      const expected = byte < 8 ? 'bad-magic' : byte < 12 ? 'unsupported-version' : 'bad-header-checksum';
      expect(decodeSegmentHeader(damaged, 3)).toEqual({ ok: false, cause: expected });
    }
  });

  it('a header from another segment is id-mismatch', () => {
    expect(decodeSegmentHeader(encodeSegmentHeader({ segmentId: 4, baseLsn: 9 }), 5)).toEqual({ ok: false, cause: 'id-mismatch' });
  });

  it('a version other than 1 is unsupported-version even when its checksum is right', () => {
    expect(decodeSegmentHeader(encodeSegmentHeader({ segmentId: 2, baseLsn: 9, version: 2 }), 2)).toEqual({
      ok: false,
      cause: 'unsupported-version',
    });
  });
});
