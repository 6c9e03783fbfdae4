// The terminal picture of a crash state (cli/picture.ts).

import { describe, expect, it } from 'vitest';
import { ByteClass } from '../../crash-sim/file-crash.js';
import { encodeFrame } from '../../src/core/codec.js';
import { SEGMENT_HEADER_BYTES } from '../../src/core/format.js';
import { encodeSegmentHeader } from '../../src/core/segment-header.js';
import { cellClass, classCounts, drawFile, frameFates, legend, pictureStyleFor, type PicturedFile } from '../../cli/picture.js';

const { durable, lost, torn, garbage } = ByteClass;

function segmentWithTwoFrames(): { cache: Uint8Array; beginEnd: number } {
  const begin = encodeFrame({ kind: 'TxBegin', lsn: 1 }, 5);
  const batch = encodeFrame({ kind: 'MutationBatch', lsn: 2, txBeginLsn: 1, events: [new TextEncoder().encode('alice +10')] }, 5);
  const cache = new Uint8Array(SEGMENT_HEADER_BYTES + begin.length + batch.length);
  cache.set(encodeSegmentHeader({ segmentId: 1, baseLsn: 1, salt: 5 }), 0);
  cache.set(begin, SEGMENT_HEADER_BYTES);
  cache.set(batch, SEGMENT_HEADER_BYTES + begin.length);
  return { cache, beginEnd: SEGMENT_HEADER_BYTES + begin.length };
}

describe('the crash-state picture', () => {
  it('a cell shows its least healthy byte: torn over garbage over lost over durable', () => {
    const classes = Uint8Array.of(durable, lost, garbage, torn, durable, lost, durable, durable);
    expect(cellClass(classes, 0, 4)).toBe('torn');
    expect(cellClass(classes, 1, 3)).toBe('garbage');
    expect(cellClass(classes, 4, 6)).toBe('lost');
    expect(cellClass(classes, 6, 8)).toBe('durable');
  });

  it('colour only on a terminal, never with NO_COLOR set, and cells grow with the file', () => {
    expect(pictureStyleFor({}, true).color).toBe(true);
    expect(pictureStyleFor({}, false).color).toBe(false);
    expect(pictureStyleFor({ NO_COLOR: '1' }, true).color).toBe(false);
    expect(pictureStyleFor({ NO_COLOR: '' }, true).color).toBe(true);
    expect(pictureStyleFor({}, false, 200).bytesPerCell).toBe(4);
    expect(pictureStyleFor({}, false, 1000).bytesPerCell).toBe(16);
  });

  it('each frame the writer wrote is listed as on disk, partly on disk or missing', () => {
    const { cache, beginEnd } = segmentWithTwoFrames();
    const classes = new Uint8Array(cache.length).fill(durable);
    classes.fill(torn, beginEnd + 10);
    const file: PicturedFile = { path: '/wal/00000000000000000001.wal', bytes: cache.slice(0, beginEnd + 10), cacheBytes: cache, classes };
    expect(frameFates(file).map((f) => [f.record.lsn, f.fate])).toEqual([
      [1, 'on disk'],
      [2, 'partly'],
    ]);
    classes.fill(lost, beginEnd);
    expect(frameFates(file).map((f) => f.fate)).toEqual(['on disk', 'missing']);
  });

  it('draws one row of plain cells with the offset, then the frames', () => {
    const { cache, beginEnd } = segmentWithTwoFrames();
    const classes = new Uint8Array(cache.length).fill(durable);
    classes.fill(lost, beginEnd);
    const file: PicturedFile = { path: '/wal/00000000000000000001.wal', bytes: cache.slice(0, beginEnd), cacheBytes: cache, classes };
    const style = { color: false, bytesPerCell: 8, cellsPerRow: 64 };
    const lines = drawFile(file, style);
    expect(lines[0]).toBe(`00000000000000000001.wal: ${beginEnd} bytes on disk, the writer had written ${cache.length} (${classCounts(classes)})`);
    const cells = Math.ceil(cache.length / 8);
    const durableCells = Math.floor(beginEnd / 8);
    expect(lines[1]).toBe(`       0  ${'#'.repeat(durableCells)}${'.'.repeat(cells - durableCells)}`);
    expect(lines[2]).toMatch(/offset {4}44 {2}LSN {3}1 {2}on disk {2}TxBegin/);
    expect(lines[3]).toMatch(/LSN {3}2 {2}missing {2}MutationBatch \(tx 1\) "alice \+10"/);
  });

  it('the legend names all four classes, in colour only when asked', () => {
    const plain = legend({ color: false, bytesPerCell: 4, cellsPerRow: 64 }).join('\n');
    for (const word of ['# durable', '. lost', '~ torn', '? garbage', 'one cell = 4 bytes']) expect(plain).toContain(word);
    expect(legend({ color: true, bytesPerCell: 4, cellsPerRow: 64 }).join('\n')).toContain('\u001b[32m');
  });
});
