// oracle/explore/disk-format.ts: the oracle's own readers of the on-disk format, on bytes laid out
// by hand from docs/format.md (never by walref's codec, which the oracle checks).
import { describe, expect, it } from 'vitest';
import type { CrashState } from '../../../crash-sim/crash-states.js';
import {
  allZero,
  frameBytesAt,
  frameLsnAt,
  frameSaltAt,
  headerBaseLsn,
  headerPreviousEnd,
  headerSalt,
  isFreeFileName,
  ORACLE_SEGMENT_HEADER_BYTES,
  plausibleFrameAt,
  readU32,
  readU64,
  segmentIdOf,
  segmentImages,
} from '../../../oracle/explore/disk-format.js';

/** `bytes` with a little-endian u32 at `at`. */
function putU32(bytes: Uint8Array, at: number, value: number): void {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(at, value, true);
}

function putU64(bytes: Uint8Array, at: number, value: number): void {
  new DataView(bytes.buffer, bytes.byteOffset).setBigUint64(at, BigInt(value), true);
}

describe('little-endian integers', () => {
  it('reads a u32 unsigned, and bytes past the end as zero', () => {
    expect(readU32(Uint8Array.of(0x78, 0x56, 0x34, 0x12), 0)).toBe(0x12345678);
    expect(readU32(Uint8Array.of(0xff, 0xff, 0xff, 0xff), 0)).toBe(0xffff_ffff);
    expect(readU32(Uint8Array.of(9, 0x01, 0x02), 1)).toBe(0x0201);
  });

  it('reads a u64 from both halves, up to 2^53 - 1', () => {
    expect(readU64(Uint8Array.of(1, 0, 0, 0, 1, 0, 0, 0), 0)).toBe(2 ** 32 + 1);
    expect(readU64(Uint8Array.of(0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f, 0), 1)).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('frames', () => {
  // A TxBegin at LSN 2^32 + 7 with salt 0xdeadbeef, at offset 3: length 9 | crc | salt | tag | lsn.
  const bytes = new Uint8Array(3 + 12 + 9);
  putU32(bytes, 3, 9);
  putU32(bytes, 7, 0x01020304);
  putU32(bytes, 11, 0xdeadbeef);
  bytes[15] = 1;
  putU64(bytes, 16, 2 ** 32 + 7);

  it("reads a frame's size, LSN and salt where docs/format.md puts them", () => {
    expect(frameBytesAt(bytes, 3)).toBe(21);
    expect(frameLsnAt(bytes, 3)).toBe(2 ** 32 + 7);
    expect(frameSaltAt(bytes, 3)).toBe(0xdeadbeef);
  });

  it('takes a length prefix for a frame only when it is at least a body prefix and the prefix is all there', () => {
    expect(plausibleFrameAt(bytes, 3)).toBe(true);
    expect(plausibleFrameAt(bytes.subarray(0, 15), 3)).toBe(true);
    expect(plausibleFrameAt(bytes.subarray(0, 14), 3)).toBe(false);
    const short = bytes.slice();
    putU32(short, 3, 8);
    expect(plausibleFrameAt(short, 3)).toBe(false);
    expect(plausibleFrameAt(new Uint8Array(24), 0)).toBe(false);
  });

  it('knows zeros', () => {
    expect(allZero(new Uint8Array(12))).toBe(true);
    expect(allZero(new Uint8Array(0))).toBe(true);
    expect(allZero(Uint8Array.of(0, 0, 0, 1))).toBe(false);
  });
});

describe('segment headers', () => {
  const header = new Uint8Array(ORACLE_SEGMENT_HEADER_BYTES);
  putU64(header, 20, 2 ** 40 + 5);
  putU32(header, 28, 0x8000_0001);
  putU64(header, 32, 2 ** 33 + 44);

  it('reads the base LSN at 20, the salt at 28 and the previous end at 32', () => {
    expect(headerBaseLsn(header)).toBe(2 ** 40 + 5);
    expect(headerSalt(header)).toBe(0x8000_0001);
    expect(headerPreviousEnd(header)).toBe(2 ** 33 + 44);
  });

  it('reads nothing from a file shorter than a header', () => {
    const cut = header.subarray(0, ORACLE_SEGMENT_HEADER_BYTES - 1);
    expect([headerBaseLsn(cut), headerSalt(cut), headerPreviousEnd(cut)]).toEqual([null, null, null]);
  });
});

describe('file names', () => {
  it('a segment is 20 digits and .wal with an id above 0; a free file 20 digits and .free', () => {
    expect(segmentIdOf('00000000000000000001.wal')).toBe(1);
    expect(segmentIdOf('00000000000000012345.wal')).toBe(12345);
    for (const name of ['00000000000000000000.wal', '0000000000000000001.wal', '000000000000000000001.wal', 'x00000000000000000001.wal', '00000000000000000001.wal.tmp', '00000000000000000001.free', '99999999999999999999.wal']) {
      expect(segmentIdOf(name), name).toBeNull();
    }
    expect(isFreeFileName('00000000000000000007.free')).toBe(true);
    for (const name of ['0000000000000000007.free', '00000000000000000007.wal', 'a00000000000000000007.free', '00000000000000000007.free.tmp']) {
      expect(isFreeFileName(name), name).toBe(false);
    }
  });

  it('lists the segments of one directory, oldest first, and nothing else', () => {
    const file = (tag: number) => ({ bytes: Uint8Array.of(tag) }) as unknown as CrashState['files'] extends ReadonlyMap<string, infer F> ? F : never;
    const files = new Map([
      ['/wal/00000000000000000010.wal', file(10)],
      ['/wal/00000000000000000002.wal', file(2)],
      ['/wal/00000000000000000003.free', file(3)],
      ['/wal/LOCK', file(0)],
      ['/other/00000000000000000001.wal', file(1)],
      ['/wal/sub/00000000000000000004.wal', file(4)],
    ]);
    const images = segmentImages({ files } as Pick<CrashState, 'files'>, '/wal');
    expect(images.map((i) => [i.name, i.id, i.bytes[0]])).toEqual([
      ['00000000000000000002.wal', 2, 2],
      ['00000000000000000010.wal', 10, 10],
    ]);
  });
});
