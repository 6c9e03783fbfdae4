// What a call does while another call's I/O is in flight, on the real disk (src/wal.ts states the
// rules; test/concurrency explores the interleavings under fast-check's scheduler).
import { describe, expect, it } from 'vitest';
import { openWal, WalError } from '../../src/index.js';
import { ev, faultyNodeFs, tempDir } from './helpers.js';

describe('overlapping calls', () => {
  it('concurrent per-commit flushes are acknowledged only once durable and share fdatasyncs', async () => {
    const faulty = faultyNodeFs();
    const { wal } = await openWal(tempDir('share'), { fs: faulty.fs });
    const before = faulty.datasyncs();
    const commits = await Promise.all(Array.from({ length: 16 }, (_, i) => wal.writeTransaction([ev(`e${i}`)])));
    await Promise.all(commits.map(async (c) => {
      await wal.flush();
      expect(wal.durableLsn()).toBeGreaterThanOrEqual(c.commitLsn);
    }));
    expect(faulty.datasyncs() - before).toBeLessThan(16);
    await wal.close();
  });

  it('a commit made while a flush is in flight gets the next LSNs and is covered by a later fdatasync', async () => {
    const { wal } = await openWal(tempDir('pipeline'));
    const first = await wal.writeTransaction([ev('a')]);
    const flushing = wal.flush(); // its fdatasync is on the thread pool now
    const second = await wal.writeTransaction([ev('b')]);
    expect(second.beginLsn).toBe(first.commitLsn + 1);
    await flushing;
    expect(wal.durableLsn()).toBeGreaterThanOrEqual(first.commitLsn);
    await wal.waitDurable(second.commitLsn);
    expect(wal.durableLsn()).toBeGreaterThanOrEqual(second.commitLsn);
    await wal.close();
  });

  it('idle resolves after the fdatasync of a flush called before it', async () => {
    const { wal } = await openWal(tempDir('idle'));
    const { commitLsn } = await wal.writeTransaction([ev('a')]);
    const flushing = wal.flush();
    await wal.idle();
    expect(wal.durableLsn()).toBeGreaterThanOrEqual(commitLsn);
    await flushing;
    await wal.close();
  });

  it('close waits for the calls made before it and refuses the calls made after it with Closed', async () => {
    const dir = tempDir('close');
    const { wal } = await openWal(dir, { sync: { mode: 'group', intervalMs: 60_000 } });
    const written = await wal.writeTransaction([ev('kept')]);
    const flushing = wal.forceFsync();
    const closing = wal.close();
    await expect(wal.writeTransaction([ev('late')])).rejects.toMatchObject({ code: 'Closed' });
    await expect(wal.waitDurable(written.commitLsn)).rejects.toMatchObject({ code: 'Closed' });
    await flushing;
    await closing;
    await expect(wal.close()).resolves.toBeUndefined();
    const reopened = await openWal(dir);
    expect(reopened.replay.transactions.map((t) => t.commitLsn)).toEqual([written.commitLsn]);
    await reopened.wal.close();
  });

  it('an fsync that fails while flushes wait on it rejects all of them, and every later call', async () => {
    const faulty = faultyNodeFs();
    const { wal } = await openWal(tempDir('eio'), { fs: faulty.fs });
    await wal.writeTransaction([ev('a')]);
    faulty.arm({ fsync: 'EIO' });
    const flushes = await Promise.allSettled([wal.flush(), wal.flush(), wal.flush()]);
    expect(flushes.map((f) => f.status)).toEqual(['rejected', 'rejected', 'rejected']);
    const reasons = flushes.map((f) => (f.status === 'rejected' ? (f.reason as WalError).code : null));
    expect(reasons[0]).toBe('IoError');
    expect(reasons.slice(1)).toEqual(['Poisoned', 'Poisoned']);
    await expect(wal.writeTransaction([ev('b')])).rejects.toMatchObject({ code: 'Poisoned' });
    await expect(wal.forceFsync()).rejects.toMatchObject({ code: 'Poisoned' });
    expect(wal.poisoned()).not.toBeNull();
    await wal.close();
  });

  it('truncateUpTo waits for the fsync in flight before it removes segments', async () => {
    const dir = tempDir('truncate');
    const { wal } = await openWal(dir, { segmentTargetBytes: 64 });
    let last = 0;
    for (let i = 0; i < 6; i++) {
      last = (await wal.writeTransaction([ev(`event ${i}`)])).commitLsn;
      await wal.flush();
    }
    const segmentsBefore = wal.segments().length;
    const inFlight = wal.writeTransaction([ev('in flight')]).then(() => wal.flush());
    await wal.truncateUpTo(last);
    await inFlight;
    expect(wal.segments().length).toBeLessThan(segmentsBefore);
    expect(wal.poisoned()).toBeNull();
    await wal.close();
  });
});
