// openWal's `recovery` option on the real disk and on crash-sim: what each policy returns from a
// log this test damages itself, what it leaves on disk for the next open, and that the repair of a
// point-in-time cut survives a crash at any of its steps.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crashSpaceAt, enumerateCrashStates } from '../../crash-sim/crash-states.js';
import { SimFileSystem } from '../../crash-sim/sim-fs.js';
import { FRAME_HEADER_BYTES, segmentFileName, SEGMENT_HEADER_BYTES } from '../../src/core/format.js';
import { openWal, WalError, type FileSystem, type RecoveryPolicy, type Wal } from '../../src/index.js';
import { ev, tempDir, text } from './helpers.js';

async function commit(wal: Wal, event: string): Promise<number> {
  const { commitLsn } = await wal.writeTransaction([ev(event)]);
  await wal.waitDurable(commitLsn);
  return commitLsn;
}

async function openError(dir: string, recovery: RecoveryPolicy, fs?: FileSystem): Promise<WalError> {
  const error = await openWal(dir, { recovery, ...(fs === undefined ? {} : { fs }) }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WalError);
  return error as WalError;
}

const events = (replay: { transactions: readonly { events: readonly Uint8Array[] }[] }): string[] => replay.transactions.flatMap((t) => t.events.map(text));

/** Four segments, one transaction each (LSN 1-3, 4-6, 7-9, 10-12); the batch of the second is flipped. */
async function damagedLog(label: string): Promise<{ dir: string; offset: number }> {
  const dir = tempDir(label);
  const { wal } = await openWal(dir, { segmentTargetBytes: 64 });
  for (const e of ['a', 'b', 'c', 'd']) await commit(wal, e);
  await wal.close();
  const file = join(dir, segmentFileName(2));
  const bytes = readFileSync(file);
  // The TxBegin frame (a 12-byte prefix, a 9-byte body) after the header, then the batch: flip a byte of its body.
  const offset = SEGMENT_HEADER_BYTES + FRAME_HEADER_BYTES + 9;
  bytes[offset + 12] = (bytes[offset + 12] ?? 0) ^ 0xff;
  writeFileSync(file, bytes);
  return { dir, offset };
}

describe('recovery policies in openWal', () => {
  it('the recovery option is one of the four policies, validated like every option', async () => {
    const dir = tempDir('policy-option');
    // @ts-expect-error: not a recovery policy
    const error = await openWal(dir, { recovery: 'optimistic' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WalError);
    expect((error as WalError).info).toMatchObject({ code: 'InvalidOption', option: 'recovery' });
  });

  it('tolerate-torn-tail (the default) and absolute refuse a damaged sealed segment; absolute also refuses a torn tail', async () => {
    const { dir } = await damagedLog('policy-default');
    expect((await openError(dir, 'tolerate-torn-tail')).info).toMatchObject({ code: 'Corruption', segment: segmentFileName(2) });
    expect((await openError(dir, 'absolute')).info).toMatchObject({ code: 'Corruption', segment: segmentFileName(2) });

    const torn = tempDir('policy-absolute');
    // Not preallocated: the bytes appended below follow the last frame directly (after preallocated
    // zeros they would lie beyond a clean end).
    const { wal } = await openWal(torn, { preallocate: false });
    await commit(wal, 'a');
    await wal.close();
    const file = join(torn, segmentFileName(1));
    writeFileSync(file, Buffer.concat([readFileSync(file), Buffer.from([9, 0, 0])]));
    expect((await openError(torn, 'absolute')).info).toEqual({
      code: 'Damaged',
      policy: 'absolute',
      segment: segmentFileName(1),
      offsetBytes: readFileSync(file).length - 3,
      lsn: 3,
      cause: 'truncated-frame-header',
    });
    // Nothing was repaired: the default policy still finds the torn tail and cuts it.
    const opened = await openWal(torn);
    expect(opened.replay.tornTail).toMatchObject({ droppedBytes: 3 });
    await opened.wal.close();
  });

  it('point-in-time returns the prefix, moves the cut part aside into .cut files, and the log goes on from the prefix', async () => {
    const { dir, offset } = await damagedLog('policy-pit');
    const opened = await openWal(dir, { recovery: 'point-in-time', segmentTargetBytes: 64 });
    expect(events(opened.replay)).toEqual(['a']);
    expect(opened.replay.policyReport?.cut).toMatchObject({ segment: segmentFileName(2), offsetBytes: offset, lsn: 4, cutSegments: [segmentFileName(3), segmentFileName(4)] });
    // The LSNs of the cut part are not handed out again while this process runs.
    expect(opened.wal.nextLsn()).toBe(13);
    await commit(opened.wal, 'e');
    await opened.wal.close();
    const names = readdirSync(dir).sort();
    expect(names).toEqual(expect.arrayContaining([`${segmentFileName(2)}.cut`, `${segmentFileName(3)}.cut`, `${segmentFileName(4)}.cut`]));
    expect(readFileSync(join(dir, `${segmentFileName(2)}.cut`)).length).toBeGreaterThan(0);
    // The default policy now reads a clean log: the prefix, then what came after the cut.
    const again = await openWal(dir);
    expect(events(again.replay)).toEqual(['a', 'e']);
    await again.wal.close();
  });

  it('point-in-time at a sealed segment\'s damaged header cuts that segment whole, and the log goes on from the prefix in a segment with a good header', async () => {
    const dir = tempDir('policy-pit-header');
    const { wal } = await openWal(dir, { segmentTargetBytes: 64 });
    for (const e of ['a', 'b', 'c', 'd']) await commit(wal, e);
    await wal.close();
    const file = join(dir, segmentFileName(2));
    const bytes = readFileSync(file);
    bytes[5] = (bytes[5] ?? 0) ^ 0xff; // inside the header: its checksum fails
    writeFileSync(file, bytes);
    const opened = await openWal(dir, { recovery: 'point-in-time', segmentTargetBytes: 64 });
    expect(events(opened.replay)).toEqual(['a']);
    expect(opened.replay.policyReport?.cut).toMatchObject({ segment: segmentFileName(2), offsetBytes: 0, cutSegments: [segmentFileName(3), segmentFileName(4)] });
    await commit(opened.wal, 'e');
    await opened.wal.close();
    const again = await openWal(dir);
    expect(events(again.replay)).toEqual(['a', 'e']);
    expect(again.replay.tornTail).toBeNull();
    await again.wal.close();
  });

  it('point-in-time at the last segment\'s damaged header hands out no LSN of the frames behind it (the cut scans them under any salt)', async () => {
    // The magic (read as a damaged header whatever follows), and the header's checksum (torn or damaged, by what follows).
    for (const at of [0, 5]) {
      const dir = tempDir(`policy-pit-last-header-${at}`);
      const { wal } = await openWal(dir, { segmentTargetBytes: 64 });
      for (const e of ['a', 'b']) await commit(wal, e);
      await wal.close();
      const file = join(dir, segmentFileName(2));
      const bytes = readFileSync(file);
      bytes[at] = (bytes[at] ?? 0) ^ 0xff;
      writeFileSync(file, bytes);
      const opened = await openWal(dir, { recovery: 'point-in-time', segmentTargetBytes: 64 });
      expect(events(opened.replay), `byte ${at}`).toEqual(['a']);
      expect(opened.replay.policyReport?.cut, `byte ${at}`).toMatchObject({ segment: segmentFileName(2), offsetBytes: 0 });
      // Segment 2 held LSNs 4-6 behind its header: none of them is handed out again.
      expect(opened.wal.nextLsn(), `byte ${at}`).toBe(7);
      await opened.wal.close();
    }
  });

  it('skip-corrupted skips the damaged frame, drops its transaction, keeps the rest, and leaves the damage where the default still reports it', async () => {
    const { dir } = await damagedLog('policy-skip');
    const opened = await openWal(dir, { recovery: 'skip-corrupted' });
    expect(events(opened.replay)).toEqual(['a', 'c', 'd']);
    expect(opened.replay.policyReport?.skipped).toEqual([expect.objectContaining({ segment: segmentFileName(2), droppedTransactions: [4] })]);
    await commit(opened.wal, 'e');
    await opened.wal.close();
    const again = await openWal(dir, { recovery: 'skip-corrupted' });
    expect(events(again.replay)).toEqual(['a', 'c', 'd', 'e']);
    await again.wal.close();
    expect((await openError(dir, 'tolerate-torn-tail')).info).toMatchObject({ code: 'Corruption', segment: segmentFileName(2) });
  });

  it('every policy reopens an undamaged log in its active segment: nothing is sealed, and the next commit goes there', async () => {
    for (const recovery of ['tolerate-torn-tail', 'absolute', 'point-in-time', 'skip-corrupted'] as const) {
      const dir = tempDir(`policy-clean-${recovery}`);
      const { wal } = await openWal(dir);
      for (const e of ['a', 'b']) await commit(wal, e);
      await wal.close();
      const opened = await openWal(dir, { recovery });
      expect(events(opened.replay)).toEqual(['a', 'b']);
      expect(opened.wal.segments()).toEqual([segmentFileName(1)]);
      await commit(opened.wal, 'c');
      expect(opened.wal.segments()).toEqual([segmentFileName(1)]);
      await opened.wal.close();
    }
  });

  it('skip-corrupted seals an active segment it salvaged, so a later default open fails loudly instead of cutting commits', async () => {
    const dir = tempDir('policy-skip-active');
    const { wal } = await openWal(dir);
    for (const e of ['a', 'b', 'c']) await commit(wal, e);
    await wal.close();
    const file = join(dir, segmentFileName(1));
    const bytes = readFileSync(file);
    bytes[SEGMENT_HEADER_BYTES + 17 + 12] = (bytes[SEGMENT_HEADER_BYTES + 17 + 12] ?? 0) ^ 0xff;
    writeFileSync(file, bytes);
    const opened = await openWal(dir, { recovery: 'skip-corrupted' });
    expect(events(opened.replay)).toEqual(['b', 'c']);
    expect(opened.wal.segments()).toEqual([segmentFileName(1), segmentFileName(2)]);
    await commit(opened.wal, 'd');
    await opened.wal.close();
    expect((await openError(dir, 'tolerate-torn-tail')).info).toMatchObject({ code: 'Corruption', segment: segmentFileName(1) });
    const salvaged = await openWal(dir, { recovery: 'skip-corrupted' });
    expect(events(salvaged.replay)).toEqual(['b', 'c', 'd']);
    await salvaged.wal.close();
    expect(existsSync(join(dir, segmentFileName(3)))).toBe(false);
  });

  it('a crash at any step of a point-in-time repair leaves a log the next point-in-time open cuts to the same prefix', async () => {
    for (const knobs of [
      { ordered: true, safeAppend: true, dirSync: true, sectorBytes: 64 },
      { ordered: false, safeAppend: false, dirSync: true, sectorBytes: 16 },
    ]) {
      const sim = new SimFileSystem(knobs);
      const first = await openWal('/wal', { fs: sim, segmentTargetBytes: 64 });
      for (const e of ['a', 'b', 'c', 'd']) await commit(first.wal, e);
      await first.wal.close();
      const files = new Map<string, Uint8Array>();
      for (const name of sim.readdir('/wal')) if (name.endsWith('.wal')) files.set(`/wal/${name}`, sim.readFile(`/wal/${name}`));
      const second = files.get(`/wal/${segmentFileName(2)}`)!;
      second[SEGMENT_HEADER_BYTES + 17 + 12] = (second[SEGMENT_HEADER_BYTES + 17 + 12] ?? 0) ^ 0xff;
      // The damaged disk, loaded as a crash op so that crash states start from it.
      const damaged = new SimFileSystem(sim.knobs);
      damaged.crashTo(files, ['/wal'], 'a flipped byte in segment 2');
      const before = damaged.opLog.length;
      const repaired = await openWal('/wal', { fs: damaged, recovery: 'point-in-time' });
      expect(events(repaired.replay)).toEqual(['a']);
      await repaired.wal.close();
      let states = 0;
      for (let k = before; k <= damaged.opLog.length; k++) {
        for (const state of enumerateCrashStates(crashSpaceAt(damaged.knobs, damaged.opLog, k), { maxStates: 40, seed: k }).states) {
          states += 1;
          const again = await openWal('/wal', { fs: state.image(), recovery: 'point-in-time' });
          expect(events(again.replay), `crash after op ${k}\n${state.describe()}`).toEqual(['a']);
          await again.wal.close();
        }
      }
      expect(states).toBeGreaterThan(10);
    }
  });
});
