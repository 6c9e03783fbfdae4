// The recorder scenarios of lora_wal's recorder_adapter.rs as walref tests.
import { describe, expect, it } from 'vitest';
import { openWal, WalError } from '../../src/index.js';
import { ev, tempDir, text } from './helpers.js';

describe('Recorder', () => {
  it('is one per WAL: every recorder() call hands out the same one, armed query and all', async () => {
    const { wal } = await openWal(tempDir('one-recorder'));
    const r = wal.recorder();
    r.arm();
    r.record(ev('a'));
    expect(wal.recorder()).toBe(r);
    expect(await wal.recorder().commit()).toBe('yes');
    await wal.close();
  });

  it('a read-only query commits "no", writes nothing and allocates no LSN', async () => {
    const { wal } = await openWal(tempDir('readonly'));
    const r = wal.recorder();
    r.arm();
    expect(await r.commit()).toBe('no');
    expect(wal.nextLsn()).toBe(1);
    await wal.close();
  });

  it('a committed query writes TxBegin, one MutationBatch and TxCommit and replays as one transaction', async () => {
    const dir = tempDir('commit');
    {
      const { wal } = await openWal(dir);
      const r = wal.recorder();
      r.arm();
      r.record(ev('a'));
      r.record(ev('b'));
      expect(await r.commit()).toBe('yes');
      await r.flush();
      expect(wal.nextLsn()).toBe(4);
      expect(wal.durableLsn()).toBe(3);
      await wal.close();
    }
    const { wal, replay } = await openWal(dir);
    expect(replay.transactions).toHaveLength(1);
    expect(replay.transactions[0]?.events.map(text)).toEqual(['a', 'b']);
    await wal.close();
  });

  it('an aborted query is never replayed and abort reports that the store saw mutations', async () => {
    const dir = tempDir('abort');
    {
      const { wal } = await openWal(dir);
      const r = wal.recorder();
      r.arm();
      r.record(ev('gone'));
      expect(await r.abort()).toBe(true);
      expect(await r.abort()).toBe(false);
      expect(wal.nextLsn()).toBe(1);
      await wal.close();
    }
    const { wal, replay } = await openWal(dir);
    expect(replay.transactions).toEqual([]);
    await wal.close();
  });

  it('arming twice poisons the recorder and the WAL', async () => {
    const { wal } = await openWal(tempDir('arm-twice'));
    const r = wal.recorder();
    r.arm();
    expect(() => r.arm()).toThrow(WalError);
    expect(r.poisoned()).toMatch(/already armed/);
    expect(wal.poisoned()).toMatch(/already armed/);
    await expect(r.commit()).rejects.toMatchObject({ code: 'Poisoned' });
    await wal.close();
  });

  it('record outside an armed query poisons, and later calls are refused', async () => {
    const { wal } = await openWal(tempDir('record-outside'));
    const r = wal.recorder();
    r.record(ev('x'));
    expect(r.poisoned()).toMatch(/outside an armed query/);
    expect(() => r.arm()).toThrow(expect.objectContaining({ code: 'Poisoned' }));
    await expect(r.flush()).rejects.toMatchObject({ code: 'Poisoned' });
    await wal.close();
  });

  it('a poison the Wal latched without the recorder (here the host\'s wal.poison; a group flusher\'s failed fsync latches one the same way) refuses every recorder call that ends or syncs a query', async () => {
    for (const call of ['commit', 'abort', 'flush', 'forceFsync'] as const) {
      const { wal } = await openWal(tempDir(`wal-poison-${call}`), { sync: { mode: 'group', intervalMs: 3_600_000 } });
      const r = wal.recorder();
      r.arm();
      r.record(ev('x'));
      wal.poison('the host quarantined the log');
      await expect(r[call](), call).rejects.toMatchObject({ code: 'Poisoned', info: { reason: 'the host quarantined the log' } });
      expect(r.poisoned(), call).toBe('the host quarantined the log');
      expect(() => r.arm(), call).toThrow(WalError);
      await wal.close();
    }
  });

  it('poison() quarantines the recorder until the WAL is reopened', async () => {
    const dir = tempDir('poison');
    {
      const { wal } = await openWal(dir);
      const r = wal.recorder();
      r.poison('host saw a panic');
      expect(r.poisoned()).toBe('host saw a panic');
      await expect(r.forceFsync()).rejects.toMatchObject({ code: 'Poisoned' });
      await wal.close();
    }
    const { wal } = await openWal(dir);
    expect(wal.recorder().poisoned()).toBeNull();
    await wal.close();
  });
});
