// crash-sim/file-pieces.ts: a write is cut into one piece per sector it touches, each holding the
// whole sector as the page cache held it right after the write (clipped to the file's size), with
// the bytes the write itself wrote marked; a truncate or a growing fallocate is one size piece; an
// fsync turns pending pieces durable (OK) or limbo (EIO), and limbo stays limbo.
import { describe, expect, it } from 'vitest';
import { FileContent } from '../../crash-sim/file-content.js';
import { sizePiece, syncedPieces, writePieces, type Piece } from '../../crash-sim/file-pieces.js';

const SECTOR = 512;

function bytes(length: number, from: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (from + i) & 0xff);
}

describe('writePieces', () => {
  it('makes one piece per sector, each holding the whole sector of the page cache, clipped to the file size', () => {
    // The file held 400 bytes; a write of 700 bytes at 300 grows it to 1000.
    const before = FileContent.of(bytes(400, 7));
    const cache = before.write(300, bytes(700, 100));
    const pieces = writePieces(9, cache, 400, 300, 700, SECTOR);
    expect(pieces.map(({ content, ...rest }) => rest)).toEqual([
      { seq: 9, kind: 'write', sector: 0, startBytes: 0, sizeAfterBytes: 512, dataStartBytes: 300, dataEndBytes: 512, status: 'pending' },
      { seq: 9, kind: 'write', sector: 1, startBytes: 512, sizeAfterBytes: 1000, dataStartBytes: 512, dataEndBytes: 1000, status: 'pending' },
    ]);
    const all = cache.toBytes();
    expect([...(pieces[0] as Piece).content]).toEqual([...all.subarray(0, 512)]);
    expect([...(pieces[1] as Piece).content]).toEqual([...all.subarray(512, 1000)]);
  });

  it('gives an earlier sector the size the file had before when that was larger', () => {
    // A write into the middle of a 2000-byte file: its first sector's piece does not shrink the file.
    const cache = FileContent.of(bytes(2000, 1)).write(600, bytes(500, 50));
    const pieces = writePieces(3, cache, 2000, 600, 500, SECTOR);
    expect(pieces.map((p) => [p.sector, p.startBytes, p.sizeAfterBytes, p.dataStartBytes, p.dataEndBytes])).toEqual([
      [1, 512, 2000, 600, 1024],
      [2, 1024, 2000, 1024, 1100],
    ]);
    expect((pieces[1] as Piece).content.length).toBe(512);
  });

  it('touches only the sectors the write covers: one ending on a boundary does not reach the next', () => {
    const cache = FileContent.of(bytes(512, 0));
    const pieces = writePieces(0, cache, 0, 0, 512, SECTOR);
    expect(pieces).toHaveLength(1);
    expect(pieces[0]).toMatchObject({ sector: 0, dataStartBytes: 0, dataEndBytes: 512, sizeAfterBytes: 512 });
    const next = writePieces(1, cache.write(512, bytes(1, 0)), 512, 512, 1, SECTOR);
    expect(next.map((p) => p.sector)).toEqual([1]);
  });

  it('makes no piece for an empty write', () => {
    expect(writePieces(0, FileContent.of(bytes(10, 0)), 10, 4, 0, SECTOR)).toEqual([]);
  });
});

describe('sizePiece', () => {
  it('holds no bytes, no sector, and the size after', () => {
    expect(sizePiece(4, 'truncate', 100, 100)).toEqual({ seq: 4, kind: 'truncate', sector: -1, startBytes: 100, content: new Uint8Array(0), sizeAfterBytes: 100, dataStartBytes: 0, dataEndBytes: 0, status: 'pending' });
    expect(sizePiece(5, 'fallocate', 10, 4096)).toMatchObject({ kind: 'fallocate', startBytes: 10, sizeAfterBytes: 4096, status: 'pending' });
  });
});

describe('syncedPieces', () => {
  const piece = (seq: number, status: Piece['status']): Piece => ({ ...sizePiece(seq, 'truncate', seq, seq), status });

  it('is null (the cache becomes the base) when an fsync returned OK and nothing is in limbo', () => {
    expect(syncedPieces([piece(0, 'pending'), piece(1, 'durable')], null)).toBeNull();
  });

  it('turns pending pieces limbo when the fsync failed, and keeps durable ones durable', () => {
    const out = syncedPieces([piece(0, 'durable'), piece(1, 'pending'), piece(2, 'limbo')], 'EIO');
    expect(out?.map((p) => p.status)).toEqual(['durable', 'limbo', 'limbo']);
  });

  it('keeps limbo pieces limbo when a later fsync succeeds, and the pieces with them (fsyncgate)', () => {
    const out = syncedPieces([piece(0, 'limbo'), piece(1, 'pending')], null);
    expect(out?.map((p) => [p.seq, p.status])).toEqual([
      [0, 'limbo'],
      [1, 'durable'],
    ]);
  });

  it('does not change the pieces it was given', () => {
    const pieces = [piece(0, 'pending')];
    syncedPieces(pieces, 'EIO');
    expect(pieces[0]?.status).toBe('pending');
  });
});
