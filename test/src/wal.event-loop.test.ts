// The host's event loop keeps turning while walref commits: a bystander that does nothing but
// `await setImmediate` counts its turns beside commit loops on the real disk. These count turns,
// never time: speed is measured by `npm run bench` (the bystander case), not asserted here.
import { describe, expect, it } from 'vitest';
import { openWal, replayDir } from '../../src/index.js';
import { ev, tempDir } from './helpers.js';

/** Runs `work` beside a bystander loop and returns how many turns the bystander got. */
async function bystanderTurns(work: () => Promise<void>): Promise<number> {
  let turns = 0;
  let stop = false;
  const bystander = (async () => {
    while (!stop) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      turns += 1;
    }
  })();
  await work();
  stop = true;
  await bystander;
  return turns;
}

describe('the event loop turns while walref works', () => {
  for (const io of ['non-blocking', 'blocking'] as const) {
    it(`ByDefaultAndWithIo${io === 'blocking' ? 'Blocking' : 'NonBlocking'}TheBystanderGetsATurnDuringEveryPerCommitFlush`, async () => {
      const { wal } = await openWal(tempDir('loop'), { io });
      const recorder = wal.recorder();
      const commits = 20;
      const turns = await bystanderTurns(async () => {
        for (let i = 0; i < commits; i++) {
          recorder.arm();
          recorder.record(ev(`e${i}`));
          await recorder.commit();
          await recorder.flush();
        }
      });
      expect(turns).toBeGreaterThanOrEqual(commits);
      expect(wal.durableLsn()).toBe(wal.nextLsn() - 1);
      await wal.close();
    });
  }

  it('ATimerSetBeforeALongLoopOfCommitsThatNeverWaitForTheDiskStillFires', async () => {
    // Group policy, flush only writes to the page cache: every await settles at once. The turn
    // gate still hands the event loop a turn once the loop has run for a millisecond.
    const { wal } = await openWal(tempDir('gate'), { sync: { mode: 'group', intervalMs: 60_000 } });
    const recorder = wal.recorder();
    let fired = false;
    setTimeout(() => (fired = true), 0);
    let commits = 0;
    while (!fired && commits < 200_000) {
      recorder.arm();
      recorder.record(ev('x'));
      await recorder.commit();
      await recorder.flush();
      commits += 1;
    }
    expect(fired).toBe(true);
    // A millisecond of commits is a few hundred at most; without the gate the loop runs to its bound.
    expect(commits).toBeLessThan(20_000);
    await wal.close();
  });

  it('ATimerFiresDuringALongLoopOfReadOnlyQueriesThatWriteNothing', async () => {
    const { wal } = await openWal(tempDir('readonly'));
    const recorder = wal.recorder();
    let fired = false;
    setTimeout(() => (fired = true), 0);
    let queries = 0;
    while (!fired && queries < 200_000) {
      recorder.arm();
      expect(await recorder.commit()).toBe('no');
      queries += 1;
    }
    expect(fired).toBe(true);
    expect(queries).toBeLessThan(100_000);
    await wal.close();
  });

  it('ReplayGivesTheEventLoopTurnsBetweenChunks', async () => {
    const dir = tempDir('replay');
    const { wal } = await openWal(dir, { sync: { mode: 'none' } });
    for (let i = 0; i < 64; i++) await wal.writeTransaction([new Uint8Array(4096).fill(i)]);
    await wal.close();
    let transactions = 0;
    const turns = await bystanderTurns(async () => {
      const sweep = replayDir(dir, { chunkBytes: 8192 });
      for await (const _ of sweep) transactions += 1;
    });
    expect(transactions).toBe(64);
    expect(turns).toBeGreaterThanOrEqual(16);
  });

  it('AnUnknownIoModeIsRefusedNamingTheOption', async () => {
    await expect(openWal(tempDir('io'), { io: 'threads' as never })).rejects.toMatchObject({ code: 'InvalidOption', info: { option: 'io' } });
  });
});
