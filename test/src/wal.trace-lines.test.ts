// src/wal.ts: each low-level call of a Wal traces one line once its step is adopted
// (docs/trace-format.md), carrying the LSNs the call returned, in call order. check-trace compares
// these lines with the model, so a call that traced nothing, or traced when no sink listens, would
// go unchecked or cost every host a trace.
import { describe, expect, it } from 'vitest';
import { openWal, type TraceEvent } from '../../src/index.js';
import { ev, tempDir } from './helpers.js';

const CALL_LINES = new Set(['Begin', 'Append', 'AppendBatch', 'WalCommit', 'WalAbort', 'Flush', 'Close']);

describe('the trace of a Wal’s low-level calls', () => {
  it('traces Begin, Append, AppendBatch, WalCommit, WalAbort, Flush and Close with the LSNs each call returned', async () => {
    const events: TraceEvent[] = [];
    // Per-commit: the Flush line's durable LSN is then the abort's, with no flusher timing in it.
    const { wal } = await openWal(tempDir('wal-trace-lines'), { sync: { mode: 'per-commit' }, trace: (event) => events.push(event) });
    const first = await wal.begin();
    const appended = await wal.append(first, ev('one'));
    const batched = await wal.appendBatch(first, [ev('two'), ev('three')]);
    const committed = await wal.commit(first);
    const second = await wal.begin();
    const aborted = await wal.abort(second);
    await wal.flush();
    await wal.close();
    expect(events.filter((event) => CALL_LINES.has(event.action))).toEqual([
      { action: 'Begin', beginLsn: first },
      { action: 'Append', txBeginLsn: first, lsn: appended, event: 'one' },
      { action: 'AppendBatch', txBeginLsn: first, lsn: batched, events: ['two', 'three'] },
      { action: 'WalCommit', txBeginLsn: first, commitLsn: committed },
      { action: 'Begin', beginLsn: second },
      { action: 'WalAbort', txBeginLsn: second, abortLsn: aborted },
      { action: 'Flush', writtenLsn: aborted, durableLsn: aborted },
      { action: 'Close' },
    ]);
    expect([first, appended, batched, committed, second, aborted]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('forceFsync traces the fdatasync it makes, with the durable LSN it reached', async () => {
    const events: TraceEvent[] = [];
    const { wal } = await openWal(tempDir('wal-trace-force'), { sync: { mode: 'none' }, trace: (event) => events.push(event) });
    const { commitLsn } = await wal.writeTransaction([ev('one')]);
    const before = events.length;
    await wal.forceFsync();
    expect(events.slice(before)).toContainEqual({ action: 'Fsync', ok: true, durableLsn: commitLsn });
    await wal.close();
  });

  it('the sync the shell starts on its own traces its fdatasync too: the group flusher\'s, and the one a per-commit waitDurable starts', async () => {
    for (const sync of [{ mode: 'group', intervalMs: 3_600_000, maxCommits: 1 }, { mode: 'per-commit' }] as const) {
      const events: TraceEvent[] = [];
      const { wal } = await openWal(tempDir('wal-trace-flusher'), { sync, trace: (event) => events.push(event) });
      const { commitLsn } = await wal.writeTransaction([ev('one')]);
      const before = events.length;
      // No flush, no forceFsync: the durable LSN moves only by the sync the shell starts itself.
      await wal.waitDurable(commitLsn);
      expect(events.slice(before), sync.mode).toContainEqual({ action: 'Fsync', ok: true, durableLsn: commitLsn });
      await wal.close();
    }
  });
});
