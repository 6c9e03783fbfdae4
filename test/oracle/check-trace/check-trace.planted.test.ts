// check-trace's claims, each with a planted-bug trace that must be rejected (issue 18): every field
// a trace line reports, and every precondition of an action. The good traces come from the real
// WAL under each sync policy (trace-corpus.ts); a planted trace is one of them with one field
// changed, or with one line inserted where the action is not allowed, as a deliberately wrong WAL
// would write it.
//
// The catalogue below is the claim: FIELDS names every field of every line the trace format has,
// read from check-trace's own schema, so a new field without a planted target fails the first
// test; docs/oracle.md's table "check-trace's planted traces" lists the same keys, and the second
// test holds the two to each other.
//
// Outputs (what the WAL computed: LSNs it allocated, what it made durable, what recovery returned)
// must differ from the model whenever they are wrong: every occurrence in every good trace, moved
// by one or flipped, is rejected. Inputs (what the host passed in) are the host's choice: each has
// a planted value that breaks a rule the model states, and that is rejected.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { traceLineSchema } from '../../../oracle/check-trace/action-trace.js';
import { checkTraceText } from '../../../oracle/check-trace/check-trace.js';
import { ndjson, recordTrace, type Policy, type TraceLineJson } from './trace-corpus.js';

type Corpus = Record<Policy, TraceLineJson[]>;
/** A planted trace; `line` (1-based) is the planted line where the rejection must come, when it must come there. */
type Planted = { readonly trace: readonly object[]; readonly where: string; readonly line?: number };

/** What a field is, and how a wrong value of it is planted. */
type FieldClaim =
  | { readonly kind: 'output' }
  | { readonly kind: 'input'; readonly plant: (corpus: Corpus) => Planted[] }
  | { readonly kind: 'unchecked'; readonly why: string };

const POLICIES: readonly Policy[] = ['per-commit', 'group', 'none'];

/** Every trace with line `at` replaced by `line`. */
function replaced(trace: readonly TraceLineJson[], at: number, line: TraceLineJson): TraceLineJson[] {
  return trace.map((l, i) => (i === at ? line : l));
}

/** Every occurrence of `action` in every policy's trace, mapped by `plant` (null: no plant there). */
function atEvery(corpus: Corpus, action: string, plant: (line: TraceLineJson, trace: readonly TraceLineJson[], at: number) => TraceLineJson | null): Planted[] {
  return POLICIES.flatMap((policy) =>
    corpus[policy].flatMap((line, at) => {
      if (line.action !== action) return [];
      const planted = plant(line, corpus[policy], at);
      return planted === null ? [] : [{ trace: replaced(corpus[policy], at, planted), where: `${policy} line ${at + 1}`, line: at + 1 }];
    }),
  );
}

/** The wrong values of an output: a number moved by one each way, a flag flipped, a list cut or altered. */
function wrongValues(value: unknown): unknown[] {
  if (typeof value === 'number') return value > 0 ? [value + 1, value - 1] : [value + 1];
  if (typeof value === 'boolean') return [!value];
  if (Array.isArray(value)) {
    // A recovery's transactions: a hole (the first of two or more dropped, never a valid prefix),
    // one repeated, one with another commit LSN, one with an event it never had. Dropping the last
    // is not always wrong: a crash may have lost a transaction that was never durable.
    const out: unknown[] = [[...value, value.at(-1) ?? 'extra']];
    if (value.length > 1) out.push(value.slice(1));
    const first = value[0] as unknown;
    if (typeof first === 'object' && first !== null) {
      const tx = first as { commitLsn: number; events: string[] };
      out.push([{ ...tx, commitLsn: tx.commitLsn + 1 }, ...value.slice(1)], [{ ...tx, events: [...tx.events, 'planted'] }, ...value.slice(1)]);
    }
    return out;
  }
  return [];
}

/** The first Recover after a crash that replays transactions above its checkpoint LSN. */
function recoverWithTransactions(trace: readonly TraceLineJson[]): number {
  return trace.findIndex((l, i) => i > 0 && l.action === 'Recover' && Array.isArray(l['transactions']) && (l['transactions'] as unknown[]).length > 0);
}

const FIELDS: Record<string, FieldClaim> = {
  'Recover.nextLsn': { kind: 'output' },
  'Recover.durableLsn': { kind: 'output' },
  'Recover.transactions': { kind: 'output' },
  'Recover.sync': {
    kind: 'input',
    // A trace keeps one sync policy (the spec's SyncPolicy constant): a reopen under another is rejected.
    plant: (corpus) =>
      POLICIES.flatMap((policy) => {
        const at = recoverWithTransactions(corpus[policy]);
        const other: Policy = policy === 'per-commit' ? 'none' : 'per-commit';
        return [{ trace: replaced(corpus[policy], at, { ...corpus[policy][at]!, sync: other }), where: `${policy} Recover at line ${at + 1} says ${other}` }];
      }),
  },
  'Recover.checkpointLsn': {
    kind: 'input',
    // A fence of 0 where the WAL replayed from a higher one: the model replays more.
    plant: (corpus) =>
      POLICIES.map((policy) => {
        const at = recoverWithTransactions(corpus[policy]);
        return { trace: replaced(corpus[policy], at, { ...corpus[policy][at]!, checkpointLsn: 0 }), where: `${policy} Recover at line ${at + 1}` };
      }),
  },
  'Record.event': {
    kind: 'input',
    // The event of a transaction a later Recover replays: replay must return what was recorded.
    plant: (corpus) => atEvery(corpus, 'Record', (line) => (line['event'] === 'd' ? { ...line, event: 'planted' } : null)),
  },
  'Commit.wrote': { kind: 'output' },
  'Commit.beginLsn': { kind: 'output' },
  'Commit.commitLsn': { kind: 'output' },
  'Abort.hadEvents': { kind: 'output' },
  'Flush.writtenLsn': { kind: 'output' },
  'Flush.durableLsn': { kind: 'output' },
  'Fsync.ok': { kind: 'output' },
  'Fsync.durableLsn': { kind: 'output' },
  'CheckpointMarker.lsn': { kind: 'output' },
  'CheckpointMarker.snapshotLsn': {
    kind: 'input',
    // A marker may not point past itself.
    plant: (corpus) => atEvery(corpus, 'CheckpointMarker', (line) => ({ ...line, snapshotLsn: line['lsn'] })),
  },
  'TruncateUpTo.upToLsn': {
    kind: 'input',
    // The host may only truncate what its snapshot covers (at most the checkpoint LSN).
    plant: (corpus) => atEvery(corpus, 'TruncateUpTo', (line) => ({ ...line, upToLsn: (line['upToLsn'] as number) + 1 })),
  },
  'TruncateUpTo.removedSegments': {
    kind: 'unchecked',
    why: 'the model has no segments: the list only tells the checker that records at or below upToLsn may be gone from later crash states',
  },
  'Poison.reason': { kind: 'unchecked', why: 'free text for people; the model checks that a Poison line comes where the WAL may be poisoned' },
  'Begin.beginLsn': { kind: 'output' },
  'Append.txBeginLsn': {
    kind: 'input',
    plant: (corpus) => atEvery(corpus, 'Append', (line) => ({ ...line, txBeginLsn: (line['lsn'] as number) - 2 })),
  },
  'Append.lsn': { kind: 'output' },
  'Append.event': {
    kind: 'input',
    // The event of a committed low-level transaction that a later Recover replays.
    plant: (corpus) => atEvery(corpus, 'Append', (line) => (line['event'] === 'l1' ? { ...line, event: 'planted' } : null)),
  },
  'AppendBatch.txBeginLsn': {
    kind: 'input',
    plant: (corpus) => atEvery(corpus, 'AppendBatch', (line) => ({ ...line, txBeginLsn: (line['lsn'] as number) + 5 })),
  },
  'AppendBatch.lsn': { kind: 'output' },
  'AppendBatch.events': {
    kind: 'input',
    plant: (corpus) => atEvery(corpus, 'AppendBatch', (line) => ({ ...line, events: ['planted'] })),
  },
  'WalCommit.txBeginLsn': {
    kind: 'input',
    plant: (corpus) => atEvery(corpus, 'WalCommit', (line) => ({ ...line, txBeginLsn: (line['commitLsn'] as number) + 7 })),
  },
  'WalCommit.commitLsn': { kind: 'output' },
  'WalAbort.txBeginLsn': {
    kind: 'input',
    plant: (corpus) => atEvery(corpus, 'WalAbort', (line) => ({ ...line, txBeginLsn: (line['abortLsn'] as number) + 7 })),
  },
  'WalAbort.abortLsn': { kind: 'output' },
};

/** Inserts `line` into every trace right after the first line that matches `after`. */
function insertedAfter(corpus: Corpus, after: (line: TraceLineJson, trace: readonly TraceLineJson[], at: number) => boolean, line: (prev: TraceLineJson) => TraceLineJson): Planted[] {
  return POLICIES.flatMap((policy) => {
    const trace = corpus[policy];
    const at = trace.findIndex((l, i) => after(l, trace, i));
    if (at < 0) return [];
    return [{ trace: [...trace.slice(0, at + 1), line(trace[at]!), ...trace.slice(at + 1)], where: `${policy} after line ${at + 1}`, line: at + 2 }];
  });
}

const isAction = (action: string) => (line: TraceLineJson): boolean => line.action === action;
const afterPoison = (line: TraceLineJson): boolean => line.action === 'Poison';

/** One planted trace per action precondition: a line where the action is not allowed. */
const PRECONDITIONS: Record<string, (corpus: Corpus) => Planted[]> = {
  'Arm while armed': (c) => insertedAfter(c, isAction('Arm'), () => ({ action: 'Arm' })),
  'Record outside an armed query': (c) => insertedAfter(c, isAction('Commit'), () => ({ action: 'Record', event: 'planted' })),
  'Commit without an armed query': (c) => insertedAfter(c, isAction('Commit'), () => ({ action: 'Commit', wrote: false })),
  'Begin once poisoned': (c) => insertedAfter(c, afterPoison, () => ({ action: 'Begin', beginLsn: 1000 })),
  'Flush once poisoned': (c) => insertedAfter(c, afterPoison, () => ({ action: 'Flush', writtenLsn: 0, durableLsn: 0 })),
  'Arm once poisoned': (c) => insertedAfter(c, afterPoison, () => ({ action: 'Arm' })),
  'Append to a committed transaction': (c) =>
    insertedAfter(c, isAction('WalCommit'), (prev) => ({ action: 'Append', txBeginLsn: prev['txBeginLsn'], lsn: (prev['commitLsn'] as number) + 1, event: 'late' })),
  'Append to an aborted transaction': (c) =>
    insertedAfter(c, isAction('WalAbort'), (prev) => ({ action: 'Append', txBeginLsn: prev['txBeginLsn'], lsn: (prev['abortLsn'] as number) + 1, event: 'late' })),
  'AppendBatch to a transaction never begun': (c) =>
    insertedAfter(c, isAction('WalAbort'), (prev) => ({ action: 'AppendBatch', txBeginLsn: (prev['abortLsn'] as number) - 1, lsn: (prev['abortLsn'] as number) + 1, events: ['x'] })),
  'WalCommit of a committed transaction': (c) =>
    insertedAfter(c, isAction('WalCommit'), (prev) => ({ action: 'WalCommit', txBeginLsn: prev['txBeginLsn'], commitLsn: (prev['commitLsn'] as number) + 1 })),
  'WalAbort of a committed transaction': (c) =>
    insertedAfter(c, isAction('WalCommit'), (prev) => ({ action: 'WalAbort', txBeginLsn: prev['txBeginLsn'], abortLsn: (prev['commitLsn'] as number) + 1 })),
  'CheckpointMarker that moves backwards': (c) =>
    insertedAfter(c, isAction('CheckpointMarker'), (prev) => ({ action: 'CheckpointMarker', lsn: (prev['lsn'] as number) + 1, snapshotLsn: (prev['snapshotLsn'] as number) - 1 })),
  'Fsync once poisoned': (c) => insertedAfter(c, afterPoison, () => ({ action: 'Fsync', ok: true, durableLsn: 1000 })),
  'Record once poisoned': (c) => insertedAfter(c, afterPoison, () => ({ action: 'Record', event: 'planted' })),
  'Close while down': (c) => insertedAfter(c, isAction('Close'), () => ({ action: 'Close' })),
  // After the first Close, and after the first Close of a WAL that was poisoned before it: a
  // process that is down poisons nothing, whatever it was before it went down.
  'Poison while down': (c) => [
    ...insertedAfter(c, isAction('Close'), () => ({ action: 'Poison', reason: 'planted' })),
    ...insertedAfter(c, (l, trace, at) => l.action === 'Close' && trace.slice(0, at).some(afterPoison), () => ({ action: 'Poison', reason: 'planted' })),
  ],
  'Recover of a non-empty directory first': (c) =>
    POLICIES.map((policy) => ({ trace: [{ ...c[policy][0]!, nextLsn: 5 }, ...c[policy].slice(1)], where: `${policy} line 1` })),
};

/** The planted traces check-trace does not reject (at their planted line, when `atLine`). */
function missed(planted: readonly Planted[], atLine: boolean): string[] {
  return planted.flatMap((p) => {
    const verdict = checkTraceText(ndjson(p.trace));
    if (verdict.verdict !== 'rejected') return [`${p.where}: ${verdict.verdict}`];
    if (atLine && p.line !== undefined && verdict.line !== p.line) return [`${p.where}: rejected at line ${verdict.line} (${verdict.property}), not ${p.line}`];
    // A rejection says why in words, after the action's name if it names one: "Flush: after flush the model has …".
    if (verdict.message.replace(/^\w+: /, '').trim() === '') return [`${p.where}: rejected with no reason ("${verdict.message}")`];
    return [];
  });
}

describe("check-trace's planted traces", () => {
  let corpus: Corpus;
  beforeAll(async () => {
    corpus = { 'per-commit': await recordTrace('per-commit'), group: await recordTrace('group'), none: await recordTrace('none') };
  });

  it('names every field of every trace line, from check-trace’s own schema', () => {
    const schemaFields = traceLineSchema.options.flatMap((option) =>
      Object.keys(option.shape)
        .filter((key) => key !== 'action')
        .map((key) => `${String(option.shape.action.value)}.${key}`),
    );
    expect(Object.keys(FIELDS).sort()).toEqual(schemaFields.sort());
  });

  it("docs/oracle.md's table lists exactly the planted fields and preconditions", () => {
    const doc = readFileSync(join(import.meta.dirname, '../../../docs/oracle.md'), 'utf8');
    const section = doc.slice(doc.indexOf("## check-trace's planted traces"));
    const rows = [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
    expect(rows.sort()).toEqual([...Object.keys(FIELDS), ...Object.keys(PRECONDITIONS)].sort());
  });

  it('the good traces are accepted and exercise every action', () => {
    for (const policy of POLICIES) expect(checkTraceText(ndjson(corpus[policy])), policy).toMatchObject({ verdict: 'accepted' });
    const actions = new Set(POLICIES.flatMap((p) => corpus[p].map((l) => l.action)));
    expect([...actions].sort()).toEqual(traceLineSchema.options.map((o) => String(o.shape.action.value)).sort());
  });

  for (const [key, claim] of Object.entries(FIELDS)) {
    const [action, field] = key.split('.') as [string, string];
    if (claim.kind === 'unchecked') continue;
    it(`${key} is compared with the model: a wrong value is rejected`, () => {
      const planted: Planted[] =
        claim.kind === 'input'
          ? claim.plant(corpus)
          : POLICIES.flatMap((policy) =>
              corpus[policy].flatMap((line, at) =>
                line.action !== action || !(field in line)
                  ? []
                  : wrongValues(line[field]).map((value) => ({
                      trace: replaced(corpus[policy], at, { ...line, [field]: value }),
                      where: `${policy} line ${at + 1}: ${field} ${JSON.stringify(value)}`,
                      line: at + 1,
                    })),
              ),
            );
      expect(planted.length, `${key} has planted traces`).toBeGreaterThan(0);
      // An output is wrong on its own line; an input may show only later (a recovery replays it).
      expect(missed(planted, claim.kind === 'output'), `${key}: planted traces not rejected where they must be`).toEqual([]);
    });
  }

  for (const [name, plant] of Object.entries(PRECONDITIONS)) {
    it(`${name} is rejected`, () => {
      const planted = plant(corpus);
      expect(planted.length).toBeGreaterThan(0);
      expect(missed(planted, true), `${name}: planted traces not rejected at the planted line`).toEqual([]);
    });
  }
});
