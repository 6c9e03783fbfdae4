// The sector pieces of a file's operations since its durable base: what a crash may keep of them
// (file-crash.ts chooses, file-image.ts builds the image). They are made once, when apply-op.ts
// applies the operation, from the page cache right after it:
//   - a write is cut into one piece per sector it touches; a piece holds the whole sector as the
//     page cache held it right after the write (a device writes sectors, not bytes, and the page it
//     writes back contains everything written to it so far), clipped to the file's size then. The
//     bytes of the sector that this write itself wrote are [dataStartBytes, dataEndBytes): they
//     tell a torn write from a lost one;
//   - a truncate, and a fallocate that grew the file, are one size piece each, with no bytes.
// A piece's content is a view of a page-cache chunk when the sector lies in one (chunks never
// change), else a copy: memory grows with the bytes written, not with the file's size.

import type { FileContent } from './file-content.js';
import type { OpStatus } from './sim-state.js';

export type PieceKind = 'write' | 'truncate' | 'fallocate';

export interface Piece {
  /** The op-log index of the operation. */
  readonly seq: number;
  readonly kind: PieceKind;
  /** The sector of a write piece; -1 for a size piece. */
  readonly sector: number;
  /** Where the content goes (a write), or the size before (a fallocate) or after (a truncate). */
  readonly startBytes: number;
  readonly content: Uint8Array;
  /** The file's size in the page cache right after this piece. */
  readonly sizeAfterBytes: number;
  /** The bytes of the sector the write itself wrote (empty for a size piece). */
  readonly dataStartBytes: number;
  readonly dataEndBytes: number;
  readonly status: OpStatus;
}

const NO_BYTES = new Uint8Array(0);

/** The pieces of a write of `lengthBytes` at `offsetBytes`, given the page cache right after it. */
export function writePieces(seq: number, cache: FileContent, sizeBeforeBytes: number, offsetBytes: number, lengthBytes: number, sectorBytes: number): Piece[] {
  const pieces: Piece[] = [];
  if (lengthBytes === 0) return pieces;
  const end = offsetBytes + lengthBytes;
  const firstSector = Math.floor(offsetBytes / sectorBytes);
  const lastSector = Math.floor((end - 1) / sectorBytes);
  for (let sector = firstSector; sector <= lastSector; sector++) {
    const startBytes = sector * sectorBytes;
    const stopBytes = Math.min((sector + 1) * sectorBytes, cache.sizeBytes);
    pieces.push({
      seq,
      kind: 'write',
      sector,
      startBytes,
      content: cache.view(startBytes, stopBytes - startBytes),
      // The last sector's stop is the new size when the write grew the file, and the old one is then
      // the size either way: one rule for every sector.
      sizeAfterBytes: Math.max(sizeBeforeBytes, stopBytes),
      dataStartBytes: Math.max(offsetBytes, startBytes),
      dataEndBytes: Math.min(end, (sector + 1) * sectorBytes),
      status: 'pending',
    });
  }
  return pieces;
}

/** The piece of a truncate to `sizeBytes`, or of a fallocate that grew the file from `startBytes` to `sizeBytes`. */
export function sizePiece(seq: number, kind: 'truncate' | 'fallocate', startBytes: number, sizeBytes: number): Piece {
  return { seq, kind, sector: -1, startBytes, content: NO_BYTES, sizeAfterBytes: sizeBytes, dataStartBytes: 0, dataEndBytes: 0, status: 'pending' };
}

/**
 * The pieces after an fsync of their file: pending ones become durable (it returned OK) or limbo
 * (it failed with EIO); null when every piece is now durable, so the cache becomes the new base.
 */
export function syncedPieces(pieces: readonly Piece[], errno: string | null): Piece[] | null {
  const outcome: OpStatus = errno === null ? 'durable' : 'limbo';
  if (errno === null && pieces.every((p) => p.status !== 'limbo')) return null;
  return pieces.map((p) => (p.status === 'pending' ? { ...p, status: outcome } : p));
}
