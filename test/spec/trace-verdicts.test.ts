// `walref check-trace` (oracle/check-trace, built on model/) and TLC's TraceWal (npm run
// spec:trace) give every trace in spec/traces the verdict recorded in spec/traces/expected.json.
// The TLC half runs only with TLA2TOOLS_JAR; the native half always runs. Traces of the low-level
// Wal API, recorded from the real WAL, are accepted, and tampered ones rejected with line and property.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimFileSystem } from '../../crash-sim/sim-fs.js';
import { checkTraceText } from '../../oracle/check-trace/check-trace.js';
import type { TraceEvent } from '../../src/core/trace.js';
import { openWal } from '../../src/open-wal.js';

const root = join(import.meta.dirname, '..', '..');
const tracesDir = join(root, 'spec', 'traces');
const expected = JSON.parse(readFileSync(join(tracesDir, 'expected.json'), 'utf8')) as Record<string, { verdict: 'accepted' | 'rejected'; line?: number; property?: string }>;
const traces = readdirSync(tracesDir).filter((f) => f.endsWith('.ndjson')).sort();
const jar = process.env['TLA2TOOLS_JAR'];

describe('the native trace checker and TLC agree on spec/traces', () => {
  it('every trace in spec/traces has a recorded verdict', () => {
    expect(traces.length).toBeGreaterThanOrEqual(3);
    expect(Object.keys(expected).sort()).toEqual(traces);
  });

  for (const file of traces) {
    it(`walref check-trace gives ${file} the recorded verdict`, () => {
      const want = expected[file];
      const verdict = checkTraceText(readFileSync(join(tracesDir, file), 'utf8'));
      expect(verdict.verdict).toBe(want?.verdict);
      if (verdict.verdict === 'rejected') {
        expect(verdict.line).toBe(want?.line);
        expect(verdict.property).toContain(want?.property);
      }
    });

    it.skipIf(jar === undefined || jar === '')(`TLC (npm run spec:trace) gives ${file} the recorded verdict (needs TLA2TOOLS_JAR)`, () => {
      const run = spawnSync(process.execPath, [join(root, 'scripts', 'spec-trace.mjs'), join(tracesDir, file)], {
        cwd: root,
        env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}` },
        encoding: 'utf8',
      });
      expect(run.status).toBe(expected[file]?.verdict === 'accepted' ? 0 : 1);
    });
  }
});

describe('walref check-trace and the former action names', () => {
  it('accepts good.ndjson with its Recover lines under their former name Open', () => {
    const good = readFileSync(join(tracesDir, 'good.ndjson'), 'utf8');
    expect(good).toContain('"action":"Recover"');
    expect(checkTraceText(good.replaceAll('"action":"Recover"', '"action":"Open"'))).toMatchObject({ ok: true });
  });
});

async function recordLowLevelTrace(): Promise<TraceEvent[]> {
  const events: TraceEvent[] = [];
  const fs = new SimFileSystem({ sectorBytes: 512, ordered: true, safeAppend: true, dirSync: true });
  const text = (s: string) => new TextEncoder().encode(s);
  const { wal } = await openWal('/wal', { fs, trace: (e) => events.push(e), segmentTargetBytes: 120 });
  const a = await wal.begin();
  await wal.append(a, text('a1'));
  const b = await wal.begin();
  await wal.appendBatch(b, [text('b1'), text('b2')]);
  await wal.append(a, text('a2'));
  await wal.commit(b);
  await wal.abort(a);
  await wal.flush();
  const c = await wal.begin();
  await wal.append(c, text('c1'));
  await wal.commit(c);
  await wal.forceFsync();
  await wal.close();
  const reopened = await openWal('/wal', { fs, trace: (e) => events.push(e), segmentTargetBytes: 120 });
  await reopened.wal.close();
  return events;
}

const ndjson = (events: readonly unknown[]) => events.map((e) => JSON.stringify(e)).join('\n');

describe('walref check-trace on the low-level Wal API', () => {
  it('a run through begin, append, appendBatch, commit and abort is traced and accepted', async () => {
    const events = await recordLowLevelTrace();
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['Begin', 'Append', 'AppendBatch', 'WalCommit', 'WalAbort']));
    expect(checkTraceText(ndjson(events))).toMatchObject({ ok: true });
  });

  it('a recovery that replays the aborted transaction is rejected at its Recover, naming AtomicityInv', async () => {
    const events = await recordLowLevelTrace();
    const lastOpen = events.map((e) => e.action).lastIndexOf('Recover');
    const open = events[lastOpen] as Extract<TraceEvent, { action: 'Recover' }>;
    const tampered = [...events];
    tampered[lastOpen] = { ...open, transactions: [{ beginLsn: 1, commitLsn: 7, events: ['a1', 'a2'] }, ...open.transactions] };
    const verdict = checkTraceText(ndjson(tampered));
    expect(verdict).toMatchObject({ ok: false, line: lastOpen + 1 });
    if (verdict.verdict === 'rejected') expect(verdict.property).toContain('AtomicityInv');
  });

  it('an append that skips an LSN is rejected at that line', async () => {
    const events = await recordLowLevelTrace();
    const at = events.findIndex((e) => e.action === 'AppendBatch');
    const batch = events[at] as Extract<TraceEvent, { action: 'AppendBatch' }>;
    const tampered = [...events];
    tampered[at] = { ...batch, lsn: batch.lsn + 1 };
    expect(checkTraceText(ndjson(tampered))).toMatchObject({ ok: false, line: at + 1, property: 'AppendBatch' });
  });

  it('a line that is not a trace event is a TraceFormat error with its line number', () => {
    expect(checkTraceText('{"action":"Open","nextLsn":1,"durableLsn":0,"transactions":[]}\n{"action":"Commit","beginLsn":1}')).toMatchObject({ ok: false, line: 2, property: 'TraceFormat' });
  });
});
