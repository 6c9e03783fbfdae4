// BatchTransaction (src/core/replay-transaction.ts): a committed transaction whose events stay in
// the batch's bytes. Taking one event, all of them, or only their count must agree, before and
// after the array is built, and an index that names no event is a RangeError, never a view of
// other bytes. checkedEntryCount says whether entries fill a range exactly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeU32 } from '../../../src/core/le-bytes.js';
import { BatchTransaction, checkedEntryCount } from '../../../src/core/replay-transaction.js';
import { putEntries } from './log-builder.js';

/** `events` as a batch's entries behind `lead` bytes, with `tail` bytes after them; returns the bytes and where the entries end. */
function entries(events: readonly Uint8Array[], lead: number, tail: number): { bytes: Uint8Array; end: number } {
  const bytes = new Uint8Array(lead + events.reduce((sum, e) => sum + 4 + e.length, 0) + tail).fill(0xa5);
  return { bytes, end: putEntries(bytes, lead, events) };
}

const eventsArb = fc.array(fc.uint8Array({ maxLength: 12 }), { maxLength: 6 });

describe('BatchTransaction', () => {
  it('event(i), events and eventCount agree, whichever is taken first, and events are views of the bytes', () => {
    fc.assert(
      fc.property(eventsArb, fc.nat(8), fc.boolean(), (events, lead, arrayFirst) => {
        const { bytes } = entries(events, lead, 3);
        const t = new BatchTransaction(5, 9, events.length, bytes, lead);
        expect([t.beginLsn, t.commitLsn, t.eventCount]).toEqual([5, 9, events.length]);
        if (arrayFirst) expect(t.events.map((e) => Array.from(e))).toEqual(events.map((e) => Array.from(e)));
        for (let i = 0; i < events.length; i++) {
          expect(Array.from(t.event(i)), `event ${i}`).toEqual(Array.from(events[i]!));
          expect(t.event(i).buffer).toBe(bytes.buffer);
        }
        expect(t.events.map((e) => Array.from(e))).toEqual(events.map((e) => Array.from(e)));
        expect(t.events).toBe(t.events);
        expect(t.toJSON()).toEqual({ beginLsn: 5, commitLsn: 9, events: t.events, eventCount: events.length });
      }),
    );
  });

  it('an index that names no event is a RangeError naming the index and the count, before and after the array is built', () => {
    const { bytes } = entries([Uint8Array.of(1), Uint8Array.of(2, 3)], 0, 8);
    for (const built of [false, true]) {
      const t = new BatchTransaction(1, 2, 2, bytes, 0);
      if (built) void t.events;
      for (const index of [-1, 2, 3, 0.5, Number.NaN]) expect(() => t.event(index), `index ${index}, array ${built}`).toThrow(new RangeError(`replay: event ${index} of a transaction with 2 events`));
      expect(Array.from(t.event(1))).toEqual([2, 3]);
      expect(Array.from(t.event(0))).toEqual([1]);
    }
  });
});

describe('checkedEntryCount', () => {
  it('counts entries that fill the range exactly, and refuses a range they under- or overrun', () => {
    fc.assert(
      fc.property(eventsArb, fc.integer({ min: -3, max: 3 }).filter((d) => d !== 0), (events, slack) => {
        const body = entries(events, 4, 8);
        writeU32(body.bytes, 0, events.length);
        expect(checkedEntryCount(body.bytes, 0, body.end)).toBe(events.length);
        expect(checkedEntryCount(body.bytes, 0, body.end + slack)).toBe(-1);
      }),
    );
    expect(checkedEntryCount(new Uint8Array(3), 0, 3)).toBe(-1);
    // A count that could not fit even as empty entries is refused before any is read.
    const huge = new Uint8Array(12);
    writeU32(huge, 0, 3);
    expect(checkedEntryCount(huge, 0, 12)).toBe(-1);
  });
});
