// The Wal (src/segment-preparer.ts) prepares the next segment's file in the background: once the active
// segment is half full, a free file of the full target size appears beside it (zeros, synced),
// the rotation takes it as the next segment, and once that segment is half full the one after is
// prepared again; close() waits for a preparation under way. Checked on the real disk through
// openWal, since only the shell runs it.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FREE_SUFFIX } from '../../src/core/format.js';
import { nodeFileSystem } from '../../src/fs/node-fs.js';
import { FsError, type FileSystem } from '../../src/fs/port.js';
import { openWal } from '../../src/index.js';
import { wrapFs } from '../crash-sim/wrap-fs.js';
import { commitTx, tempDir, withOpen } from './helpers.js';

const TARGET_BYTES = 4096;

const freeFiles = (dir: string): string[] => readdirSync(dir).filter((name) => name.endsWith(FREE_SUFFIX));

/** Resolves once `holds()` is true; fails after `limitMs`. The preparation runs in the background, so the test waits for it. */
async function eventually(holds: () => boolean, what: string, limitMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!holds()) {
    if (Date.now() - start > limitMs) throw new Error(`not within ${limitMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/**
 * A real-disk FileSystem whose free-file zeros wait for `release()`, so a test holds the
 * preparation under way; it notes every free file synced.
 */
function heldPreparation(): { fs: FileSystem; fillStarted: () => boolean; release: () => void; syncedFreeFiles: () => string[] } {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  let fillStarted = false;
  const synced: string[] = [];
  const fs = wrapFs(nodeFileSystem, {
    preallocate: async (handle, sizeBytes) => {
      if (!handle.path.endsWith(FREE_SUFFIX)) return handle.preallocate(sizeBytes);
      fillStarted = true;
      await held;
      return handle.preallocate(sizeBytes);
    },
    datasync: (handle) => {
      if (handle.path.endsWith(FREE_SUFFIX)) synced.push(handle.path);
      return handle.datasync();
    },
  });
  return { fs, fillStarted: () => fillStarted, release: () => release(), syncedFreeFiles: () => [...synced] };
}

describe('the Wal\'s prepared segments', () => {
  it('prepares the next segment once the active one is half full, hands it to the rotation, and prepares the one after again', async () => {
    const dir = tempDir('prepare');
    const { wal } = await openWal(dir, { segmentTargetBytes: TARGET_BYTES });
    const event = 'x'.repeat(300);
    let commits = 0;
    // Below half the target: nothing is prepared yet.
    expect(freeFiles(dir)).toEqual([]);
    while (wal.segments().length === 1 && freeFiles(dir).length === 0) await commitTx(wal, [`${event}${commits++}`]);
    await eventually(() => freeFiles(dir).length === 1, 'a free file beside the first segment');
    const [prepared] = freeFiles(dir);
    expect(wal.segments()).toHaveLength(1);
    await eventually(() => statSync(join(dir, prepared!)).size === TARGET_BYTES, 'the free file at its full size');
    // The rotation takes the prepared file: it becomes segment 2, and no free file is left.
    while (wal.segments().length === 1) await commitTx(wal, [`${event}${commits++}`]);
    expect(freeFiles(dir)).toEqual([]);
    expect(statSync(join(dir, wal.segments()[1]!)).size).toBe(TARGET_BYTES);
    // Once the second segment is half full, the third is prepared in its turn.
    while (wal.segments().length === 2 && freeFiles(dir).length === 0) await commitTx(wal, [`${event}${commits++}`]);
    await eventually(() => freeFiles(dir).length === 1 || wal.segments().length > 2, 'a free file beside the second segment');
    expect(wal.segments()).toHaveLength(2);
    await wal.close();
  });

  it('close() waits for a preparation under way before it closes the files and resolves', async () => {
    const dir = tempDir('prepare-close');
    const held = heldPreparation();
    const { wal } = await openWal(dir, { fs: held.fs, segmentTargetBytes: TARGET_BYTES });
    for (let i = 0; !held.fillStarted(); i++) await commitTx(wal, [`${'y'.repeat(300)}${i}`]);
    let closed = false;
    const closing = wal.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(closed).toBe(false);
    held.release();
    await closing;
    expect(wal.poisoned()).toBeNull();
    expect(freeFiles(dir).map((name) => statSync(join(dir, name)).size)).toEqual([TARGET_BYTES]);
    // The free file was synced once its zeros were in: a rotation may take it.
    expect(held.syncedFreeFiles()).toEqual(freeFiles(dir).map((name) => join(dir, name)));
  });

  it('a WAL poisoned while the free file is filled does no more I/O on it: its fsync is never started', async () => {
    const dir = tempDir('prepare-poisoned');
    const held = heldPreparation();
    const { wal } = await openWal(dir, { fs: held.fs, segmentTargetBytes: TARGET_BYTES });
    for (let i = 0; !held.fillStarted(); i++) await commitTx(wal, [`${'w'.repeat(300)}${i}`]);
    wal.poison('quarantined by the host');
    held.release();
    await wal.close();
    expect(wal.poisoned()).toBe('quarantined by the host');
    expect(freeFiles(dir)).toHaveLength(1);
    expect(held.syncedFreeFiles()).toEqual([]);
  });

  it('a free file that cannot be created poisons the WAL with that failure, and the next call reports it', async () => {
    const dir = tempDir('prepare-enospc');
    const fs = withOpen(nodeFileSystem, (path, mode, open) => {
      if (path.endsWith(FREE_SUFFIX)) throw new FsError('ENOSPC', 'open', path);
      return open(path, mode);
    });
    const { wal } = await openWal(dir, { fs, segmentTargetBytes: TARGET_BYTES });
    for (let i = 0; wal.poisoned() === null && i < 100; i++) await commitTx(wal, [`${'z'.repeat(300)}${i}`]).catch(() => undefined);
    expect(wal.poisoned()).toMatch(/^create of 0+2\.free failed\b.*ENOSPC/);
    await expect(commitTx(wal, ['after'])).rejects.toMatchObject({ code: 'Poisoned' });
    await wal.close();
  });
});
