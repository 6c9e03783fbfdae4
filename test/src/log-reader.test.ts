// The directory listings of src/log-reader.ts: listSegments hands replay the segment files in id
// order whatever order the directory lists them in (ext4 lists by hash), and nothing else;
// listFreeFiles the free files with their numbers and sizes.
import { describe, expect, it } from 'vitest';
import { freeFileName, LOCK_FILE_NAME, segmentFileName } from '../../src/core/format.js';
import { MANIFEST_FILE_NAME, snapshotFileName } from '../../src/core/manifest.js';
import { nodeFileSystem } from '../../src/fs/node-fs.js';
import type { FileSystem } from '../../src/fs/port.js';
import { listFreeFiles, listSegments } from '../../src/log-reader.js';
import { openDescriptors, tempDir } from './helpers.js';

/** A directory listing in the order given, and nothing else of a file system. */
const listing = (names: readonly string[]): FileSystem => ({ ...nodeFileSystem, readdir: () => [...names] });

describe('listSegments', () => {
  it('lists the segment files in id order, whatever order the directory gives, and nothing else', () => {
    const ids = [12, 3, 100, 1, 7, 2, 45, 9];
    const others = [LOCK_FILE_NAME, freeFileName(4), MANIFEST_FILE_NAME, snapshotFileName(1), 'notes.txt', `${segmentFileName(5)}.tmp`];
    for (const names of [[...ids.map(segmentFileName), ...others], [...others, ...ids.map(segmentFileName)].reverse()]) {
      expect(listSegments(listing(names), '/wal')).toEqual([...ids].sort((a, b) => a - b).map((id) => ({ name: segmentFileName(id), id })));
    }
  });
});

describe('listFreeFiles', () => {
  it('lists each free file with its number and size, and no other file', () => {
    const dir = tempDir('free-files');
    const write = (name: string, sizeBytes: number): void => {
      const handle = nodeFileSystem.open(nodeFileSystem.join(dir, name), 'create-exclusive');
      handle.write(new Uint8Array(sizeBytes), 0);
      handle.close();
    };
    write(freeFileName(3), 4096);
    write(freeFileName(8), 512);
    write(segmentFileName(1), 100);
    write('notes.txt', 10);
    const found = listFreeFiles(nodeFileSystem, dir).sort((a, b) => a.number - b.number);
    expect(found).toEqual([
      { name: freeFileName(3), number: 3, sizeBytes: 4096 },
      { name: freeFileName(8), number: 8, sizeBytes: 512 },
    ]);
    // Each free file it opened to read its size is closed again.
    expect(openDescriptors((target) => target.startsWith(`${dir}/`))).toBe(0);
  });
});
