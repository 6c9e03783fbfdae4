// The scenarios of lora_wal's wal.rs and recorder_adapter.rs test modules, as walref tests on the
// real disk, plus what walref adds: typed errors, poisoning on I/O failure, waitDurable.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeFrame, encodeFrameV1 } from '../../src/core/codec.js';
import { encodeSegmentHeader, segmentSalt } from '../../src/core/segment-header.js';
import { LOCK_FILE_NAME, SEGMENT_HEADER_BYTES, SEGMENT_HEADER_BYTES_V1, segmentFileName } from '../../src/core/format.js';
import { openWal } from '../../src/index.js';
import { commitTx, ev, expectWalError, faultyNodeFs, settlesWithin, tempDir, text } from './helpers.js';

const allEvents = (r: { transactions: readonly { events: readonly Uint8Array[] }[] }) => r.transactions.flatMap((t) => t.events.map(text));

describe('Wal on the real disk', () => {
  it('a fresh open creates the first segment and the lock file and nothing else', async () => {
    const dir = tempDir('fresh');
    const { wal, replay } = await openWal(dir);
    expect(replay.transactions).toEqual([]);
    expect(wal.nextLsn()).toBe(1);
    expect(readdirSync(dir).sort()).toEqual([segmentFileName(1), LOCK_FILE_NAME].sort());
    await wal.close();
    expect(existsSync(join(dir, LOCK_FILE_NAME))).toBe(false);
  });

  it('a second open of the same directory fails with AlreadyOpen naming it, until the first closes', async () => {
    const dir = tempDir('exclusive');
    const { wal } = await openWal(dir);
    const error = await expectWalError(openWal(dir), 'AlreadyOpen');
    expect(error.info).toEqual({ code: 'AlreadyOpen', dir });
    expect(error.message).toContain(dir);
    await wal.close();
    const again = await openWal(dir);
    await again.wal.close();
  });

  it('a lock left by a process that no longer exists does not block the next open', async () => {
    const dir = tempDir('stale-lock');
    await (await openWal(dir)).wal.close();
    writeFileSync(join(dir, LOCK_FILE_NAME), JSON.stringify({ pid: 2 ** 22 + 12345, startTicks: '1', host: (await import('node:os')).hostname(), token: 'dead' }));
    const { wal } = await openWal(dir);
    // The open took the lock over: the lock file now names this process, not the dead one.
    const owner = JSON.parse(readFileSync(join(dir, LOCK_FILE_NAME), 'utf8')) as { pid: number; token: string };
    expect(owner.pid).toBe(process.pid);
    expect(owner.token).not.toBe('dead');
    await expectWalError(openWal(dir), 'AlreadyOpen');
    await wal.close();
  });

  it('begin, append and commit round-trip through replay, and nextLsn continues after the last record', async () => {
    const dir = tempDir('roundtrip');
    {
      const { wal } = await openWal(dir);
      await commitTx(wal, ['1', '2']);
      await commitTx(wal, ['3']);
      await wal.close();
    }
    const { wal, replay } = await openWal(dir);
    expect(allEvents(replay)).toEqual(['1', '2', '3']);
    expect(replay.transactions.map((t) => [t.beginLsn, t.commitLsn])).toEqual([
      [1, 4],
      [5, 7],
    ]);
    expect(wal.nextLsn()).toBe(8);
    await wal.close();
  });

  it('an aborted transaction is dropped on replay', async () => {
    const dir = tempDir('abort');
    {
      const { wal } = await openWal(dir);
      await commitTx(wal, ['1']);
      const b = await wal.begin();
      await wal.append(b, ev('99'));
      await wal.abort(b);
      await wal.flush();
      await wal.close();
    }
    const { wal, replay } = await openWal(dir);
    expect(allEvents(replay)).toEqual(['1']);
    await wal.close();
  });

  it('an uncommitted transaction at the end of the log is discarded, but its LSNs are not reused', async () => {
    const dir = tempDir('uncommitted');
    {
      const { wal } = await openWal(dir);
      await commitTx(wal, ['1']);
      const b = await wal.begin();
      await wal.append(b, ev('99'));
      await wal.flush();
      await wal.close();
    }
    const { wal, replay } = await openWal(dir);
    expect(allEvents(replay)).toEqual(['1']);
    expect(wal.nextLsn()).toBe(6);
    await wal.close();
  });

  it('a segment rotates at begin once it reached the target size, and replay reads across segments', async () => {
    const dir = tempDir('rotate');
    const { wal } = await openWal(dir, { segmentTargetBytes: 256 });
    const b1 = await wal.begin();
    for (let i = 0; i < 5; i++) await wal.append(b1, ev(`event-${i}-${'x'.repeat(40)}`));
    await wal.commit(b1);
    await wal.flush();
    expect(wal.segments()).toEqual([segmentFileName(1)]);
    await commitTx(wal, ['100']);
    expect(wal.segments()).toEqual([segmentFileName(1), segmentFileName(2)]);
    await wal.close();
    const reopened = await openWal(dir);
    expect(reopened.replay.transactions).toHaveLength(2);
    expect(reopened.replay.segments.map((s) => s.baseLsn)).toEqual([1, 8]);
    await reopened.wal.close();
  });

  it('records at or below the checkpoint LSN are skipped on replay', async () => {
    const dir = tempDir('checkpoint-fence');
    let commitA = 0;
    {
      const { wal } = await openWal(dir);
      commitA = await commitTx(wal, ['1', '2']);
      await commitTx(wal, ['3']);
      await wal.close();
    }
    const { wal, replay } = await openWal(dir, { checkpointLsn: commitA });
    expect(allEvents(replay)).toEqual(['3']);
    await wal.close();
  });

  it('commit, append and abort of an LSN that is not an open transaction are refused with InvalidArgument', async () => {
    const { wal } = await openWal(tempDir('no-begin'));
    await expectWalError(wal.commit(99), 'InvalidArgument');
    await expectWalError(wal.append(99, ev('x')), 'InvalidArgument');
    await expectWalError(wal.abort(99), 'InvalidArgument');
    expect(wal.poisoned()).toBeNull();
    await wal.close();
  });

  it('a log holding a commit or mutation without its TxBegin fails to open with Malformed missing-tx-begin', async () => {
    for (const record of [
      { kind: 'TxCommit', lsn: 1, txBeginLsn: 99 } as const,
      { kind: 'Mutation', lsn: 1, txBeginLsn: 99, event: ev('x') } as const,
    ]) {
      const dir = tempDir('malformed');
      const header = encodeSegmentHeader({ version: 1, segmentId: 1, baseLsn: 1 });
      writeFileSync(join(dir, segmentFileName(1)), Buffer.concat([header, encodeFrameV1(record)]));
      const error = await expectWalError(openWal(dir), 'Malformed');
      expect(error.info).toMatchObject({ rule: 'missing-tx-begin', segment: segmentFileName(1), offsetBytes: SEGMENT_HEADER_BYTES_V1, lsn: 1 });
      // The failed open released its lock.
      expect(existsSync(join(dir, LOCK_FILE_NAME))).toBe(false);
    }
  });

  it('ATornTailInAV2ActiveSegmentIsWrittenOverOnOpen: the file keeps its preallocated size and appends continue at the tail', async () => {
    const dir = tempDir('torn');
    let end = 0;
    {
      const { wal } = await openWal(dir, { segmentTargetBytes: 4096 });
      await commitTx(wal, ['1']);
      await wal.close();
    }
    const segment = join(dir, segmentFileName(1));
    const size = statSync(segment).size;
    expect(size).toBe(4096);
    {
      const { wal, replay } = await openWal(dir, { segmentTargetBytes: 4096 });
      expect(replay.end).toMatchObject({ segment: segmentFileName(1), kind: 'zeros' });
      end = replay.end!.offsetBytes;
      await wal.close();
    }
    const bytes = readFileSync(segment);
    bytes.fill(0xff, end, end + 32);
    writeFileSync(segment, bytes);
    {
      const { wal, replay } = await openWal(dir, { segmentTargetBytes: 4096 });
      expect(allEvents(replay)).toEqual(['1']);
      expect(replay.tornTail).toMatchObject({ segment: segmentFileName(1), offsetBytes: end, droppedBytes: size - end, validFramesAfter: false });
      expect(replay.end).toMatchObject({ offsetBytes: end, kind: 'torn' });
      expect(statSync(segment).size).toBe(size);
      await commitTx(wal, ['2']);
      await wal.close();
    }
    const { wal, replay } = await openWal(dir, { segmentTargetBytes: 4096 });
    expect(allEvents(replay)).toEqual(['1', '2']);
    expect(replay.tornTail).toBeNull();
    expect(statSync(segment).size).toBe(size);
    await wal.close();
  });

  it('AV1LogOpensAsItIs: its torn tail is truncated, the v1 segment sealed, and new records go to a v2 segment', async () => {
    const dir = tempDir('v1');
    const frames = [
      encodeFrameV1({ kind: 'TxBegin', lsn: 1 }),
      encodeFrameV1({ kind: 'MutationBatch', lsn: 2, txBeginLsn: 1, events: [ev('old')] }),
      encodeFrameV1({ kind: 'TxCommit', lsn: 3, txBeginLsn: 1 }),
    ];
    const whole = Buffer.concat([encodeSegmentHeader({ version: 1, segmentId: 1, baseLsn: 1 }), ...frames]);
    writeFileSync(join(dir, segmentFileName(1)), Buffer.concat([whole, Buffer.alloc(20, 0xff)]));
    {
      const { wal, replay } = await openWal(dir, { segmentTargetBytes: 4096 });
      expect(allEvents(replay)).toEqual(['old']);
      expect(replay.tornTail).toMatchObject({ offsetBytes: whole.length, droppedBytes: 20 });
      expect(statSync(join(dir, segmentFileName(1))).size).toBe(whole.length);
      expect(wal.segments()).toEqual([segmentFileName(1), segmentFileName(2)]);
      await commitTx(wal, ['new']);
      await wal.close();
    }
    const { wal, replay } = await openWal(dir, { segmentTargetBytes: 4096 });
    expect(allEvents(replay)).toEqual(['old', 'new']);
    expect(replay.segments.map((x) => x.version)).toEqual([1, 2]);
    expect(readFileSync(join(dir, segmentFileName(1))).equals(whole)).toBe(true);
    await wal.close();
  });

  it('the next LSN stays above the active segment base even when every frame of that segment was lost', async () => {
    // Found by the deep model-based run: a crash cut the frames holding LSNs 5 and 6 off segment 1
    // after rotation had created segment 2 with base LSN 7, and a second crash lost every frame of
    // segment 2. LSNs 5 and 6 are on disk nowhere, yet segment 2 is filed from 7 on.
    const dir = tempDir('base-floor');
    const header = (segmentId: number, baseLsn: number) => encodeSegmentHeader({ version: 1, segmentId, baseLsn });
    const frames = [
      encodeFrameV1({ kind: 'TxBegin', lsn: 1 }),
      encodeFrameV1({ kind: 'MutationBatch', lsn: 2, txBeginLsn: 1, events: [ev('kept')] }),
      encodeFrameV1({ kind: 'TxCommit', lsn: 3, txBeginLsn: 1 }),
      encodeFrameV1({ kind: 'TxBegin', lsn: 4 }),
    ];
    writeFileSync(join(dir, segmentFileName(1)), Buffer.concat([header(1, 1), ...frames]));
    writeFileSync(join(dir, segmentFileName(2)), header(2, 7));
    {
      const { wal, replay } = await openWal(dir);
      expect(allEvents(replay)).toEqual(['kept']);
      // A v1 log: its active segment (2, base 7, no record) is sealed and a v2 segment 3 follows,
      // whose base must be above 7: LSN 7 is never used.
      expect(wal.nextLsn()).toBe(8);
      expect(wal.segments()).toEqual([segmentFileName(1), segmentFileName(2), segmentFileName(3)]);
      await commitTx(wal, ['after']);
      await wal.close();
    }
    const { wal, replay } = await openWal(dir);
    expect(allEvents(replay)).toEqual(['kept', 'after']);
    await wal.close();
  });

  it('the next LSN stays above the active segment base in a v2 log too, and the writer continues in that segment', async () => {
    const dir = tempDir('base-floor-v2');
    const s1 = segmentSalt(1, 1);
    const frames = [
      encodeFrame({ kind: 'TxBegin', lsn: 1 }, s1),
      encodeFrame({ kind: 'MutationBatch', lsn: 2, txBeginLsn: 1, events: [ev('kept')] }, s1),
      encodeFrame({ kind: 'TxCommit', lsn: 3, txBeginLsn: 1 }, s1),
    ];
    const first = Buffer.concat([encodeSegmentHeader({ segmentId: 1, baseLsn: 1, salt: s1 }), ...frames]);
    writeFileSync(join(dir, segmentFileName(1)), first);
    writeFileSync(join(dir, segmentFileName(2)), encodeSegmentHeader({ segmentId: 2, baseLsn: 7, salt: segmentSalt(2, 7), previousEnd: first.length }));
    {
      const { wal, replay } = await openWal(dir);
      expect(allEvents(replay)).toEqual(['kept']);
      expect(wal.nextLsn()).toBe(7);
      expect(wal.segments()).toEqual([segmentFileName(1), segmentFileName(2)]);
      await commitTx(wal, ['after']);
      await wal.close();
    }
    const { wal, replay } = await openWal(dir);
    expect(allEvents(replay)).toEqual(['kept', 'after']);
    await wal.close();
  });

  it('a flipped byte inside a sealed segment fails open with Corruption naming segment and offset, and truncates nothing', async () => {
    const dir = tempDir('corrupt-sealed');
    {
      const { wal } = await openWal(dir, { segmentTargetBytes: 64 });
      for (let i = 0; i < 3; i++) await commitTx(wal, [`event-${i}`]);
      await wal.close();
    }
    const sealed = join(dir, segmentFileName(1));
    const bytes = readFileSync(sealed);
    const size = bytes.length;
    bytes[SEGMENT_HEADER_BYTES + 16] = (bytes[SEGMENT_HEADER_BYTES + 16] ?? 0) ^ 0x10;
    writeFileSync(sealed, bytes);
    const error = await expectWalError(openWal(dir), 'Corruption');
    expect(error.info).toMatchObject({ segment: segmentFileName(1), offsetBytes: SEGMENT_HEADER_BYTES });
    expect(statSync(sealed).size).toBe(size);
  });

  it('a checkpoint marker is recorded and observed by replay', async () => {
    const dir = tempDir('marker');
    let commit = 0;
    {
      const { wal } = await openWal(dir);
      commit = await commitTx(wal, ['1']);
      await wal.checkpointMarker(commit);
      await wal.flush();
      await wal.close();
    }
    const { wal, replay } = await openWal(dir);
    expect(replay.checkpointObserved).toBe(commit);
    await wal.close();
  });

  it('under group, flush does not advance the durable LSN and the background flusher does', async () => {
    const { wal } = await openWal(tempDir('group'), { sync: { mode: 'group', intervalMs: 10 } });
    const c = await commitTx(wal, ['1']);
    expect(wal.durableLsn()).toBe(0);
    await wal.waitDurable(c);
    expect(wal.durableLsn()).toBe(wal.nextLsn() - 1);
    await wal.close();
  });

  it('under none, flush never claims durability and forceFsync does', async () => {
    const { wal } = await openWal(tempDir('none'), { sync: { mode: 'none' } });
    await commitTx(wal, ['1']);
    expect(wal.durableLsn()).toBe(0);
    await wal.forceFsync();
    expect(wal.durableLsn()).toBe(3);
    await wal.close();
  });

  it('forceFsync advances the durable LSN under group before the flusher runs', async () => {
    const { wal } = await openWal(tempDir('force'), { sync: { mode: 'group', intervalMs: 60_000 } });
    await commitTx(wal, ['1']);
    expect(wal.durableLsn()).toBe(0);
    await wal.forceFsync();
    expect(wal.durableLsn()).toBe(3);
    await wal.close();
  });

  it('truncateUpTo drops old sealed segments, keeping the active one and the one before it', async () => {
    const dir = tempDir('truncate');
    const { wal } = await openWal(dir, { segmentTargetBytes: 64 });
    let last = 0;
    for (let i = 0; i < 5; i++) last = await commitTx(wal, [`${i}`]);
    const before = wal.segments().length;
    expect(before).toBeGreaterThanOrEqual(4);
    await wal.truncateUpTo(last);
    expect(wal.segments()).toHaveLength(2);
    expect(readdirSync(dir).filter((n) => n.endsWith('.wal'))).toHaveLength(2);
    await wal.close();
    const reopened = await openWal(dir, { segmentTargetBytes: 64, checkpointLsn: last });
    expect(reopened.replay.transactions).toEqual([]);
    expect(reopened.wal.nextLsn()).toBe(last + 1);
    await reopened.wal.close();
  });

  it('concurrent committers under per-commit awaiting waitDurable share one fdatasync', async () => {
    const faulty = faultyNodeFs();
    const { wal } = await openWal(tempDir('share'), { fs: faulty.fs });
    const before = faulty.datasyncs();
    await Promise.all(
      Array.from({ length: 16 }, async (_, i) => {
        const { commitLsn } = await wal.writeTransaction([ev(`c${i}`)]);
        await wal.waitDurable(commitLsn);
        expect(wal.durableLsn()).toBeGreaterThanOrEqual(commitLsn);
      }),
    );
    expect(faulty.datasyncs() - before).toBe(1);
    await wal.close();
  });

  it('under per-commit, flush() fdatasyncs only what is not durable yet', async () => {
    const faulty = faultyNodeFs();
    const { wal } = await openWal(tempDir('flush-durable'), { fs: faulty.fs });
    const { commitLsn } = await wal.writeTransaction([ev('acknowledged')]);
    await wal.waitDurable(commitLsn);
    expect(wal.durableLsn()).toBe(commitLsn);
    const before = faulty.datasyncs();
    await wal.flush();
    expect(faulty.datasyncs() - before).toBe(0);
    // Low-level appends are written, not synced, until a commit or a flush.
    const begin = await wal.begin();
    const appended = await wal.append(begin, ev('open'));
    await wal.flush();
    expect(faulty.datasyncs() - before).toBe(1);
    expect(wal.durableLsn()).toBe(appended);
    await wal.close();
  });

  it('close() reports the failure of its last fdatasync, and still releases the directory', async () => {
    const dir = tempDir('close-eio');
    const faulty = faultyNodeFs();
    const { wal } = await openWal(dir, { fs: faulty.fs, sync: { mode: 'none' } });
    await wal.writeTransaction([ev('not yet durable')]);
    faulty.arm({ fsync: 'EIO' });
    const failure = await expectWalError(wal.close(), 'IoError');
    expect(failure.message).toMatch(/EIO/);
    const reopened = await openWal(dir);
    await reopened.wal.close();
  });

  it('under sync none, waitDurable waits for forceFsync and makes no fdatasync of its own', async () => {
    const faulty = faultyNodeFs();
    const { wal } = await openWal(tempDir('wait-none'), { fs: faulty.fs, sync: { mode: 'none' } });
    const { commitLsn } = await wal.writeTransaction([ev('one')]);
    const before = faulty.datasyncs();
    const waiting = wal.waitDurable(commitLsn);
    expect([await settlesWithin(waiting, 20), faulty.datasyncs() - before, wal.durableLsn()]).toEqual([false, 0, 0]);
    await wal.forceFsync();
    expect([await settlesWithin(waiting, 20), faulty.datasyncs() - before]).toEqual([true, 1]);
    await wal.close();
  });

  it('waitDurable of an LSN not yet allocated, or of no LSN at all, is refused with InvalidArgument; LSN 0 needs no wait', async () => {
    const { wal } = await openWal(tempDir('wait-future'));
    const { commitLsn } = await wal.writeTransaction([ev('one')]);
    for (const lsn of [5, commitLsn + 1, -1, 0.5, Number.NaN, 2 ** 53]) await expectWalError(wal.waitDurable(lsn), 'InvalidArgument');
    const refused = await expectWalError(wal.waitDurable(5), 'InvalidArgument');
    expect(refused.info).toEqual({ code: 'InvalidArgument', argument: 'lsn', detail: `5 has not been allocated (next LSN ${commitLsn + 1})` });
    await expect(wal.waitDurable(0)).resolves.toBeUndefined();
    await expect(wal.waitDurable(commitLsn)).resolves.toBeUndefined();
    await wal.close();
  });

  it('a failed write poisons the WAL and cuts the segment back to the last whole frame', async () => {
    const dir = tempDir('enospc');
    const faulty = faultyNodeFs();
    const segment = join(dir, segmentFileName(1));
    {
      const { wal } = await openWal(dir, { fs: faulty.fs });
      await commitTx(wal, ['kept']);
      const size = statSync(segment).size;
      faulty.arm({ write: 'ENOSPC' });
      const error = await expectWalError(commitTx(wal, ['lost']), 'IoError');
      expect(error.info).toMatchObject({ errno: 'ENOSPC' });
      expect(statSync(segment).size).toBe(size);
      expect(wal.poisoned()).toMatch(/ENOSPC/);
      await expectWalError(wal.begin(), 'Poisoned');
      await wal.close();
    }
    const { wal, replay } = await openWal(dir);
    expect(allEvents(replay)).toEqual(['kept']);
    expect(replay.tornTail).toBeNull();
    await wal.close();
  });

  it('a short write is a failed write: poisoned and cut back', async () => {
    const dir = tempDir('short');
    const faulty = faultyNodeFs();
    const { wal } = await openWal(dir, { fs: faulty.fs });
    await commitTx(wal, ['kept']);
    const size = statSync(join(dir, segmentFileName(1))).size;
    faulty.arm({ write: 'short' });
    await expectWalError(commitTx(wal, ['lost']), 'IoError');
    expect(statSync(join(dir, segmentFileName(1))).size).toBe(size);
    await wal.close();
  });

  it('a failed fsync poisons for good: the durable LSN stays and no later call retries it', async () => {
    const faulty = faultyNodeFs();
    const { wal } = await openWal(tempDir('eio'), { fs: faulty.fs });
    await commitTx(wal, ['1']);
    const durable = wal.durableLsn();
    const b = await wal.begin();
    await wal.append(b, ev('2'));
    const c = await wal.commit(b);
    const waiting = wal.waitDurable(c);
    faulty.arm({ fsync: 'EIO' });
    await expectWalError(waiting, 'Poisoned');
    expect(wal.durableLsn()).toBe(durable);
    const syncsAfterFailure = faulty.datasyncs();
    await expectWalError(wal.forceFsync(), 'Poisoned');
    await expectWalError(wal.flush(), 'Poisoned');
    await wal.close();
    expect(faulty.datasyncs()).toBe(syncsAfterFailure);
  });

  it('bad options are rejected with InvalidOption naming the option', async () => {
    const dir = tempDir('options');
    const cases: [unknown, string][] = [
      [{ sync: { mode: 'group' } }, 'sync.intervalMs'],
      [{ sync: { mode: 'sometimes' } }, 'sync.mode'],
      [{ segmentTargetBytes: 10 }, 'segmentTargetBytes'],
      [{ checkpointLsn: -1 }, 'checkpointLsn'],
      [{ colour: 'blue' }, 'options'],
    ];
    for (const [options, option] of cases) {
      const error = await expectWalError(openWal(dir, options as never), 'InvalidOption');
      expect((error.info as { option: string }).option).toBe(option);
    }
  });

  it('WALREF_TRACE records the actions as ndjson named like the spec', async () => {
    const dir = tempDir('trace');
    const tracePath = join(dir, 'trace.ndjson');
    process.env['WALREF_TRACE'] = tracePath;
    try {
      const { wal } = await openWal(join(dir, 'wal'));
      const r = wal.recorder();
      r.arm();
      r.record(ev('a'));
      await r.commit();
      await r.flush();
      await wal.close();
    } finally {
      delete process.env['WALREF_TRACE'];
    }
    const actions = readFileSync(tracePath, 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { action: string }).action);
    expect(actions).toEqual(['Recover', 'Arm', 'Record', 'Commit', 'Flush', 'Close']);
  });
});

describe('streaming replay', () => {
  it('replayDir streams the committed transactions in small chunks, takes no lock and modifies nothing', async () => {
    const dir = tempDir('stream');
    const { wal } = await openWal(dir, { segmentTargetBytes: 200 });
    for (let i = 0; i < 20; i++) await commitTx(wal, [`event-${i}`, 'y'.repeat(i)]);
    const b = await wal.begin();
    await wal.append(b, ev('open'));
    await wal.flush();
    const { replayDir } = await import('../../src/index.js');
    const seen: string[] = [];
    const iterator = replayDir(dir, { chunkBytes: 7 });
    let step = await iterator.next();
    for (; step.done !== true; step = await iterator.next()) seen.push(text(step.value.events[0]!));
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => `event-${i}`));
    expect(step.value.segments.length).toBeGreaterThan(3);
    // The writer still holds its lock and keeps going.
    await commitTx(wal, ['after']);
    await wal.close();
  });

  it('openWal with onTransaction hands over each transaction and leaves replay.transactions empty', async () => {
    const dir = tempDir('on-transaction');
    {
      const { wal } = await openWal(dir);
      await commitTx(wal, ['a']);
      await commitTx(wal, ['b']);
      await wal.close();
    }
    const seen: number[] = [];
    const { wal, replay } = await openWal(dir, { onTransaction: (t) => seen.push(t.commitLsn) });
    expect(seen).toEqual([3, 6]);
    expect(replay.transactions).toEqual([]);
    await wal.close();
  });
});
