// wal.checkpoint() on the real disk: the files the protocol leaves, the live snapshot openWal
// hands back, retention, the refusals, and the leftovers a crashed checkpoint leaves for open.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeManifest, MANIFEST_FILE_NAME, MANIFEST_TEMP_FILE_NAME, snapshotFileName } from '../../src/core/manifest.js';
import { segmentFileName } from '../../src/core/format.js';
import { openWal, type Wal } from '../../src/index.js';
import { ev, expectWalError, tempDir, text } from './helpers.js';

async function commit(wal: Wal, events: string[]): Promise<number> {
  const { commitLsn } = await wal.writeTransaction(events.map(ev));
  await wal.waitDurable(commitLsn);
  return commitLsn;
}

const names = (dir: string): string[] => readdirSync(dir).filter((n) => n !== 'walref.lock').sort();

describe('wal.checkpoint', () => {
  it('writes the snapshot, commits a MANIFEST naming it, and the reopen returns it with the transactions after its LSN', async () => {
    const dir = tempDir('ckpt');
    const { wal, snapshot } = await openWal(dir);
    expect(snapshot).toBeNull();
    const first = await commit(wal, ['a']);
    await commit(wal, ['b']);
    const result = await wal.checkpoint({ lsn: first, snapshot: ev('state after a') });
    expect(result).toMatchObject({ epoch: 1, lsn: first, file: snapshotFileName(1), sizeBytes: 13, removedSegments: [], removedSnapshots: [] });
    await commit(wal, ['c']);
    await wal.close();
    expect(names(dir)).toEqual([MANIFEST_FILE_NAME, segmentFileName(1), snapshotFileName(1)].sort());
    const manifest = decodeManifest(readFileSync(join(dir, MANIFEST_FILE_NAME)));
    expect(manifest.ok && manifest.manifest).toMatchObject({ epoch: 1, firstSegmentId: 1, snapshots: [{ id: 1, lsn: first, sizeBytes: 13 }] });

    const reopened = await openWal(dir);
    expect(reopened.snapshot).toMatchObject({ lsn: first, epoch: 1, file: snapshotFileName(1) });
    expect(text(await reopened.snapshot!.read())).toBe('state after a');
    expect(reopened.replay.transactions.flatMap((t) => t.events.map(text))).toEqual(['b', 'c']);
    expect(reopened.replay.checkpointObserved).toBe(first);
    await reopened.wal.close();
  });

  it('streams a snapshot written by a function, and a function that throws commits nothing', async () => {
    const dir = tempDir('ckpt-stream');
    const { wal } = await openWal(dir);
    const lsn = await commit(wal, ['a']);
    const boom = new Error('host failed');
    await expect(
      wal.checkpoint({
        lsn,
        snapshot: async (out) => {
          await out.write(ev('half'));
          throw boom;
        },
      }),
    ).rejects.toBe(boom);
    expect(wal.poisoned()).toBeNull();
    expect(names(dir)).toEqual([segmentFileName(1)]);
    const done = await wal.checkpoint({
      lsn,
      snapshot: async (out) => {
        await out.write(ev('one,'));
        await out.write(ev('two'));
      },
    });
    expect(done).toMatchObject({ epoch: 1, file: snapshotFileName(2), sizeBytes: 7 });
    expect(text(await done.snapshot.read())).toBe('one,two');
    await wal.close();
  });

  it('retention removes superseded snapshots and covered segments only after the MANIFEST that drops them', async () => {
    const dir = tempDir('ckpt-retain');
    const { wal } = await openWal(dir, { segmentTargetBytes: 64, retain: { snapshots: 2, segmentsBehindSnapshot: 1 } });
    const lsns: number[] = [];
    for (let i = 0; i < 6; i++) lsns.push(await commit(wal, [`event ${i}`]));
    expect(wal.segments().length).toBe(6);
    const one = await wal.checkpoint({ lsn: lsns[4]!, snapshot: ev('s1') });
    // Segments 1..5 hold LSNs at or below the fence; 5, the one before the active one, is always
    // kept, and one more behind the snapshot is retained: 1, 2 and 3 go.
    expect(one.removedSegments).toEqual([1, 2, 3].map(segmentFileName));
    await wal.checkpoint({ lsn: lsns[5]!, snapshot: ev('s2') });
    const three = await wal.checkpoint({ lsn: lsns[5]!, snapshot: ev('s3'), retain: { snapshots: 1 } });
    expect(three.removedSnapshots).toEqual([snapshotFileName(2), snapshotFileName(1)]);
    await wal.close();
    expect(names(dir).filter((n) => n.startsWith('snapshot-'))).toEqual([snapshotFileName(3)]);
  });

  it('refuses a snapshot LSN that is not durable (InvalidArgument), inside a transaction (FenceSplitsTransaction, naming it), or not a commit (InvalidArgument)', async () => {
    const dir = tempDir('ckpt-refuse');
    const { wal } = await openWal(dir, { sync: { mode: 'none' } });
    const { commitLsn } = await wal.writeTransaction([ev('a')]);
    expect((await expectWalError(wal.checkpoint({ lsn: commitLsn, snapshot: ev('x') }), 'InvalidArgument')).info).toMatchObject({ argument: 'lsn' });
    await wal.forceFsync();
    const begun = await wal.begin();
    await wal.append(begun, ev('open'));
    const inner = (await wal.writeTransaction([ev('b')])).commitLsn;
    await wal.forceFsync();
    const split = await expectWalError(wal.checkpoint({ lsn: inner, snapshot: ev('x') }), 'FenceSplitsTransaction');
    expect(split.info).toEqual({ code: 'FenceSplitsTransaction', lsn: inner, txBeginLsn: begun, open: true });
    await wal.commit(begun);
    await wal.forceFsync();
    // The open transaction closed after `inner`: the commit still splits it.
    expect((await expectWalError(wal.checkpoint({ lsn: inner, snapshot: ev('x') }), 'FenceSplitsTransaction')).info).toMatchObject({ txBeginLsn: begun, open: false });
    expect((await expectWalError(wal.checkpoint({ lsn: begun, snapshot: ev('x') }), 'InvalidArgument')).message).toContain('not the commit LSN');
    expect(wal.poisoned()).toBeNull();
    expect(names(dir)).toEqual([segmentFileName(1)]);
    await wal.close();
  });

  it('a checkpoint marker inside a transaction does not make its LSN a fence: checkpoint() refuses it, and the log still reopens', async () => {
    const dir = tempDir('ckpt-marker-split');
    const { wal } = await openWal(dir, { sync: { mode: 'none' } });
    const begun = await wal.begin();
    const appended = await wal.append(begun, ev('x'));
    const { beginLsn: innerBegun, commitLsn: inner } = await wal.writeTransaction([ev('y')]);
    await wal.commit(begun);
    // checkpointMarker is the low-level call: it takes the host's word, even for these LSNs.
    await wal.checkpointMarker(appended);
    await wal.checkpointMarker(inner);
    await wal.forceFsync();
    expect((await expectWalError(wal.checkpoint({ lsn: inner, snapshot: ev('s') }), 'FenceSplitsTransaction')).info).toMatchObject({ txBeginLsn: begun });
    await wal.close();
    const reopened = await openWal(dir);
    expect(reopened.replay.transactions.map((tx) => tx.beginLsn)).toEqual([innerBegun, begun]);
    // In a later session the marker's LSN is none of this session's commits: still refused.
    expect((await expectWalError(reopened.wal.checkpoint({ lsn: inner, snapshot: ev('s') }), 'InvalidArgument')).info).toMatchObject({ argument: 'lsn' });
    await reopened.wal.checkpoint({ lsn: reopened.wal.durableLsn(), snapshot: ev('all') });
    await reopened.wal.close();
    const again = await openWal(dir);
    expect(text(await again.snapshot!.read())).toBe('all');
    expect(again.replay.transactions).toEqual([]);
    await again.wal.close();
  });

  it('a checkpoint called after close() is refused with Closed, as a rejected promise', async () => {
    const dir = tempDir('ckpt-closed');
    const { wal } = await openWal(dir);
    const closing = wal.close();
    const refused = wal.checkpoint({ lsn: 0, snapshot: ev('s') });
    expect(refused).toBeInstanceOf(Promise);
    await expectWalError(refused, 'Closed');
    await closing;
  });

  it('right after open the recovered LSN is a valid snapshot LSN', async () => {
    const dir = tempDir('ckpt-recovered');
    const first = await openWal(dir);
    await commit(first.wal, ['a']);
    await first.wal.close();
    const { wal } = await openWal(dir);
    const result = await wal.checkpoint({ lsn: wal.durableLsn(), snapshot: ev('all') });
    expect(result.lsn).toBe(3);
    await wal.close();
  });

  it('open removes the leftovers of a checkpoint that crashed before its commit point, and keeps the committed epoch', async () => {
    const dir = tempDir('ckpt-leftovers');
    const { wal } = await openWal(dir);
    const lsn = await commit(wal, ['a']);
    await wal.checkpoint({ lsn, snapshot: ev('committed') });
    await wal.close();
    writeFileSync(join(dir, snapshotFileName(7)), 'orphan');
    writeFileSync(join(dir, MANIFEST_TEMP_FILE_NAME), 'half a manifest');
    const reopened = await openWal(dir);
    expect(names(dir)).toEqual([MANIFEST_FILE_NAME, segmentFileName(1), snapshotFileName(1)].sort());
    expect(text(await reopened.snapshot!.read())).toBe('committed');
    // The orphan's id is never reused.
    const next = await reopened.wal.checkpoint({ lsn, snapshot: ev('again') });
    expect(next.file).toBe(snapshotFileName(8));
    await reopened.wal.close();
  });

  it('a damaged MANIFEST is a BadManifest error naming the file, and nothing is removed', async () => {
    const dir = tempDir('ckpt-bad-manifest');
    const { wal } = await openWal(dir);
    const lsn = await commit(wal, ['a']);
    await wal.checkpoint({ lsn, snapshot: ev('s') });
    await wal.close();
    const bytes = readFileSync(join(dir, MANIFEST_FILE_NAME));
    bytes[14] = (bytes[14] ?? 0) ^ 0xff;
    writeFileSync(join(dir, MANIFEST_FILE_NAME), bytes);
    writeFileSync(join(dir, MANIFEST_TEMP_FILE_NAME), 'leftover');
    const error = await expectWalError(openWal(dir), 'BadManifest');
    expect(error.info).toEqual({ code: 'BadManifest', file: MANIFEST_FILE_NAME, cause: 'bad-checksum' });
    expect(existsSync(join(dir, MANIFEST_TEMP_FILE_NAME))).toBe(true);
  });

  it('a live snapshot that is missing, cut short or changed is a BadSnapshot error naming it', async () => {
    const dir = tempDir('ckpt-bad-snapshot');
    const { wal } = await openWal(dir);
    const lsn = await commit(wal, ['a']);
    await wal.checkpoint({ lsn, snapshot: ev('snapshot bytes') });
    await wal.close();
    const file = join(dir, snapshotFileName(1));
    writeFileSync(file, 'snapshot BYTES');
    const changed = await openWal(dir);
    const read = await expectWalError(changed.snapshot!.read(), 'BadSnapshot');
    expect(read.info).toEqual({ code: 'BadSnapshot', file: snapshotFileName(1), lsn, cause: 'bad-checksum' });
    await changed.wal.close();
    writeFileSync(file, 'short');
    expect((await expectWalError(openWal(dir), 'BadSnapshot')).info).toMatchObject({ cause: 'size-mismatch' });
  });

  it('validates retain as an option and as an argument, naming it', async () => {
    const dir = tempDir('ckpt-options');
    expect((await expectWalError(openWal(dir, { retain: { snapshots: 0 } }), 'InvalidOption')).info).toMatchObject({ option: 'retain.snapshots' });
    const { wal } = await openWal(dir);
    expect((await expectWalError(wal.checkpoint({ lsn: 0, snapshot: ev('s'), retain: { segmentsBehindSnapshot: -1 } }), 'InvalidArgument')).info).toMatchObject({
      argument: 'retain.segmentsBehindSnapshot',
    });
    await wal.close();
  });
});
