// The Recorder's trace lines (src/recorder.ts) for events that are not UTF-8. A trace carries each
// event as its UTF-8 decoding (docs/trace-format.md), and events are opaque bytes the host chose:
// recording one that does not decode must neither fail nor be dropped when a trace sink is on. The
// decoder replaces each byte that does not decode with U+FFFD, as the Wal's own trace lines do.

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

  it('through a Wal with a trace sink, the event is committed whole and its trace line decodes it the same way', async () => {
    const dir = tempDir('recorder-trace');
    const events: TraceEvent[] = [];
    {
      const { wal } = await openWal(dir, { trace: (event) => events.push(event) });
      const recorder = wal.recorder();
      recorder.arm();
      recorder.record(notUtf8);
      expect(await recorder.commit()).toBe('yes');
      await recorder.flush();
      await wal.close();
    }
    expect(events.filter((event) => event.action === 'Record')).toEqual([{ action: 'Record', event: notUtf8Text }]);
    const { wal, replay } = await openWal(dir);
    expect(replay.transactions.map((t) => t.events)).toEqual([[notUtf8]]);
    await wal.close();
  });
});
