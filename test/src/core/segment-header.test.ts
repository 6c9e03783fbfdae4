import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSegmentHeader, encodeSegmentHeader, segmentHeaderBytesAt, segmentSalt } from '../../../src/core/segment-header.js';
import { LSN_MAX, SEGMENT_HEADER_BYTES, SEGMENT_HEADER_BYTES_V1 } from '../../../src/core/format.js';
import { crc32cOfRange } from '../../../src/core/crc32c.js';
import { writeU32, writeU64 } from '../../../src/core/le-bytes.js';

describe('segment header codec', () => {
  it('a v2 header round-trips for any segment id, base LSN, salt and previous end', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 1, max: LSN_MAX }),
        fc.integer({ min: 1, max: 0xffff_ffff }),
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        (segmentId, baseLsn, salt, previousEnd) => {
          const bytes = encodeSegmentHeader({ segmentId, baseLsn, salt, previousEnd });
          expect(bytes.length).toBe(SEGMENT_HEADER_BYTES);
          expect(segmentHeaderBytesAt(bytes)).toBe(SEGMENT_HEADER_BYTES);
          expect(decodeSegmentHeader(bytes, segmentId)).toEqual({ ok: true, header: { version: 2, segmentId, baseLsn, salt, previousEnd } });
        },
      ),
    );
  });

  it('a v1 header (32 bytes, no salt) still decodes, with salt and previous end 0', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 1, max: LSN_MAX }), (segmentId, baseLsn) => {
        const bytes = encodeSegmentHeader({ segmentId, baseLsn, version: 1 });
        expect(bytes.length).toBe(SEGMENT_HEADER_BYTES_V1);
        expect(segmentHeaderBytesAt(bytes)).toBe(SEGMENT_HEADER_BYTES_V1);
        expect(decodeSegmentHeader(bytes, segmentId)).toEqual({ ok: true, header: { version: 1, segmentId, baseLsn, salt: 0, previousEnd: 0 } });
        // In a segment the first frame follows, where a v2 header keeps its salt and previous end.
        const segmentStart = new Uint8Array(64).fill(0xa5);
        segmentStart.set(bytes);
        expect(decodeSegmentHeader(segmentStart, segmentId)).toEqual({ ok: true, header: { version: 1, segmentId, baseLsn, salt: 0, previousEnd: 0 } });
      }),
    );
  });

  it('the header starts with the ASCII magic WALREFSG and version 2 little-endian; the base LSN sits at offset 20 in both versions', () => {
    const bytes = encodeSegmentHeader({ segmentId: 1, baseLsn: 0x0102, salt: 7 });
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe('WALREFSG');
    expect([...bytes.subarray(8, 12)]).toEqual([2, 0, 0, 0]);
    expect([...bytes.subarray(20, 22)]).toEqual([2, 1]);
    expect([...encodeSegmentHeader({ segmentId: 1, baseLsn: 0x0102, version: 1 }).subarray(20, 22)]).toEqual([2, 1]);
  });

  it('fewer than 12 bytes answer 44, the most a header may need, even when they start a v1 header', () => {
    const v1 = encodeSegmentHeader({ segmentId: 1, baseLsn: 1, version: 1 });
    for (let length = 0; length < 12; length++) expect(segmentHeaderBytesAt(v1.subarray(0, length)), `${length} bytes`).toBe(SEGMENT_HEADER_BYTES);
    expect(segmentHeaderBytesAt(v1.subarray(0, 12))).toBe(SEGMENT_HEADER_BYTES_V1);
  });

  it('a header shorter than its version needs is truncated-header, and zeroed bytes are bad-magic', () => {
    const v2 = encodeSegmentHeader({ segmentId: 3, baseLsn: 9, salt: 5 });
    for (let cut = 0; cut < SEGMENT_HEADER_BYTES; cut++) expect(decodeSegmentHeader(v2.subarray(0, cut), 3)).toEqual({ ok: false, cause: 'truncated-header' });
    const v1 = encodeSegmentHeader({ segmentId: 3, baseLsn: 9, version: 1 });
    for (let cut = 0; cut < SEGMENT_HEADER_BYTES_V1; cut++) expect(decodeSegmentHeader(v1.subarray(0, cut), 3)).toEqual({ ok: false, cause: 'truncated-header' });
    expect(decodeSegmentHeader(new Uint8Array(SEGMENT_HEADER_BYTES), 3)).toEqual({ ok: false, cause: 'bad-magic' });
  });

  it('a flipped bit anywhere in the header is detected, with the cause naming the field', () => {
    const bytes = encodeSegmentHeader({ segmentId: 3, baseLsn: 9, salt: 5, previousEnd: 100 });
    for (let bit = 0; bit < SEGMENT_HEADER_BYTES * 8; bit++) {
      const damaged = bytes.slice();
      damaged[bit >> 3]! ^= 1 << (bit & 7);
      const byte = bit >> 3;
      const expected = byte < 8 ? 'bad-magic' : byte < 12 ? 'unsupported-version' : 'bad-header-checksum';
      expect(decodeSegmentHeader(damaged, 3)).toEqual({ ok: false, cause: expected });
    }
  });

  it('a header whose checksum is right but whose base LSN is 0 is bad-header-checksum, in both versions', () => {
    for (const [version, crcAt] of [[1, 28], [2, 40]] as const) {
      const bytes = encodeSegmentHeader({ segmentId: 3, baseLsn: 1, salt: version === 1 ? 0 : 9, version });
      bytes.fill(0, 20, 28);
      writeU32(bytes, crcAt, crc32cOfRange(bytes, 0, crcAt));
      expect(decodeSegmentHeader(bytes, 3), `v${version}`).toEqual({ ok: false, cause: 'bad-header-checksum' });
    }
  });

  it('a v2 header whose checksum is right but whose salt is 0, or whose previous end is no safe integer, is bad-header-checksum', () => {
    const resealed = (change: (bytes: Uint8Array) => void): Uint8Array => {
      const bytes = encodeSegmentHeader({ segmentId: 3, baseLsn: 9, salt: 7, previousEnd: 100 });
      change(bytes);
      writeU32(bytes, 40, crc32cOfRange(bytes, 0, 40));
      return bytes;
    };
    expect(decodeSegmentHeader(resealed(() => undefined), 3)).toMatchObject({ ok: true, header: { salt: 7, previousEnd: 100 } });
    expect(decodeSegmentHeader(resealed((b) => writeU32(b, 28, 0)), 3)).toEqual({ ok: false, cause: 'bad-header-checksum' });
    expect(decodeSegmentHeader(resealed((b) => writeU32(b, 36, 0x20_0000)), 3)).toEqual({ ok: false, cause: 'bad-header-checksum' });
    // The largest safe previous end still decodes.
    const largest = resealed((b) => {
      writeU32(b, 32, 0xffff_ffff);
      writeU32(b, 36, 0x1f_ffff);
    });
    expect(decodeSegmentHeader(largest, 3)).toMatchObject({ ok: true, header: { previousEnd: Number.MAX_SAFE_INTEGER } });
  });

  it('a header from another segment is id-mismatch', () => {
    expect(decodeSegmentHeader(encodeSegmentHeader({ segmentId: 4, baseLsn: 9, salt: 1 }), 5)).toEqual({ ok: false, cause: 'id-mismatch' });
  });

  it('a version other than 1 and 2 is unsupported-version even when its checksum is right', () => {
    expect(decodeSegmentHeader(encodeSegmentHeader({ segmentId: 2, baseLsn: 9, version: 3, salt: 1 }), 2)).toEqual({ ok: false, cause: 'unsupported-version' });
  });

  it('a segment id that is not a positive safe integer, a base LSN that is no LSN, a version or previous end out of range are programmer errors (RangeError)', () => {
    for (const segmentId of [0, -1, 1.5, 2 ** 53, Number.NaN]) expect(() => encodeSegmentHeader({ segmentId, baseLsn: 9, salt: 1 }), `segmentId ${segmentId}`).toThrow(/segmentId/);
    expect(encodeSegmentHeader({ segmentId: 1, baseLsn: 1, salt: 1 })).toHaveLength(44);
    expect(encodeSegmentHeader({ segmentId: Number.MAX_SAFE_INTEGER, baseLsn: 1, salt: 1 })).toHaveLength(44);
    expect(decodeSegmentHeader(encodeSegmentHeader({ segmentId: 1, baseLsn: LSN_MAX, salt: 1 }), 1)).toMatchObject({ ok: true, header: { baseLsn: LSN_MAX } });
    for (const baseLsn of [0, -1, 1.5, LSN_MAX + 1, Number.NaN]) expect(() => encodeSegmentHeader({ segmentId: 1, baseLsn, salt: 1 }), `baseLsn ${baseLsn}`).toThrow(/baseLsn/);
    for (const version of [0, 0xffff_ffff]) expect(decodeSegmentHeader(encodeSegmentHeader({ segmentId: 1, baseLsn: 1, salt: 1, version }), 1), `version ${version}`).toEqual({ ok: false, cause: 'unsupported-version' });
    for (const version of [-1, 2 ** 32, 1.5]) expect(() => encodeSegmentHeader({ segmentId: 1, baseLsn: 1, salt: 1, version }), `version ${version}`).toThrow(/version/);
    for (const previousEnd of [-1, 1.5]) expect(() => encodeSegmentHeader({ segmentId: 1, baseLsn: 1, salt: 1, previousEnd }), `previousEnd ${previousEnd}`).toThrow(/previousEnd/);
    for (const salt of [2 ** 32, 1.5, -1]) expect(() => encodeSegmentHeader({ segmentId: 1, baseLsn: 1, salt }), `salt ${salt}`).toThrow(/salt/);
  });

  it('a v2 header needs a salt other than 0; a v1 header has none', () => {
    expect(() => encodeSegmentHeader({ segmentId: 2, baseLsn: 9 })).toThrow(/salt 0 is not a non-zero u32/);
    expect(() => encodeSegmentHeader({ segmentId: 2, baseLsn: 9, version: 1, salt: 3 })).toThrow(/v1 header has no salt/);
    expect(() => encodeSegmentHeader({ segmentId: 2, baseLsn: 9, version: 1, previousEnd: 100 })).toThrow(/v1 header has no salt and no previous end/);
    expect(encodeSegmentHeader({ segmentId: 2, baseLsn: 9, version: 1, salt: 0, previousEnd: 0 })).toHaveLength(32);
    expect(decodeSegmentHeader(encodeSegmentHeader({ segmentId: 2, baseLsn: 9, salt: 0xffff_ffff }), 2)).toMatchObject({ ok: true, header: { salt: 0xffff_ffff } });
  });

  it("the salt walref chooses is never 0, never the file's previous salt, and depends on the segment id and base LSN only", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1 << 30 }), fc.integer({ min: 1, max: LSN_MAX }), (id, base) => {
        const salt = segmentSalt(id, base);
        expect(salt).not.toBe(0);
        expect(segmentSalt(id, base)).toBe(salt);
        const other = segmentSalt(id, base, salt);
        expect(other).not.toBe(salt);
        expect(other).not.toBe(0);
      }),
    );
    expect(segmentSalt(1, 1)).not.toBe(segmentSalt(2, 1));
  });

  it('a segment whose CRC-32C of segment id and base LSN is 0 gets salt 1, or 2 when 1 was its previous salt', () => {
    // Segment 3,100,768,319 at base LSN 1 is such a pair: the CRC is affine in its input bits, so
    // solving 32 linear equations over the segment id's low 48 bits finds one. A random property
    // meets a CRC of 0 once in 2^32 draws.
    const bytes = new Uint8Array(16);
    writeU64(bytes, 0, 3_100_768_319);
    writeU64(bytes, 8, 1);
    expect(crc32cOfRange(bytes, 0, 16)).toBe(0);
    expect(segmentSalt(3_100_768_319, 1)).toBe(1);
    expect(segmentSalt(3_100_768_319, 1, 1)).toBe(2);
  });
});
