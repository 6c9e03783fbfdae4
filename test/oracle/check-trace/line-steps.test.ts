// oracle/check-trace/line-steps.ts: one line over the candidate model states. A line no candidate
// allows is rejected with the property it breaks and words that say what the model does instead:
// one rejected trace per kind of line, each a good prefix and one bad line.
import { describe, expect, it } from 'vitest';
import { checkTraceText } from '../../../oracle/check-trace/check-trace.js';
import { LineOutcome } from '../../../oracle/check-trace/line-steps.js';
import { initialState } from '../../../model/index.js';
import { ndjson } from './trace-corpus.js';

const START = { action: 'Recover', nextLsn: 1, durableLsn: 0, sync: 'per-commit', checkpointLsn: 0, transactions: [] };
/** arm, record 'a', commit (LSNs 1..3) and flush under per-commit: durable. */
const ONE = [{ action: 'Arm' }, { action: 'Record', event: 'a' }, { action: 'Commit', wrote: true, beginLsn: 1, commitLsn: 3 }, { action: 'Flush', writtenLsn: 3, durableLsn: 3 }];

const rejected = (lines: readonly object[]) => checkTraceText(ndjson(lines));

describe('LineOutcome', () => {
  it('keeps every state a line allows, and the first reason a candidate did not fit (shown only when none is kept)', () => {
    const out = new LineOutcome();
    out.mismatch('Flush', 'first');
    out.mismatch('Fsync', 'second');
    out.keep(initialState('none'));
    expect(out.why).toEqual({ property: 'Flush', message: 'first' });
    expect(out.next).toEqual([initialState('none')]);
  });
});

describe('line steps: what a rejected line says', () => {
  it.each<[string, readonly object[], string, string]>([
    ['a Record outside an armed query', [START, { action: 'Record', event: 'a' }], 'Record', 'record() buffers an event only in an armed query of a healthy recorder; here it would poison or do nothing'],
    ['a Record after close', [START, { action: 'Close' }, { action: 'Record', event: 'a' }], 'Record', 'the process is down'],
    ['a Record after the host poisoned the WAL', [START, { action: 'Arm' }, { action: 'Poison', reason: 'host' }, { action: 'Record', event: 'a' }], 'Record', 'record() buffers an event only in an armed query of a healthy recorder; here it would poison or do nothing'],
    ['a Record in a query armed before a failed fsync', [START, ...ONE.slice(0, 3), { action: 'Arm' }, { action: 'Fsync', ok: false, durableLsn: 0 }, { action: 'Record', event: 'b' }], 'Record', 'record() buffers an event only in an armed query of a healthy recorder; here it would poison or do nothing'],
    ['a Recover under another sync policy', [START, { action: 'Close' }, { ...START, sync: 'group' }], 'SyncPolicy', "the trace reopens under group after running under per-commit; a trace keeps one sync policy (the spec's SyncPolicy constant)"],
    ['a Recover that loses a durable commit', [START, ...ONE, { ...START, nextLsn: 4, durableLsn: 3 }], 'DurabilityInv, ExactnessInv', 'no crash state the model allows recovers exactly these 0 transactions with nextLsn 4 and durableLsn 3'],
    ['a Recover that names a durable commit by another begin LSN', [START, ...ONE, { ...START, nextLsn: 4, durableLsn: 3, transactions: [{ beginLsn: 2, commitLsn: 3, events: ['a'] }] }], 'PrefixInv, DurabilityInv, AtomicityInv, ExactnessInv', 'no crash state the model allows recovers exactly these 1 transactions with nextLsn 4 and durableLsn 3'],
    ['a Commit whose LSNs the model does not give', [START, { action: 'Arm' }, { action: 'Record', event: 'a' }, { action: 'Commit', wrote: true, beginLsn: 2, commitLsn: 4 }], 'Commit', 'the model commits LSNs 1..3 with wrote=true'],
    ['a Commit that wrote nothing after a record', [START, { action: 'Arm' }, { action: 'Record', event: 'a' }, { action: 'Commit', wrote: false }], 'Commit', 'the model commits LSNs 1..3 with wrote=true'],
    ['a Commit that wrote after no record', [START, { action: 'Arm' }, { action: 'Commit', wrote: true, beginLsn: 1, commitLsn: 3 }], 'Commit', 'the model commits nothing (no event was recorded)'],
    ['an Abort that says it had events when it had none', [START, { action: 'Arm' }, { action: 'Abort', hadEvents: true }], 'Abort', 'the model says hadEvents=false'],
    ['a Flush that reports durability it did not get', [START, { action: 'Arm' }, { action: 'Record', event: 'a' }, { action: 'Commit', wrote: true, beginLsn: 1, commitLsn: 3 }, { action: 'Flush', writtenLsn: 3, durableLsn: 2 }], 'Flush', 'after flush the model has writtenLsn 3 and durableLsn 3 under the per-commit policy'],
    ['an Fsync that reports less than everything written', [START, ...ONE.slice(0, 3), { action: 'Fsync', ok: true, durableLsn: 2 }], 'DurabilityInv', 'an fsync makes everything written durable: durableLsn 3'],
    ['a failed Fsync that advances the durable LSN', [START, ...ONE.slice(0, 3), { action: 'Fsync', ok: false, durableLsn: 3 }], 'FsyncFail', 'a failed fsync never advances the durable LSN (fsyncgate): it stays 0, the line says 3'],
    ['a failed Fsync with nothing to sync', [START, { action: 'Fsync', ok: false, durableLsn: 0 }], 'FsyncFail', 'the model runs no fsync here (nothing to sync, poisoned or down)'],
    ['a checkpoint marker at another LSN', [START, ...ONE, { action: 'CheckpointMarker', lsn: 9, snapshotLsn: 3 }], 'CheckpointMarker', 'the model writes the marker at LSN 4'],
    ['a Poison after close', [START, { action: 'Close' }, { action: 'Poison', reason: 'host' }], 'Poison', 'the process is down'],
    ['a Close after close', [START, { action: 'Close' }, { action: 'Close' }], 'Close', 'the process is down'],
  ])('%s', (_name, lines, property, message) => {
    const verdict = rejected(lines);
    const last = lines[lines.length - 1] as { action: string };
    expect(verdict).toMatchObject({ verdict: 'rejected', line: lines.length, property, message: `${last.action}: ${message}` });
  });

  it('reads a Recover without a sync policy, or with null, as one under the policy of the trace', () => {
    for (const sync of [undefined, null]) {
      const again = { action: 'Recover', nextLsn: 1, durableLsn: 0, transactions: [], ...(sync === undefined ? {} : { sync }) };
      expect(rejected([START, { action: 'Close' }, again])).toMatchObject({ verdict: 'accepted' });
    }
  });

  it('tries a writing Commit with and without a rotation: only a rotation explains a commit that survives unsynced under none', () => {
    const none = { ...START, sync: 'none' };
    const query = (event: string, begin: number) => [{ action: 'Arm' }, { action: 'Record', event }, { action: 'Commit', wrote: true, beginLsn: begin, commitLsn: begin + 2 }];
    // The second commit's begin rotated the segment, which synced the first commit; the second was
    // never written, so a crash keeps exactly the first.
    const trace = [none, ...query('a', 1), ...query('b', 4), { ...none, nextLsn: 4, durableLsn: 3, transactions: [{ beginLsn: 1, commitLsn: 3, events: ['a'] }] }];
    expect(rejected(trace)).toMatchObject({ verdict: 'accepted' });
  });
});

