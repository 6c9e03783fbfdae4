// oracle/check-trace/check-trace.ts: the candidate set is bounded for memory, and the bound never
// decides a verdict. A valid trace that needs more than 512 candidates (the former cut) is
// accepted; one that needs more than the bound given is inconclusive, naming the line and the
// bound, and never rejected.
import { describe, expect, it } from 'vitest';
import { checkTraceText, DEFAULT_MAX_CANDIDATES } from '../../../oracle/check-trace/check-trace.js';
import { ndjson, recordTrace } from './trace-corpus.js';

/** The first line of a trace under policy none: the Recover of an empty directory. */
const START = { action: 'Recover', nextLsn: 1, durableLsn: 0, sync: 'none', checkpointLsn: 0, transactions: [] };

/** A later Recover under policy none that goes on at `nextLsn`, everything below it durable. */
const recovered = (nextLsn: number, transactions: readonly object[] = []) => ({ ...START, nextLsn, durableLsn: nextLsn - 1, transactions });

/**
 * A valid trace whose candidates multiply where it is silent: under policy none, `uncommitted`
 * low-level transactions (TxBegin + MutationBatch each) are flushed and lost to a crash that may
 * have kept any prefix of them (plus a stray), then `begins` more begins may each have rotated
 * the segment (making everything before them durable). Candidates: about (2 × uncommitted) kept
 * counts × (begins + 1) synced counts.
 */
function manyCandidatesTrace(uncommitted: number, begins: number): string {
  const lines: object[] = [START];
  let lsn = 1;
  for (let i = 0; i < uncommitted; i++) {
    lines.push({ action: 'Begin', beginLsn: lsn }, { action: 'AppendBatch', txBeginLsn: lsn, lsn: lsn + 1, events: ['e'] });
    lsn += 2;
  }
  lines.push({ action: 'Flush', writtenLsn: lsn - 1, durableLsn: 0 });
  lines.push({ action: 'Recover', nextLsn: lsn, durableLsn: lsn - 1, sync: 'none', checkpointLsn: 0, transactions: [] });
  for (let i = 0; i < begins; i++) lines.push({ action: 'Begin', beginLsn: lsn++ });
  return ndjson(lines);
}

describe('check-trace never rejects a trace because of its candidate bound', () => {
  it('accepts a valid trace with more than 512 candidate model states', () => {
    const verdict = checkTraceText(manyCandidatesTrace(10, 30));
    expect(verdict).toMatchObject({ verdict: 'accepted', ok: true, lines: 53 });
    if (verdict.verdict !== 'accepted') return;
    expect(verdict.peakCandidates).toBeGreaterThan(512);
    expect(verdict.peakCandidates).toBeLessThanOrEqual(DEFAULT_MAX_CANDIDATES);
  });

  it('reports a trace that needs more candidates than the bound as inconclusive, naming the line and the bound', () => {
    const verdict = checkTraceText(manyCandidatesTrace(10, 30), { maxCandidates: 100 });
    expect(verdict).toMatchObject({ verdict: 'inconclusive', ok: false });
    if (verdict.verdict !== 'inconclusive') return;
    expect(verdict.reason).toContain('bound of 100');
    expect(verdict.reason).toContain('nothing was rejected');
    expect(verdict.line).toBeGreaterThan(23);
  });

  it('accepts a trace whose peak is exactly the bound, and calls it inconclusive one below', () => {
    const text = manyCandidatesTrace(3, 3);
    const free = checkTraceText(text);
    expect(free).toMatchObject({ verdict: 'accepted' });
    if (free.verdict !== 'accepted') return;
    expect(checkTraceText(text, { maxCandidates: free.peakCandidates })).toMatchObject({ verdict: 'accepted', peakCandidates: free.peakCandidates });
    expect(checkTraceText(text, { maxCandidates: free.peakCandidates - 1 })).toMatchObject({ verdict: 'inconclusive' });
  });

  it('still rejects an invalid trace under a bound it never reaches', () => {
    const bad = `${manyCandidatesTrace(2, 2)}\n${JSON.stringify({ action: 'Begin', beginLsn: 1 })}`;
    expect(checkTraceText(bad, { maxCandidates: 100 })).toMatchObject({ verdict: 'rejected', property: 'Begin' });
  });
});

describe('check-trace starts from the Recover of an empty directory', () => {
  it('accepts that first line, and rejects as Init a first Recover that found anything', () => {
    expect(checkTraceText(JSON.stringify(START))).toMatchObject({ verdict: 'accepted' });
    const found = [
      { ...START, nextLsn: 4 },
      { ...START, durableLsn: 3 },
      { ...START, transactions: [{ beginLsn: 1, commitLsn: 3, events: ['e'] }] },
    ];
    for (const line of found) {
      expect(checkTraceText(JSON.stringify(line)), JSON.stringify(line)).toMatchObject({ verdict: 'rejected', line: 1, property: 'Init', message: expect.stringContaining('Recover of an empty directory') });
    }
  });
});

describe('check-trace lets a Recover miss truncated records only after a truncation removed segments', () => {
  it('keeps the disks a truncation may have shortened as candidates, and none when it removed nothing', async () => {
    const trace = await recordTrace('per-commit');
    expect(trace.filter((l) => l.action === 'TruncateUpTo').map((l) => (l['removedSegments'] as string[]).length)).toEqual([2]);
    const removed = checkTraceText(ndjson(trace));
    const kept = checkTraceText(ndjson(trace.map((l) => (l.action === 'TruncateUpTo' ? { ...l, removedSegments: [] } : l))));
    expect(removed).toMatchObject({ verdict: 'accepted' });
    expect(kept).toMatchObject({ verdict: 'accepted', candidates: 1 });
    if (removed.verdict !== 'accepted' || kept.verdict !== 'accepted') return;
    // The records below the snapshot are the host's, so either disk replays the same: only the candidates differ.
    expect(removed.candidates).toBeGreaterThan(kept.candidates);
  });
});

describe('check-trace tries every crash choice before a Recover', () => {
  // Under policy none: tx 1's begin and batch are synced, its commit (LSN 3) and the begin at 4
  // only written. A crash that loses the commit but keeps the next segment's header, whose base LSN
  // is 4, recovers no transaction and must go on at LSN 4 (crash-sim's floor): no crash choice that
  // keeps a prefix, with or without a stray frame after it, explains that Recover.
  const lines = [
    START,
    { action: 'Begin', beginLsn: 1 },
    { action: 'AppendBatch', txBeginLsn: 1, lsn: 2, events: ['e'] },
    { action: 'Flush', writtenLsn: 2, durableLsn: 0 },
    { action: 'Fsync', ok: true, durableLsn: 2 },
    { action: 'WalCommit', txBeginLsn: 1, commitLsn: 3 },
    { action: 'Begin', beginLsn: 4 },
    { action: 'Flush', writtenLsn: 4, durableLsn: 2 },
  ];

  it('accepts a crash that lost a commit and kept the header of the segment after it', () => {
    expect(checkTraceText(ndjson([...lines, recovered(4)]))).toMatchObject({ verdict: 'accepted' });
  });

  it('rejects a floor no segment header could have set', () => {
    expect(checkTraceText(ndjson([...lines, recovered(6)]))).toMatchObject({ verdict: 'rejected', line: 9 });
  });
});

describe('check-trace after a Close', () => {
  const tx1 = [
    { action: 'Begin', beginLsn: 1 },
    { action: 'AppendBatch', txBeginLsn: 1, lsn: 2, events: ['e'] },
    { action: 'WalCommit', txBeginLsn: 1, commitLsn: 3 },
  ];
  const recover = (nextLsn: number, committed: boolean) => recovered(nextLsn, committed ? [{ beginLsn: 1, commitLsn: 3, events: ['e'] }] : []);

  it('a clean close keeps every record, even those still buffered', () => {
    const closed = [START, ...tx1, { action: 'Close' }];
    expect(checkTraceText(ndjson([...closed, recover(4, true)]))).toMatchObject({ verdict: 'accepted' });
    for (const lost of [recover(1, false), recover(3, false)]) expect(checkTraceText(ndjson([...closed, lost]))).toMatchObject({ verdict: 'rejected', line: 6 });
  });

  it('a poisoned WAL closes keeping any count of records between the synced and the written ones', () => {
    // Written up to LSN 3, then a begin at 4 buffered, then the WAL is poisoned: the begin is never written.
    const closed = [START, ...tx1, { action: 'Flush', writtenLsn: 3, durableLsn: 0 }, { action: 'Begin', beginLsn: 4 }, { action: 'Poison', reason: 'planted' }, { action: 'Close' }];
    for (const [nextLsn, committed] of [[1, false], [2, false], [3, false], [4, true]] as const) {
      expect(checkTraceText(ndjson([...closed, recover(nextLsn, committed)])), `next LSN ${nextLsn}`).toMatchObject({ verdict: 'accepted' });
    }
    expect(checkTraceText(ndjson([...closed, recover(5, true)]))).toMatchObject({ verdict: 'rejected', line: 9 });
  });
});

describe('check-trace names what the model refused', () => {
  const closed = [START, { action: 'Close' }];
  const poisoned = [START, { action: 'Poison', reason: 'planted' }];
  // Each case: the lines after the first Recover, the property and the words of the rejection.
  const cases: [string, object[], string, string][] = [
    ['Close while down', [...closed, { action: 'Close' }], 'Close', 'Close: the process is down'],
    ['Record while down', [...closed, { action: 'Record', event: 'e' }], 'Record', 'Record: the process is down'],
    ['Record while not armed', [START, { action: 'Record', event: 'e' }], 'Record', 'Record: record() buffers an event only in an armed query of a healthy recorder; here it would poison or do nothing'],
    ['a second sync policy', [...closed, { ...START, sync: 'group' }], 'SyncPolicy', 'Recover: the trace reopens under group after running under none; a trace keeps one sync policy'],
    ['Commit while not armed', [START, { action: 'Commit', wrote: false }], 'Commit', 'Commit: the model refuses commit() here (not armed, or poisoned)'],
    ['Commit that wrote with nothing recorded', [START, { action: 'Arm' }, { action: 'Commit', wrote: true, beginLsn: 1, commitLsn: 3 }], 'Commit', 'Commit: the model commits nothing (no event was recorded)'],
    ['Commit at other LSNs', [START, { action: 'Arm' }, { action: 'Record', event: 'e' }, { action: 'Commit', wrote: true, beginLsn: 1, commitLsn: 9 }], 'Commit', 'Commit: the model commits LSNs 1..3 with wrote=true'],
    ['Abort while down', [...closed, { action: 'Abort', hadEvents: false }], 'Abort', 'Abort: the model refuses abort() here'],
    ['Abort with events it had not', [START, { action: 'Arm' }, { action: 'Abort', hadEvents: true }], 'Abort', 'Abort: the model says hadEvents=false'],
    ['Flush while down', [...closed, { action: 'Flush', writtenLsn: 0, durableLsn: 0 }], 'Flush', 'Flush: the model refuses flush() here (poisoned or down)'],
    ['Flush at other LSNs', [START, { action: 'Begin', beginLsn: 1 }, { action: 'Flush', writtenLsn: 2, durableLsn: 0 }], 'Flush', 'Flush: after flush the model has writtenLsn 1 and durableLsn 0 under the none policy'],
    ['Fsync while down', [...closed, { action: 'Fsync', ok: true, durableLsn: 0 }], 'Fsync', 'Fsync: the model runs no fsync here (poisoned or down)'],
    ['Fsync short of what was written', [START, { action: 'Begin', beginLsn: 1 }, { action: 'Flush', writtenLsn: 1, durableLsn: 0 }, { action: 'Fsync', ok: true, durableLsn: 0 }], 'DurabilityInv', 'Fsync: an fsync makes everything written durable: durableLsn 1'],
    ['a failed fsync that advanced', [START, { action: 'Begin', beginLsn: 1 }, { action: 'Flush', writtenLsn: 1, durableLsn: 0 }, { action: 'Fsync', ok: false, durableLsn: 1 }], 'FsyncFail', 'Fsync: a failed fsync never advances the durable LSN (fsyncgate): it stays 0, the line says 1'],
    ['a failed fsync with nothing to sync', [...poisoned, { action: 'Fsync', ok: false, durableLsn: 0 }], 'FsyncFail', 'Fsync: the model runs no fsync here (nothing to sync, poisoned or down)'],
    ['a marker for a snapshot ahead of it', [START, { action: 'CheckpointMarker', lsn: 1, snapshotLsn: 5 }], 'CheckpointMarker', 'CheckpointMarker: the model refuses a checkpoint marker for snapshot LSN 5 here'],
    ['a marker at another LSN', [START, { action: 'Begin', beginLsn: 1 }, { action: 'CheckpointMarker', lsn: 5, snapshotLsn: 0 }], 'CheckpointMarker', 'CheckpointMarker: the model writes the marker at LSN 2'],
    ['a truncation above the snapshot', [START, { action: 'TruncateUpTo', upToLsn: 5, removedSegments: [] }], 'TruncateUpTo', 'TruncateUpTo: the host may only truncate what its snapshot covers (checkpoint LSN 0), and not when poisoned'],
    ['Poison while down', [...closed, { action: 'Poison', reason: 'x' }], 'Poison', 'Poison: the process is down'],
    ['Begin while down', [...closed, { action: 'Begin', beginLsn: 1 }], 'Begin', 'Begin: the model refuses begin() here (poisoned or down)'],
    ['Begin at another LSN', [START, { action: 'Begin', beginLsn: 7 }], 'Begin', 'Begin: the model begins at LSN 1'],
    ['an append to no open transaction', [START, { action: 'Append', txBeginLsn: 1, lsn: 1, event: 'e' }], 'Append', 'Append: the model refuses to append to transaction 1 (not open, poisoned or down)'],
    ['an append at another LSN', [START, { action: 'Begin', beginLsn: 1 }, { action: 'Append', txBeginLsn: 1, lsn: 5, event: 'e' }], 'Append', 'Append: the model appends at LSN 2'],
    ['a commit of no open transaction', [START, { action: 'WalCommit', txBeginLsn: 1, commitLsn: 1 }], 'WalCommit', 'WalCommit: the model refuses to close transaction 1 (not open, poisoned or down)'],
    ['an abort at another LSN', [START, { action: 'Begin', beginLsn: 1 }, { action: 'WalAbort', txBeginLsn: 1, abortLsn: 5 }], 'WalAbort', 'WalAbort: the model closes it at LSN 2'],
  ];
  for (const [name, lines, property, message] of cases) {
    it(`${name}: ${property}`, () => {
      const verdict = checkTraceText(ndjson(lines));
      expect(verdict).toMatchObject({ verdict: 'rejected', line: lines.length, property });
      if (verdict.verdict === 'rejected') expect(verdict.message.startsWith(message), verdict.message).toBe(true);
    });
  }

  it('a second Arm: the Arm property, and why the model refuses it', () => {
    const lines = [START, { action: 'Arm' }, { action: 'Arm' }];
    expect(checkTraceText(ndjson(lines))).toMatchObject({
      verdict: 'rejected',
      line: 3,
      property: 'Arm',
      message: 'Arm: the model refuses arm() here (armed already, poisoned, or down)',
    });
  });
});
