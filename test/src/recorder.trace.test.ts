// The Recorder's trace lines (src/recorder.ts) for events that are not UTF-8. A trace carries each
// event as its UTF-8 decoding (docs/trace-format.md), and events are opaque bytes the host chose:
// recording one that does not decode must neither fail nor be dropped when a trace sink is on. Each
// byte that does not decode is traced as U+FFFD, by the one decoding every trace line uses
// (traceText in src/core/trace.ts): the recorder's Record, the Wal's Append and open's Recover.

import { describe, expect, it } from 'vitest';
import { openWal, type TraceEvent } from '../../src/index.js';
import { Recorder, type RecorderHost } from '../../src/recorder.js';
import { tempDir } from './helpers.js';

/** Bytes that are not UTF-8: a lone continuation byte, a truncated three-byte sequence, and 0xff. */
const notUtf8 = Uint8Array.of(0x61, 0x80, 0x62, 0xe2, 0x82, 0x63, 0xff);
const notUtf8Text = 'a\u{fffd}b\u{fffd}c\u{fffd}';

/** A RecorderHost that builds every trace event at once and keeps it; the rest is never called here. */
function tracingHost(events: TraceEvent[]): RecorderHost {
  const unused = (): never => {
    throw new Error('not called by arm() and record()');
  };
  return {
    writeTransaction: unused,
    flush: unused,
    forceFsync: unused,
    poison: unused,
    poisoned: () => null,
    emitTrace: (build) => events.push(build()),
    turn: () => undefined,
    track: unused,
  };
}

describe('Recorder trace of events that are not UTF-8', () => {
  it('record() takes the event and traces it with U+FFFD for each byte that does not decode', () => {
    const events: TraceEvent[] = [];
    const recorder = new Recorder(tracingHost(events));
    recorder.arm();
    expect(() => recorder.record(notUtf8)).not.toThrow();
    expect(recorder.poisoned()).toBeNull();
    expect(events).toEqual([{ action: 'Arm' }, { action: 'Record', event: notUtf8Text }]);
  });

  it('a record() that poisons the recorder, and every record() after the poison, traces no Record line', () => {
    const events: TraceEvent[] = [];
    const poisons: string[] = [];
    const recorder = new Recorder({ ...tracingHost(events), poison: (reason) => void poisons.push(reason) });
    // Outside an armed query: the record poisons the recorder and is dropped, so no line says it was taken.
    recorder.record(Uint8Array.of(0x61));
    expect(recorder.poisoned()).not.toBeNull();
    recorder.record(Uint8Array.of(0x62));
    expect(poisons).toHaveLength(1);
    expect(events).toEqual([]);
  });

  it('through a Wal with a trace sink, the event is committed whole, and every trace line that carries it decodes it the same way', async () => {
    const dir = tempDir('recorder-trace');
    const events: TraceEvent[] = [];
    {
      const { wal } = await openWal(dir, { trace: (event) => events.push(event) });
      const recorder = wal.recorder();
      recorder.arm();
      recorder.record(notUtf8);
      expect(await recorder.commit()).toBe('yes');
      await recorder.flush();
      // The Wal's own calls, beside the recorder's.
      const tx = await wal.begin();
      await wal.append(tx, notUtf8);
      await wal.commit(tx);
      await wal.flush();
      await wal.close();
    }
    expect(events.filter((event) => event.action === 'Record')).toEqual([{ action: 'Record', event: notUtf8Text }]);
    expect(events.filter((event) => event.action === 'Append').map((event) => event.action === 'Append' && event.event)).toEqual([notUtf8Text]);
    const reopened: TraceEvent[] = [];
    const { wal, replay } = await openWal(dir, { trace: (event) => reopened.push(event) });
    expect(replay.transactions.map((t) => t.events)).toEqual([[notUtf8], [notUtf8]]);
    const recover = reopened.find((event) => event.action === 'Recover');
    expect(recover !== undefined && recover.action === 'Recover' && recover.transactions.map((t) => t.events)).toEqual([[notUtf8Text], [notUtf8Text]]);
    await wal.close();
  });
});
