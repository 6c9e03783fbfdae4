// Poison is sticky and refuses everything after it (src/wal-core.ts): a WAL the host quarantined
// refuses flush and forceFsync even when nothing is pending and everything written is durable,
// keeps the first reason it was given, and traces one Poison line however often it is poisoned.
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/core/trace.js';
import { openWal, WalError } from '../../src/index.js';
import { commitTx, tempDir } from './helpers.js';

const poisonedError = (reason: string) => expect.objectContaining({ code: 'Poisoned', message: expect.stringContaining(reason) as unknown });

describe('a poisoned Wal', () => {
  it('refuses flush and forceFsync with Poisoned even when nothing is pending and everything written is durable', async () => {
    const { wal } = await openWal(tempDir('poison-idle'));
    await commitTx(wal, ['a']);
    expect(wal.durableLsn()).toBe(wal.nextLsn() - 1);
    wal.poison('quarantined by the host');
    await expect(wal.flush()).rejects.toBeInstanceOf(WalError);
    await expect(wal.flush()).rejects.toEqual(poisonedError('quarantined by the host'));
    await expect(wal.forceFsync()).rejects.toEqual(poisonedError('quarantined by the host'));
    await expect(wal.begin()).rejects.toEqual(poisonedError('quarantined by the host'));
    await wal.close();
  });

  it('keeps the first reason, and traces one Poison line however often it is poisoned', async () => {
    const events: TraceEvent[] = [];
    const { wal } = await openWal(tempDir('poison-twice'), { trace: (event) => events.push(event) });
    wal.poison('first');
    wal.poison('second');
    wal.recorder().poison('third');
    expect(wal.poisoned()).toBe('first');
    expect(events.filter((e) => e.action === 'Poison')).toEqual([{ action: 'Poison', reason: 'first' }]);
    await wal.close();
  });
});
