// crash-sim/crash-file.ts: one file of a crash state shows its image (content, bytes, classes,
// pieces, size mode) and the page cache it is judged against; `against` keeps the image and judges
// it against another page cache and inode (a crash during a recovery).
import { describe, expect, it } from 'vitest';
import { CrashFile } from '../../crash-sim/crash-file.js';
import { FileContent } from '../../crash-sim/file-content.js';
import { ByteClass, buildImage } from '../../crash-sim/file-image.js';
import { writePieces } from '../../crash-sim/file-pieces.js';

describe('CrashFile', () => {
  // A one-sector write that did not persist, in a file whose base is empty.
  const cache = FileContent.of(new Uint8Array(512).fill(7));
  const snapshot = { inode: 3, base: FileContent.EMPTY, cache, pieces: writePieces(0, cache, 0, 0, 512, 512), count: 1 };
  const image = buildImage(snapshot, new Set(), 'zeros');

  it('shows its image and the page cache before the crash', () => {
    const file = new CrashFile(image, '/wal/a', 3, cache);
    expect(file.path).toBe('/wal/a');
    expect(file.inode).toBe(3);
    expect(file.content).toBe(image.content);
    expect(file.sizeMode).toBe('zeros');
    expect([...file.bytes]).toEqual(new Array(512).fill(0));
    expect([...file.cacheBytes]).toEqual(new Array(512).fill(7));
    expect([...file.classes]).toEqual(new Array(512).fill(ByteClass.garbage));
    expect(file.classRuns()).toEqual([{ startBytes: 0, endBytes: 512, value: ByteClass.garbage }]);
    expect(file.pieces).toEqual([{ seq: 0, kind: 'write', sector: 0, fate: 'lost' }]);
  });

  it('keeps its image and path when judged against another page cache and inode', () => {
    const other = FileContent.of(new Uint8Array([1]));
    const file = new CrashFile(image, '/wal/a', 3, cache).against(other, 8);
    expect(file.path).toBe('/wal/a');
    expect(file.inode).toBe(8);
    expect(file.cacheContent).toBe(other);
    expect(file.content).toBe(image.content);
  });
});
